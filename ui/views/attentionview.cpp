// SPDX-License-Identifier: GPL-3.0-or-later
#include "attentionview.h"

#include "emptystateview.h"
#include "format.h"
#include "models/attentionmodel.h"
#include "operatoractions.h"
#include "widgets/confirmdialog.h"
#include "widgets/listtable.h"

#include "engine/enginestatus.h"
#include "engine/scheduler.h"

#include <QAction>
#include <QCoreApplication>
#include <QPointer>
#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

namespace {

QString verb(AttentionAction action)
{
    switch (action) {
    case AttentionAction::Requeue:
        return AttentionView::tr("Requeue");
    case AttentionAction::Cancel:
        return AttentionView::tr("Cancel");
    case AttentionAction::Acknowledge:
        return AttentionView::tr("Acknowledge");
    }
    return {};
}

QString consequence(AttentionAction action)
{
    switch (action) {
    case AttentionAction::Requeue:
        return AttentionView::tr("They go back to waiting for a claim, with a fresh escalation budget: the "
                                 "cycle wakes capable sessions for them again.");
    case AttentionAction::Cancel:
        return AttentionView::tr("They end cancelled and leave this list. This cannot be undone.");
    case AttentionAction::Acknowledge:
        return AttentionView::tr("They stay here, marked as seen with your note, and no longer count in the "
                                 "badge. Requeue or cancel them later.");
    }
    return {};
}

} // namespace

