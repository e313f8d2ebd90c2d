// SPDX-License-Identifier: GPL-3.0-or-later
#include "runsview.h"

#include "models/runsmodel.h"
#include "models/sessionsmodel.h"
#include "operatoractions.h"
#include "rundetail.h"
#include "widgets/confirmdialog.h"
#include "widgets/listtable.h"
#include "widgets/ratiobardelegate.h"

#include "engine/enginestatus.h"
#include "store/storereader.h"

#include <QAction>
#include <QComboBox>
#include <QCompleter>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QStringListModel>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

RunsView::RunsView(const Console &console, SessionsModel *sessions, QWidget *parent)
    : QWidget(parent)
    , m_console(console)
    , m_sessions(sessions)
    , m_model(new RunsModel(console.reader, this))
    , m_table(new QTableView)
    , m_detail(new RunDetail(console))
    , m_states(new QToolButton)
    , m_lane(new QComboBox)
    , m_priority(new QComboBox)
    , m_session(new QLineEdit)
    , m_time(new QComboBox)
    , m_search(new QLineEdit)
    , m_newRuns(new QPushButton)
    , m_status(new QLabel)
    , m_searchDelay(new QTimer(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    auto *toolbar = new QToolBar;
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_cancel = toolbar->addAction(tr("Cancel…"), this, &RunsView::cancelSelection);
    m_cancel->setShortcut(QKeySequence::Delete);
    m_cancel->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_cancel->setToolTip(tr("Cancel the selected queued or running runs (Del)"));
    m_retry = toolbar->addAction(tr("Retry"), this, &RunsView::retrySelection);
    m_retry->setShortcut(QKeySequence(u"Ctrl+R"_s));
    m_retry->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_retry->setToolTip(tr("Run the selected finished runs again as new runs (Ctrl+R)"));
    m_requeue = toolbar->addAction(tr("Requeue"), this, &RunsView::requeueSelection);
    m_requeue->setToolTip(tr("Put the selected needs-attention runs back in their queues"));
    addActions({m_cancel, m_retry, m_requeue});
    toolbar->addSeparator();
    auto *reload = toolbar->addAction(tr("Reload"), m_model, &RunsModel::reload);
    reload->setShortcut(QKeySequence::Refresh);
    reload->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(reload);
    layout->addWidget(toolbar);

    // Filters.
    auto *filters = new QHBoxLayout;
    m_states->setText(tr("State: any"));
    m_states->setMinimumWidth(110);
    m_states->setPopupMode(QToolButton::InstantPopup);
    m_states->setAccessibleName(tr("State filter"));
    auto *stateMenu = new QMenu(m_states);
    for (int i = 0; i < int(RunState::Count); ++i) {
        QAction *a = stateMenu->addAction(runStateName(RunState(i)));
        a->setCheckable(true);
        a->setData(i);
        connect(a, &QAction::toggled, this, &RunsView::applyFilter);
    }
    m_states->setMenu(stateMenu);
    m_lane->addItem(tr("Any lane"));
    m_lane->setAccessibleName(tr("Lane filter"));
    m_priority->addItem(tr("Any priority"), -1);
    for (int p = 0; p < int(Priority::Count); ++p)
        m_priority->addItem(priorityName(Priority(p)), p);
    m_priority->setAccessibleName(tr("Priority filter"));
    m_session->setPlaceholderText(tr("Session key"));
    m_session->setClearButtonEnabled(true);
    m_session->setAccessibleName(tr("Session filter"));
    m_session->setCompleter(new QCompleter(new QStringListModel(this), this));
    m_time->addItem(tr("Any time"), 0);
    m_time->addItem(tr("Last 5 minutes"), 5 * 60);
    m_time->addItem(tr("Last hour"), 3600);
    m_time->addItem(tr("Last 24 hours"), 86400);
    m_time->setAccessibleName(tr("Time filter"));
    m_search->setObjectName(u"search"_s); // "/" focuses it (MainWindow::focusSearch)
    m_search->setPlaceholderText(tr("Search input, result, error · #id jumps to a run"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Run search"));
    filters->addWidget(m_states);
    filters->addWidget(m_lane);
    filters->addWidget(m_priority);
    filters->addWidget(m_session);
    filters->addWidget(m_time);
    filters->addWidget(m_search, 1);
    layout->addLayout(filters);
    connect(m_lane, &QComboBox::currentIndexChanged, this, &RunsView::applyFilter);
    connect(m_priority, &QComboBox::currentIndexChanged, this, &RunsView::applyFilter);
    connect(m_time, &QComboBox::currentIndexChanged, this, &RunsView::applyFilter);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(300);
    connect(m_searchDelay, &QTimer::timeout, this, &RunsView::applyFilter);
    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_session, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));

    m_newRuns->setVisible(false);
    m_newRuns->setFlat(true);
    m_newRuns->setCursor(Qt::PointingHandCursor);
    connect(m_newRuns, &QPushButton::clicked, m_model, &RunsModel::showNewRuns);
    connect(m_model, &RunsModel::newRunsChanged, this, [this](int n) {
        m_newRuns->setVisible(n > 0);
        m_newRuns->setText(tr("▲ %n new run(s) — show", nullptr, n));
    });
    layout->addWidget(m_newRuns);

    m_table->setModel(m_model);
    setUpListTable(m_table, QAbstractItemView::ExtendedSelection, tr("Runs"));
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setItemDelegateForColumn(RunsModel::Progress, new RatioBarDelegate(RunsModel::ProgressRole, m_table,
                                                                                RatioBarDelegate::Kind::Progress));
    for (auto [col, w] : {std::pair{RunsModel::Id, 70}, {RunsModel::State, 100}, {RunsModel::Progress, 150},
                          {RunsModel::Session, 170},
                          {RunsModel::Lane, 80}, {RunsModel::Priority, 85}, {RunsModel::Handler, 80},
                          {RunsModel::Attempt, 40}, {RunsModel::Queued, 75}, {RunsModel::Duration, 110}})
        m_table->setColumnWidth(col, w);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RunsView::updateActions);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { m_detail->setRun(m_model->runAt(current.row())); });
    connect(m_model, &RunsModel::loadingChanged, this, &RunsView::updateStatus);
    connect(m_model, &RunsModel::rowsInserted, this, &RunsView::updateStatus);
    connect(m_model, &RunsModel::queryFailed, this, [this](const QString &e) {
        m_status->setText(tr("Query failed: %1").arg(e));
    });
    connect(m_console.actions, &OperatorActions::cancelRequested, this,
            [this](const QVector<RunId> &runs) { m_model->setCancelling(runs, true); });
    connect(m_console.actions, &OperatorActions::cancelRejected, this,
            [this](const QVector<RunId> &runs) { m_model->setCancelling(runs, false); });

    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_table);
    split->addWidget(m_detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({600, 300}); // the list gets two thirds until the operator drags the handle
    split->setChildrenCollapsible(false);
    layout->addWidget(split, 1);
    m_status->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_status);

    if (!m_console.reader) {
        m_status->setText(tr("Run history needs a database: this scheduler runs in memory (--in-memory)."));
        for (QWidget *w : std::initializer_list<QWidget *>{m_states, m_lane, m_priority, m_session, m_time, m_search})
            w->setEnabled(false);
    } else {
        m_model->reload();
    }
    updateActions();
}

