// SPDX-License-Identifier: GPL-3.0-or-later
#include "sessionsview.h"

#include "models/sessionsmodel.h"
#include "operatoractions.h"
#include "sessiondetail.h"
#include "widgets/confirmdialog.h"
#include "widgets/listtable.h"
#include "widgets/ratiobardelegate.h"
#include "widgets/queueconfigdialog.h"

#include "engine/enginestatus.h"

#include <QAction>
#include <QHeaderView>
#include <QInputDialog>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

SessionsView::SessionsView(const Console &console, SessionsModel *model, QWidget *parent)
    : QWidget(parent)
    , m_console(console)
    , m_model(model)
    , m_proxy(new QSortFilterProxyModel(this))
    , m_table(new QTableView)
    , m_search(new QLineEdit)
    , m_detail(new SessionDetail(console))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto *toolbar = new QToolBar;
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_send = toolbar->addAction(tr("Send message…"), this, &SessionsView::sendMessage);
    m_send->setShortcut(QKeySequence(u"Ctrl+M"_s));
    m_send->setToolTip(tr("Send an interactive-priority message to the selected session (Ctrl+M)"));
    m_cancelOldest = toolbar->addAction(tr("Cancel oldest"), this, &SessionsView::cancelOldest);
    m_cancelOldest->setToolTip(tr("Cancel the session's oldest running run; its queue continues"));
    m_cancelAll = toolbar->addAction(tr("Cancel all…"), this, &SessionsView::cancelAll);
    m_cancelAll->setToolTip(tr("Cancel every running and queued run of the session"));
    m_reset = toolbar->addAction(tr("Reset…"), this, &SessionsView::resetSession);
    m_reset->setToolTip(tr("Clear the session queue (lane_cleared); late results are ignored"));
    m_pause = toolbar->addAction(tr("Pause session"), this, &SessionsView::togglePause);
    m_config = toolbar->addAction(tr("Queue settings…"), this, &SessionsView::editConfig);
    for (QAction *a : sessionActions())
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addActions(sessionActions());

    m_search->setObjectName(u"search"_s); // "/" focuses it (MainWindow::focusSearch)
    m_search->setPlaceholderText(tr("Search sessions by key or agent…"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Session search"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(SessionsModel::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    connect(m_search, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(SessionsModel::Key, Qt::AscendingOrder);
    setUpListTable(m_table, QAbstractItemView::SingleSelection, tr("Sessions"));
    // Column sizes, again after every reset (a reset recreates the header sections).
    auto sizeColumns = [this] {
        QHeaderView *h = m_table->horizontalHeader();
        h->setSectionResizeMode(SessionsModel::Key, QHeaderView::Stretch);
        for (auto [col, w] : {std::pair{SessionsModel::Agent, 100}, {SessionsModel::State, 80},
                              {SessionsModel::Mode, 80}, {SessionsModel::Active, 70},
                              {SessionsModel::Queued, 70}, {SessionsModel::Progress, 150},
                              {SessionsModel::LastActivity, 100},
                              {SessionsModel::Tokens, 70}})
            m_table->setColumnWidth(col, w);
    };
    sizeColumns();
    connect(m_proxy, &QAbstractItemModel::modelReset, this, sizeColumns);
    m_table->setItemDelegateForColumn(SessionsModel::Progress,
                                      new RatioBarDelegate(SessionsModel::ProgressRole, m_table,
                                                           RatioBarDelegate::Kind::Progress));
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        m_detail->setSession(currentSession());
        updateActions();
    });
    connect(m_detail, &SessionDetail::runActivated, this, &SessionsView::runActivated);

    auto *left = new QWidget;
    auto *ll = new QVBoxLayout(left);
    ll->setContentsMargins(0, 0, 0, 0);
    ll->addWidget(m_search);
    ll->addWidget(m_table);
    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(m_detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);
    layout->addWidget(toolbar);
    layout->addWidget(split, 1);
    updateActions();
}

QList<QAction *> SessionsView::sessionActions() const
{
    return {m_send, m_cancelOldest, m_cancelAll, m_reset, m_pause, m_config};
}

SessionId SessionsView::currentSession() const
{
    const QModelIndex idx = m_table->currentIndex();
    return idx.isValid() ? idx.data(SessionsModel::SessionIdRole).toLongLong() : 0;
}