AttentionView::AttentionView(const Console &console, QWidget *parent)
    : QWidget(parent)
    , m_console(console)
    , m_model(new AttentionModel(console, this))
    , m_stack(new QStackedWidget)
    , m_table(new QTableView)
    , m_detail(new QTextBrowser)
    , m_capability(new QLineEdit)
    , m_workspace(new QLineEdit)
    , m_search(new QLineEdit)
    , m_showAcknowledged(new QCheckBox(tr("Show ac&knowledged")))
    , m_summary(new QLabel)
    , m_status(new QLabel)
    , m_allButton(new QToolButton)
    , m_filterDelay(new QTimer(this))
    , m_reloadDelay(new QTimer(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    auto *toolbar = new QToolBar;
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto add = [&](const QString &text, const QKeySequence &key, const QString &tip, auto fn) {
        QAction *a = toolbar->addAction(text, this, fn);
        if (!key.isEmpty()) {
            a->setShortcut(key);
            a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
            addAction(a);
        }
        a->setToolTip(key.isEmpty() ? tip : tr("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText)));
        return a;
    };
    m_requeue = add(tr("Requeue…"), QKeySequence(u"Ctrl+R"_s),
                    tr("Put the selected runs back to wait for a claim, with a fresh escalation budget"),
                    [this] { resolve(AttentionAction::Requeue, false); });
    m_cancel = add(tr("Cancel…"), QKeySequence::Delete, tr("Cancel the selected runs"),
                   [this] { resolve(AttentionAction::Cancel, false); });
    m_acknowledge = add(tr("Acknowledge…"), QKeySequence(u"Ctrl+Shift+A"_s),
                        tr("Mark the selected runs as seen, with a note"),
                        [this] { resolve(AttentionAction::Acknowledge, false); });
    toolbar->addSeparator();
    auto *allMenu = new QMenu(m_allButton);
    m_requeueAll = allMenu->addAction(tr("Requeue all matching…"), this,
                                      [this] { resolve(AttentionAction::Requeue, true); });
    m_cancelAll = allMenu->addAction(tr("Cancel all matching…"), this,
                                     [this] { resolve(AttentionAction::Cancel, true); });
    m_acknowledgeAll = allMenu->addAction(tr("Acknowledge all matching…"), this,
                                          [this] { resolve(AttentionAction::Acknowledge, true); });
    m_allButton->setMenu(allMenu);
    m_allButton->setPopupMode(QToolButton::InstantPopup);
    m_allButton->setToolTip(tr("Act on every run the filter matches, not only the loaded or selected ones"));
    m_allButton->setAccessibleName(tr("Actions on all matching runs"));
    toolbar->addWidget(m_allButton);
    toolbar->addSeparator();
    m_open = add(tr("Open in Runs"), {}, tr("Show the run with its timeline and log (Enter in the list)"),
                 [this] {
                     const QVector<RunId> runs = selectedRuns();
                     if (!runs.isEmpty())
                         Q_EMIT runActivated(runs.first());
                 });
    // Enter opens the run only from the list: in a filter field it belongs to the field.
    m_open->setShortcuts({QKeySequence(Qt::Key_Return), QKeySequence(Qt::Key_Enter)});
    m_open->setShortcutContext(Qt::WidgetShortcut);
    m_table->addAction(m_open);
    auto *reload = add(tr("Reload"), QKeySequence::Refresh, tr("Load the list again"), [this] { m_model->reload(); });
    Q_UNUSED(reload);
    layout->addWidget(toolbar);

    QFont bold = m_summary->font();
    bold.setBold(true);
    m_summary->setFont(bold);
    m_summary->setAccessibleName(tr("Needs attention summary"));
    layout->addWidget(m_summary);

    // Filters: what the list shows is what "all matching" acts on.
    auto *filters = new QHBoxLayout;
    m_capability->setPlaceholderText(tr("Capability"));
    m_capability->setAccessibleName(tr("Capability filter"));
    m_capability->setClearButtonEnabled(true);
    m_workspace->setPlaceholderText(tr("Workspace"));
    m_workspace->setAccessibleName(tr("Workspace filter"));
    m_workspace->setClearButtonEnabled(true);
    m_search->setObjectName(u"search"_s); // "/" focuses it (MainWindow::focusSearch)
    m_search->setPlaceholderText(tr("Search diagnostic and input"));
    m_search->setAccessibleName(tr("Needs attention search"));
    m_search->setClearButtonEnabled(true);
    m_showAcknowledged->setChecked(true);
    m_showAcknowledged->setToolTip(tr("Acknowledged runs stay until they are requeued or cancelled"));
    filters->addWidget(m_capability);
    filters->addWidget(m_workspace);
    filters->addWidget(m_search, 1);
    filters->addWidget(m_showAcknowledged);
    layout->addLayout(filters);
    m_filterDelay->setSingleShot(true);
    m_filterDelay->setInterval(250);
    connect(m_filterDelay, &QTimer::timeout, this, &AttentionView::applyFilter);
    for (QLineEdit *e : {m_capability, m_workspace, m_search})
        connect(e, &QLineEdit::textChanged, m_filterDelay, qOverload<>(&QTimer::start));
    connect(m_showAcknowledged, &QCheckBox::toggled, this, &AttentionView::applyFilter);

    m_table->setModel(m_model);
    setUpListTable(m_table, QAbstractItemView::ExtendedSelection, tr("Runs that need attention"));
    m_table->horizontalHeader()->setSectionResizeMode(AttentionModel::Diagnostic, QHeaderView::Stretch);
    for (auto [col, w] : {std::pair{AttentionModel::Id, 70}, {AttentionModel::Tier, 150}, {AttentionModel::Wakes, 55},
                          {AttentionModel::Age, 90}, {AttentionModel::Capabilities, 150},
                          {AttentionModel::Workspace, 110}, {AttentionModel::Acknowledged, 160}})
        m_table->setColumnWidth(col, w);
    m_detail->setAccessibleName(tr("Selected run"));
    m_detail->setOpenLinks(false);
    m_detail->setPlaceholderText(tr("Select a run to see its diagnostic, requirements and acknowledgement."));

    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_table);
    split->addWidget(m_detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);
    auto *listPage = new QWidget;
    auto *listLayout = new QVBoxLayout(listPage);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addWidget(split, 1);
    m_status->setForegroundRole(QPalette::PlaceholderText);
    listLayout->addWidget(m_status);
    m_stack->addWidget(listPage);
    m_stack->addWidget(new EmptyStateView(
        tr("Nothing needs attention"),
        tr("Tasks that stay queued without a claim are escalated by the mechanical cycle: woken to "
           "every capable session, then a worker is spawned from an agent template, then reported as "
           "starved. After ten escalation cycles they land here with a diagnostic, for you to requeue, "
           "cancel or acknowledge.")));
    layout->addWidget(m_stack, 1);

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &AttentionView::updateActions);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &AttentionView::showDetail);
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex &i) {
        if (const AttentionRow *r = m_model->rowAt(i.row()))
            Q_EMIT runActivated(r->id);
    });
    connect(m_model, &AttentionModel::loaded, this, [this] {
        updateStatus();
        updateActions();
        showDetail();
    });
    connect(m_model, &AttentionModel::queryFailed, this,
            [this](const QString &e) { m_status->setText(tr("Query failed: %1").arg(e)); });
    // The list follows what operators (here or elsewhere) did, at most a few times a second.
    m_reloadDelay->setSingleShot(true);
    m_reloadDelay->setInterval(300);
    connect(m_reloadDelay, &QTimer::timeout, m_model, &AttentionModel::reload);
    connect(m_console.actions, &OperatorActions::attentionResolved, m_reloadDelay, qOverload<>(&QTimer::start));

    m_model->reload();
    updateStatus();
    updateActions();
}