void RunsView::applyFilter()
{
    RunFilter f;
    QStringList stateNames;
    for (QAction *a : m_states->menu()->actions()) {
        if (a->isChecked()) {
            f.states << RunState(a->data().toInt());
            stateNames << a->text();
        }
    }
    m_states->setText(stateNames.isEmpty() ? tr("State: any") : tr("State: %1").arg(stateNames.join(u", "_s)));
    if (m_lane->currentIndex() > 0)
        f.lanes << m_lane->currentText();
    if (m_priority->currentData().toInt() >= 0)
        f.priorities << Priority(m_priority->currentData().toInt());
    const QString key = m_session->text().trimmed();
    if (!key.isEmpty()) {
        f.session = -1; // matches nothing unless the key is known
        for (int r = 0; r < m_sessions->rowCount(); ++r) {
            const QModelIndex idx = m_sessions->index(r, SessionsModel::Key);
            if (idx.data().toString() == key) {
                f.session = idx.data(SessionsModel::SessionIdRole).toLongLong();
                break;
            }
        }
        m_session->setToolTip(f.session < 0 ? tr("No session has the key \"%1\"").arg(key) : QString());
    }
    if (const int secs = m_time->currentData().toInt())
        f.queuedAfter = QDateTime::currentMSecsSinceEpoch() - qint64(secs) * 1000;
    f.text = m_search->text();
    m_model->setFilter(f);
    updateStatus();
}

void RunsView::updateStatus()
{
    if (!m_console.reader)
        return;
    if (m_model->isLoading()) {
        m_status->setText(tr("Loading…"));
        return;
    }
    const int n = m_model->rowCount();
    m_status->setText((m_model->hasMore() ? tr("%n run(s) loaded, more as you scroll", nullptr, n)
                                          : tr("%n run(s)", nullptr, n))
                      + tr(" · last query %1 ms").arg(m_model->lastQueryMs()));
}

void RunsView::applySnapshot(const EngineSnapshot &snapshot)
{
    m_model->setNow(snapshot.time);
    QStringList lanes;
    for (const LaneStats &l : snapshot.lanes)
        lanes << l.name;
    if (lanes != m_laneNames) {
        m_laneNames = lanes;
        const QString current = m_lane->currentText();
        QSignalBlocker block(m_lane);
        m_lane->clear();
        m_lane->addItem(tr("Any lane"));
        m_lane->addItems(lanes);
        m_lane->setCurrentIndex(qMax(0, m_lane->findText(current)));
    }
    if (!snapshot.changedSessions.isEmpty()) {
        auto *completerModel = static_cast<QStringListModel *>(m_session->completer()->model());
        QStringList keys;
        for (int r = 0; r < m_sessions->rowCount(); ++r)
            keys << m_sessions->index(r, SessionsModel::Key).data().toString();
        if (keys.size() != completerModel->rowCount())
            completerModel->setStringList(keys);
    }
}