QString SessionsView::currentKey() const
{
    const SessionStatus *s = m_model->session(currentSession());
    return s ? s->key : QString();
}

bool SessionsView::selectSession(SessionId id)
{
    for (int r = 0; r < m_proxy->rowCount(); ++r) {
        const QModelIndex idx = m_proxy->index(r, 0);
        if (idx.data(SessionsModel::SessionIdRole).toLongLong() == id) {
            m_table->setCurrentIndex(idx);
            m_table->scrollTo(idx);
            return true;
        }
    }
    return false;
}

void SessionsView::applySnapshot(const EngineSnapshot &snapshot)
{
    const SessionId current = currentSession();
    for (const SessionStatus &s : snapshot.changedSessions) {
        if (s.id == current) {
            m_detail->sessionChanged();
            break;
        }
    }
    updateActions();
}

void SessionsView::updateActions()
{
    const SessionStatus *s = m_model->session(currentSession());
    for (QAction *a : sessionActions())
        a->setEnabled(s != nullptr);
    if (!s)
        return;
    m_cancelOldest->setEnabled(s->active > 0);
    m_cancelAll->setEnabled(s->active + s->queued > 0);
    m_pause->setText(s->paused ? tr("Resume session") : tr("Pause session"));
    m_send->setEnabled(s->state != SessionState::Closed);
}

void SessionsView::sendMessage()
{
    if (m_console.actions->refusedReadOnly())
        return;
    const SessionId id = currentSession();
    if (!id)
        return;
    bool ok = false;
    const QString text = QInputDialog::getMultiLineText(this, tr("Send message to %1").arg(currentKey()),
                                                        tr("Message (runs at interactive priority):"),
                                                        QString(), &ok);
    if (ok && !text.trimmed().isEmpty())
        m_console.actions->sendMessage(id, text);
}

void SessionsView::cancelOldest()
{
    if (const SessionId id = currentSession())
        m_console.actions->cancelOldest(id, currentKey());
}

void SessionsView::cancelAll()
{
    if (m_console.actions->refusedReadOnly())
        return;
    const SessionStatus *s = m_model->session(currentSession());
    if (!s)
        return;
    QString reason;
    const int n = s->active + s->queued;
    if (!ConfirmDialog::ask(this, tr("Cancel all runs of %1").arg(s->key),
                            tr("This cancels %n run(s) of session \"%1\" (%2 running, %3 queued). Messages "
                               "sent before now that arrive later are dropped as stale.",
                               nullptr, n)
                                .arg(s->key)
                                .arg(s->active)
                                .arg(s->queued),
                            tr("Cancel %n run(s)", nullptr, n), &reason))
        return;
    m_console.actions->cancelAll(s->id, s->key, reason);
}

void SessionsView::resetSession()
{
    if (m_console.actions->refusedReadOnly())
        return;
    const SessionStatus *s = m_model->session(currentSession());
    if (!s)
        return;
    QString reason;
    const int n = s->active + s->queued;
    if (!ConfirmDialog::ask(this, tr("Reset %1").arg(s->key),
                            tr("Resetting clears %n run(s) of session \"%1\" (%2 running, %3 queued) as "
                               "lane_cleared. Results of the running ones that come back later are ignored.",
                               nullptr, n)
                                .arg(s->key)
                                .arg(s->active)
                                .arg(s->queued),
                            tr("Reset and clear %n run(s)", nullptr, n), &reason))
        return;
    m_console.actions->resetSession(s->id, s->key, reason);
}

void SessionsView::togglePause()
{
    if (const SessionStatus *s = m_model->session(currentSession()))
        m_console.actions->setSessionPaused(s->id, s->key, !s->paused);
}

void SessionsView::editConfig()
{
    if (m_console.actions->refusedReadOnly())
        return;
    const SessionStatus *s = m_model->session(currentSession());
    if (!s)
        return;
    const std::optional<Yard::SessionDetail> &d = m_detail->detail();
    QueueConfigDialog dialog(s->key, d ? d->config : QueueConfig{}, this);
    if (dialog.exec() == QDialog::Accepted)
        m_console.actions->setQueueConfig(s->id, s->key, dialog.result());
}

} // namespace Yard::Ui