QVector<RunId> AttentionView::selectedRuns() const
{
    QVector<RunId> runs;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
        runs << i.data(AttentionModel::RunIdRole).toLongLong();
    std::sort(runs.begin(), runs.end());
    return runs;
}

void AttentionView::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void AttentionView::applyFilter()
{
    NeedsAttentionFilter f;
    f.capability = m_capability->text().trimmed();
    f.workspace = m_workspace->text().trimmed();
    f.text = m_search->text().trimmed();
    f.includeAcknowledged = m_showAcknowledged->isChecked();
    m_model->setFilter(f);
}

void AttentionView::applySnapshot(const EngineSnapshot &snapshot)
{
    m_model->setNow(snapshot.time);
    // Runs were marked, or dealt with (by anyone): load the list again.
    if (snapshot.needsAttentionOpen != m_loadedOpen) {
        m_loadedOpen = snapshot.needsAttentionOpen;
        if (!m_console.reader) {
            m_reloadDelay->start(); // the engine answers from memory
            return;
        }
        // The list is read from the database: wait until what the snapshot counted is written
        // there, or a slow group commit leaves the list behind the badge until the next change.
        QPointer<QTimer> reload = m_reloadDelay;
        m_console.scheduler->post([reload](Engine &e) {
            e.whenDurable([reload] {
                QMetaObject::invokeMethod(
                    QCoreApplication::instance(), [reload] {
                        if (reload)
                            reload->start();
                    },
                    Qt::QueuedConnection);
            });
        });
    }
}

void AttentionView::updateStatus()
{
    const int total = m_model->total();
    const bool filtered = !m_model->filter().isEmpty() || !m_model->filter().includeAcknowledged;
    m_stack->setCurrentIndex(total == 0 && !filtered && !m_model->isLoading() ? 1 : 0);
    if (m_model->isLoading() && m_model->rowCount() == 0) {
        m_summary->setText(tr("Loading…"));
        return;
    }
    m_summary->setText(filtered ? tr("%n run(s) match the filter", nullptr, total)
                                    + tr(" · %n not acknowledged", nullptr, m_model->unacknowledged())
                                : tr("%n run(s) need attention", nullptr, total)
                                    + tr(" · %n not acknowledged", nullptr, m_model->unacknowledged()));
    const int loaded = m_model->rowCount();
    m_status->setText(m_model->hasMore() ? tr("Showing the newest %1 of %2; more load as you scroll. "
                                              "\"All matching\" acts on all %2.")
                                               .arg(loaded)
                                               .arg(total)
                                         : tr("Showing all %n", nullptr, loaded));
}

void AttentionView::updateActions()
{
    const int selected = int(m_table->selectionModel()->selectedRows().size());
    for (QAction *a : {m_requeue, m_cancel, m_acknowledge})
        a->setEnabled(selected > 0);
    m_open->setEnabled(selected == 1);
    m_requeue->setText(selected > 1 ? tr("Requeue %1…").arg(selected) : tr("Requeue…"));
    m_cancel->setText(selected > 1 ? tr("Cancel %1…").arg(selected) : tr("Cancel…"));
    m_acknowledge->setText(selected > 1 ? tr("Acknowledge %1…").arg(selected) : tr("Acknowledge…"));
    const int total = m_model->total();
    m_allButton->setText(tr("All %n matching", nullptr, total));
    m_allButton->setEnabled(total > 0);
    m_requeueAll->setText(tr("Requeue all %n matching…", nullptr, total));
    m_cancelAll->setText(tr("Cancel all %n matching…", nullptr, total));
    m_acknowledgeAll->setText(tr("Acknowledge all %n matching…", nullptr, total));
}