bool RunsView::isFollowing() const
{
    return !m_table->selectionModel()->hasSelection() && m_table->verticalScrollBar()->value() == 0;
}

void RunsView::applyEvents(const EventBatch &events)
{
    m_model->applyEvents(events);
    for (const Event &e : events) {
        if (e.run == m_detail->run() && e.type != EventType::RunProgress) {
            m_detail->refreshIf(e.run);
            break;
        }
    }
    // New rows appear by themselves only when they cannot move anything under the operator.
    const TimeMs now = QDateTime::currentMSecsSinceEpoch();
    if (m_model->newRuns() > 0 && isFollowing() && now - m_lastAutoInsert > 1000) {
        m_lastAutoInsert = now;
        m_model->showNewRuns();
    }
    updateActions();
}

QVector<RunId> RunsView::selectedRuns() const
{
    QVector<RunId> ids;
    for (const QModelIndex &idx : m_table->selectionModel()->selectedRows())
        ids << m_model->runAt(idx.row());
    std::sort(ids.begin(), ids.end());
    return ids;
}

void RunsView::updateActions()
{
    int active = 0, finished = 0, attention = 0;
    for (const QModelIndex &idx : m_table->selectionModel()->selectedRows()) {
        const RunState s = m_model->stateAt(idx.row());
        if (s == RunState::NeedsAttention)
            ++attention;
        else if (isTerminal(s) && s != RunState::Merged)
            ++finished;
        else if (!isTerminal(s))
            ++active;
    }
    m_cancel->setEnabled(active + attention > 0);
    m_retry->setEnabled(finished > 0);
    m_requeue->setEnabled(attention > 0);
    m_cancel->setText(active + attention > 1 ? tr("Cancel %1…").arg(active + attention) : tr("Cancel…"));
    m_retry->setText(finished > 1 ? tr("Retry %1").arg(finished) : tr("Retry"));
}

void RunsView::cancelSelection()
{
    if (m_console.actions->refusedReadOnly())
        return;
    QVector<RunId> ids;
    for (const QModelIndex &idx : m_table->selectionModel()->selectedRows()) {
        const RunState s = m_model->stateAt(idx.row());
        if (!isTerminal(s))
            ids << m_model->runAt(idx.row());
    }
    if (ids.isEmpty())
        return;
    QString reason;
    QStringList shown;
    for (int i = 0; i < ids.size() && i < 10; ++i)
        shown << u"#%1"_s.arg(ids[i]);
    if (ids.size() > 10)
        shown << tr("and %1 more").arg(ids.size() - 10);
    if (!ConfirmDialog::ask(this, tr("Cancel runs"),
                            tr("Cancel %n run(s): %1. Running ones are told to stop; queued ones never start.",
                               nullptr, int(ids.size()))
                                .arg(shown.join(u", "_s)),
                            tr("Cancel %n run(s)", nullptr, int(ids.size())), &reason))
        return;
    m_console.actions->cancelRuns(ids, reason);
}

void RunsView::retrySelection()
{
    if (m_console.actions->refusedReadOnly())
        return;
    QVector<RunId> ids;
    for (const QModelIndex &idx : m_table->selectionModel()->selectedRows()) {
        const RunState s = m_model->stateAt(idx.row());
        if (isTerminal(s) && s != RunState::Merged)
            ids << m_model->runAt(idx.row());
    }
    if (ids.isEmpty())
        return;
    QString reason;
    if (ids.size() > 1
        && !ConfirmDialog::ask(this, tr("Retry runs"),
                               tr("Start %n run(s) again as new runs in their sessions and lanes.", nullptr,
                                  int(ids.size())),
                               tr("Retry %n run(s)", nullptr, int(ids.size())), &reason))
        return;
    m_console.actions->retryRuns(ids, reason);
}

void RunsView::requeueSelection()
{
    QVector<RunId> ids;
    for (const QModelIndex &idx : m_table->selectionModel()->selectedRows()) {
        if (m_model->stateAt(idx.row()) == RunState::NeedsAttention)
            ids << m_model->runAt(idx.row());
    }
    m_console.actions->requeueRuns(ids, {});
}

void RunsView::showRun(RunId id)
{
    m_search->setText(u"#%1"_s.arg(id));
    applyFilter();
    m_detail->setRun(id);
}

void RunsView::showSession(SessionId id, const QString &key)
{
    Q_UNUSED(id);
    m_session->setText(key);
    applyFilter();
}

} // namespace Yard::Ui