void AttentionView::showDetail()
{
    const AttentionRow *r = m_model->rowAt(m_table->currentIndex().row());
    if (!r) {
        m_detail->clear();
        return;
    }
    auto esc = [](const QString &s) { return s.toHtmlEscaped(); };
    QString html = u"<p><b>Run #%1</b> · %2 · lane %3 · %4 · attempt %5</p>"_s.arg(r->id)
                       .arg(esc(r->handler), esc(r->lane), priorityName(r->priority))
                       .arg(r->attempt);
    html += u"<p>%1</p>"_s.arg(esc(r->diagnostic));
    QStringList needs;
    needs << tr("capabilities: %1").arg(r->needs.capabilities.isEmpty() ? tr("none")
                                                                          : esc(r->needs.capabilities.join(u", "_s)));
    needs << tr("workspace: %1").arg(r->needs.workspace.isEmpty() ? tr("global (a session without one)")
                                                                   : esc(r->needs.workspace));
    if (!r->needs.channel.isEmpty())
        needs << tr("channel: %1").arg(esc(r->needs.channel));
    if (!r->needs.owner.isEmpty())
        needs << tr("agent: %1").arg(esc(r->needs.owner));
    html += u"<p><b>%1</b> %2</p>"_s.arg(tr("Requires"), needs.join(u" · "_s));
    html += u"<p><b>%1</b> %2 %3</p>"_s.arg(
        tr("Ladder"), tr("%n escalation cycle(s);", nullptr, r->wakeCount),
        r->spawnUnresolvable ? tr("no agent template covers it, so no worker could be spawned.")
                             : tr("a worker was spawned from an agent template but did not claim it."));
    html += u"<p><b>%1</b> %2 · <b>%3</b> %4</p>"_s.arg(tr("Waiting since"), Format::timestamp(r->queuedAt),
                                                      tr("marked"), Format::timestamp(r->markedAt));
    if (r->acknowledgedAt)
        html += u"<p><b>%1</b> %2, %3: %4</p>"_s.arg(tr("Acknowledged by"), esc(r->acknowledgedBy),
                                                     Format::timestamp(r->acknowledgedAt), esc(r->acknowledgement));
    if (!r->preview.isEmpty())
        html += u"<p><b>%1</b> %2</p>"_s.arg(tr("Input"), esc(r->preview));
    m_detail->setHtml(html);
}

void AttentionView::resolve(AttentionAction action, bool all)
{
    if (m_console.actions->refusedReadOnly())
        return;
    const QVector<RunId> runs = selectedRuns();
    const int count = all ? m_model->total() : int(runs.size());
    if (count == 0)
        return;
    const QString what = all ? tr("all %n run(s) matching the filter (%1)", nullptr, count)
                                   .arg(m_model->filter().describe())
                             : tr("%n selected run(s)", nullptr, count);
    ConfirmDialog dialog(tr("%1 %n run(s)", nullptr, count).arg(verb(action)),
                         tr("%1 %2?").arg(verb(action), what) + u"\n\n"_s + consequence(action),
                         tr("%1 %n run(s)", nullptr, count).arg(verb(action)), this);
    if (action == AttentionAction::Acknowledge)
        dialog.setWindowTitle(tr("Acknowledge with a note"));
    if (dialog.exec() != QDialog::Accepted)
        return;
    resolveWithNote(action, all, dialog.reason());
}

void AttentionView::resolveWithNote(AttentionAction action, bool all, const QString &note)
{
    if (all) {
        NeedsAttentionFilter f = m_model->filter();
        f.upTo = m_model->newestCounted(); // what the operator counted, not what arrived since
        if (f.upTo == 0)
            return;
        m_console.actions->resolveAttention(action, {}, f, note);
    } else {
        const QVector<RunId> runs = selectedRuns();
        if (!runs.isEmpty())
            m_console.actions->resolveAttention(action, runs, {}, note);
    }
}

} // namespace Yard::Ui
