// SPDX-License-Identifier: GPL-3.0-or-later
#include "clusterwindow.h"

#include "clustertablemodel.h"

#include "cluster/clustermonitor.h"
#include "cluster/clusternode.h"
#include "theme.h"
#include "widgets/confirmdialog.h"
#include "widgets/listtable.h"
#include "widgets/ratiobardelegate.h"

#include <QAction>
#include <QComboBox>
#include <QLineEdit>
#include <QCoreApplication>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

namespace {

QString ago(qint64 ms)
{
    if (ms < 0)
        ms = 0;
    if (ms < 10000)
        return QCoreApplication::translate("ClusterWindow", "%1 s ago").arg(ms / 1000.0, 0, 'f', 1);
    if (ms < 120000)
        return QCoreApplication::translate("ClusterWindow", "%1 s ago").arg(ms / 1000);
    if (ms < 7200000)
        return QCoreApplication::translate("ClusterWindow", "%1 min ago").arg(ms / 60000);
    return QCoreApplication::translate("ClusterWindow", "%1 h ago").arg(ms / 3600000);
}

QString timeText(const QDateTime &t)
{
    return t.isValid() ? t.toLocalTime().toString(u"HH:mm:ss"_s) : QString();
}

QString priorityText(int p)
{
    static const char *const names[] = {"interactive", "urgent", "high", "normal", "low"};
    return p >= 0 && p < 5 ? QString::fromLatin1(names[p]) : QString::number(p);
}

QColor stateColor(const QString &state)
{
    if (state == u"running")
        return Theme::color(Theme::Role::Running);
    if (state == u"queued")
        return Theme::color(Theme::Role::Queued);
    if (state == u"completed")
        return Theme::color(Theme::Role::Completed);
    if (state == u"failed" || state == u"needs_attention" || state == u"not heartbeating")
        return Theme::color(Theme::Role::Failed);
    if (state == u"cancelled" || state == u"stopped")
        return Theme::color(Theme::Role::Cancelled);
    if (state == u"paused" || state == u"draining")
        return Theme::color(Theme::Role::Paused);
    return {};
}

ClusterRow runRow(const ClusterRunRow &r, const QHash<qint64, QString> &nodeNames)
{
    ClusterRow row;
    row.key = QString::number(r.id);
    const QString node = r.owner ? nodeNames.value(r.owner, u"#%1"_s.arg(r.owner)) : QString();
    QString state = r.state;
    if (r.cancelRequested && r.state == u"running")
        state = QCoreApplication::translate("ClusterWindow", "cancelling…");
    row.texts = {QString::number(r.id), r.sessionKey, r.lane, r.handler, priorityText(r.priority), state,
                 u"%1 of %2"_s.arg(r.attempt).arg(r.maxAttempts)
                     + (r.recoveries > 0 ? QCoreApplication::translate("ClusterWindow", " · recovered") : QString()),
                 node,
                 r.state == u"running" ? u"%1 s"_s.arg(r.leaseLeftMs / 1000.0, 0, 'f', 1) : QString(),
                 timeText(r.queuedAt), r.error};
    row.sortValues = {r.id, {}, {}, {}, r.priority, {}, r.attempt, {}, r.leaseLeftMs, r.queuedAt, {}};
    row.foreground = stateColor(r.state);
    row.stateColumn = 5;
    if (r.recoveries > 0)
        row.tooltip = QCoreApplication::translate("ClusterWindow", "Recovered %n time(s) after a node lost its lease",
                                                  nullptr, r.recoveries);
    return row;
}

} // namespace

ClusterWindow::ClusterWindow(ClusterMonitor *monitor, ClusterNode *node, QWidget *parent)
    : QMainWindow(parent)
    , m_monitor(monitor)
    , m_node(node)
    , m_tabs(new QTabWidget)
    , m_banner(new QLabel)
    , m_statusDb(new QLabel)
    , m_statusRead(new QLabel)
    , m_nodes(new ClusterTableModel({tr("Node"), tr("Name"), tr("Host"), tr("PID"), tr("State"), tr("Heartbeat"),
                                     tr("Running"), tr("Claimed"), tr("Completed"), tr("Refused"), tr("Version"),
                                     tr("Started")},
                                    this))
    , m_runs(new ClusterTableModel({tr("Run"), tr("Session"), tr("Lane"), tr("Handler"), tr("Priority"), tr("State"),
                                    tr("Attempt"), tr("Node"), tr("Lease left"), tr("Queued"), tr("Error")},
                                   this))
    , m_lanes(new ClusterTableModel({tr("Lane"), tr("Utilisation"), tr("Running / limit"), tr("By node"), tr("Queued"),
                                     tr("Paused")},
                                    this))
    , m_sessions(new ClusterTableModel({tr("Session"), tr("Held by node"), tr("Running run"), tr("Queued"),
                                        tr("Last run")},
                                       this))
    , m_attention(new ClusterTableModel({tr("Run"), tr("Session"), tr("Lane"), tr("Handler"), tr("Priority"),
                                         tr("State"), tr("Attempt"), tr("Node"), tr("Lease left"), tr("Queued"),
                                         tr("Error")},
                                        this))
    , m_audit(new ClusterTableModel({tr("When"), tr("Who"), tr("Action"), tr("Detail")}, this))
    , m_pauseAction(new QAction(tr("&Pause cluster…"), this))
    , m_drainAction(new QAction(tr("&Drain cluster…"), this))
    , m_cancelAction(new QAction(tr("&Cancel runs…"), this))
    , m_requeueAction(new QAction(tr("&Requeue runs…"), this))
    , m_laneAction(new QAction(tr("Set lane &limit…"), this))
{
    setWindowTitle(tr("Yardmaster — cluster %1").arg(monitor->url().display()));
    resize(1280, 800);

    m_pauseAction->setShortcut(QKeySequence(u"Ctrl+Shift+P"_s));
    m_pauseAction->setToolTip(tr("Stop every node from starting runs (running ones finish); again to resume"));
    connect(m_pauseAction, &QAction::triggered, this, &ClusterWindow::togglePause);
    m_drainAction->setShortcut(QKeySequence(u"Ctrl+Shift+D"_s));
    m_drainAction->setToolTip(tr("Start nothing new on any node and let running runs finish"));
    connect(m_drainAction, &QAction::triggered, this, &ClusterWindow::drain);
    m_cancelAction->setShortcut(QKeySequence::Delete);
    m_cancelAction->setToolTip(tr("Cancel the selected runs: queued ones at once, running ones by their node"));
    connect(m_cancelAction, &QAction::triggered, this, &ClusterWindow::cancelSelected);
    m_requeueAction->setShortcut(QKeySequence(u"Ctrl+R"_s));
    m_requeueAction->setToolTip(tr("Queue the selected needs-attention, failed or cancelled runs again"));
    connect(m_requeueAction, &QAction::triggered, this, &ClusterWindow::requeueSelected);
    connect(m_laneAction, &QAction::triggered, this, &ClusterWindow::editLane);
    auto *refresh = new QAction(tr("Re&fresh"), this);
    refresh->setShortcut(QKeySequence::Refresh);
    connect(refresh, &QAction::triggered, m_monitor, &ClusterMonitor::refresh);
    auto *quit = new QAction(tr("&Quit"), this);
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu *file = menuBar()->addMenu(tr("&Cluster"));
    file->addActions({m_pauseAction, m_drainAction, refresh});
    file->addSeparator();
    file->addAction(quit);
    QMenu *runs = menuBar()->addMenu(tr("&Runs"));
    runs->addActions({m_cancelAction, m_requeueAction, m_laneAction});
    QToolBar *bar = addToolBar(tr("Cluster"));
    bar->setObjectName(u"clusterToolBar"_s);
    bar->setMovable(false);
    bar->addActions({m_pauseAction, m_drainAction});
    bar->addSeparator();
    bar->addActions({m_cancelAction, m_requeueAction, refresh});

    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    m_banner->setWordWrap(true);
    m_banner->setMargin(8);
    m_banner->hide();
    layout->addWidget(m_banner);
    auto *tiles = new QHBoxLayout;
    const QList<QPair<QString, QString>> tileTexts{
        {tr("Nodes"), tr("Nodes heartbeating / registered")},
        {tr("Running"), tr("Runs executing on any node")},
        {tr("Queued"), tr("Runs waiting for a session, a lane slot or a node")},
        {tr("Needs attention"), tr("Runs whose attempts were spent by lost leases")},
        {tr("Completed"), tr("Runs completed by the nodes since they registered")},
        {tr("Cluster"), tr("Running, paused or draining: every node follows the database")}};
    for (const auto &[title, tip] : tileTexts) {
        auto *frame = new QFrame;
        frame->setFrameShape(QFrame::StyledPanel);
        frame->setToolTip(tip);
        frame->setMinimumWidth(120);
        auto *l = new QVBoxLayout(frame);
        l->setContentsMargins(10, 6, 10, 6);
        l->setSpacing(0);
        auto *caption = new QLabel(title);
        caption->setForegroundRole(QPalette::PlaceholderText);
        auto *value = new QLabel(u"—"_s);
        QFont f = value->font();
        f.setPointSizeF(f.pointSizeF() * 1.9);
        f.setBold(true);
        value->setFont(f);
        value->setAccessibleName(title);
        l->addWidget(caption);
        l->addWidget(value);
        tiles->addWidget(frame);
        m_tiles.emplace_back(caption, value);
    }
    layout->addLayout(tiles);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    QTableView *nodesView = addTable(m_nodes, tr("&Nodes"), tr("Nodes"));
    // Few rows whose texts change length (a node goes quiet): these columns follow their contents.
    for (int c : {1, 4, 5, 6})
        nodesView->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_runsView = addTable(m_runs, tr("&Runs"), tr("Runs"));
    {
        // The Runs tab: a search over every column and a state filter, above the table.
        auto *proxy = qobject_cast<QSortFilterProxyModel *>(m_runsView->model());
        auto *byState = new QSortFilterProxyModel(this);
        byState->setSourceModel(m_runs);
        byState->setFilterKeyColumn(5);
        proxy->setSourceModel(byState);
        proxy->setFilterKeyColumn(-1);
        proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
        auto *page = new QWidget;
        auto *v = new QVBoxLayout(page);
        v->setContentsMargins(0, 4, 0, 0);
        auto *bar = new QHBoxLayout;
        m_runSearch = new QLineEdit;
        m_runSearch->setPlaceholderText(tr("Search runs: session, lane, node, error… (/)"));
        m_runSearch->setClearButtonEnabled(true);
        m_runSearch->setAccessibleName(tr("Search runs"));
        m_runState = new QComboBox;
        m_runState->setAccessibleName(tr("Run state"));
        m_runState->addItem(tr("All states"), QString());
        for (const QString &state : {u"running"_s, u"queued"_s, u"completed"_s, u"failed"_s, u"cancelled"_s,
                                     u"needs_attention"_s})
            m_runState->addItem(state, state);
        connect(m_runSearch, &QLineEdit::textChanged, proxy, &QSortFilterProxyModel::setFilterFixedString);
        connect(m_runState, &QComboBox::currentIndexChanged, byState, [this, byState] {
            const QString state = m_runState->currentData().toString();
            byState->setFilterRegularExpression(state.isEmpty() ? QString() : u"^%1$"_s.arg(state));
        });
        bar->addWidget(m_runSearch, 1);
        bar->addWidget(m_runState);
        v->addLayout(bar);
        const int index = m_tabs->indexOf(m_runsView);
        m_tabs->removeTab(index);
        v->addWidget(m_runsView, 1);
        m_runsView->show(); // the tab widget hid it when it was taken out
        m_tabs->insertTab(index, page, tr("&Runs"));
        auto *search = new QAction(this);
        search->setShortcut(QKeySequence(u"/"_s));
        connect(search, &QAction::triggered, this, [this, page] {
            m_tabs->setCurrentWidget(page);
            m_runSearch->setFocus();
            m_runSearch->selectAll();
        });
        addAction(search);
    }
    m_lanesView = addTable(m_lanes, tr("&Lanes"), tr("Lanes"));
    m_lanesView->setItemDelegateForColumn(1, new RatioBarDelegate(ClusterTableModel::RatioRole, this));
    m_lanesView->setColumnWidth(1, 220);
    m_lanesView->horizontalHeader()->setSectionResizeMode(3, QHeaderView::ResizeToContents);
    connect(m_lanesView, &QTableView::doubleClicked, this, &ClusterWindow::editLane);
    addTable(m_sessions, tr("&Sessions"), tr("Sessions"));
    m_attentionView = addTable(m_attention, tr("Needs &attention"), tr("Needs attention"));
    addTable(m_audit, tr("A&udit"), tr("Audit log"))->sortByColumn(0, Qt::DescendingOrder);
    for (int i = 0; i < m_tabs->count(); ++i) {
        auto *go = new QAction(this);
        go->setShortcut(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_1 + i)));
        connect(go, &QAction::triggered, this, [this, i] { m_tabs->setCurrentIndex(i); });
        addAction(go);
    }
    connect(m_tabs, &QTabWidget::currentChanged, this, &ClusterWindow::updateActions);

    statusBar()->addWidget(m_statusDb, 1);
    statusBar()->addPermanentWidget(m_statusRead);
    m_statusDb->setText(tr("Cluster database: %1").arg(monitor->url().display())
                        + (node ? tr(" · this console runs a node") : tr(" · monitor only (no node here)")));

    connect(m_monitor, &ClusterMonitor::snapshotReady, this, &ClusterWindow::apply);
    connect(m_monitor, &ClusterMonitor::readFailed, this, &ClusterWindow::readFailed);
    connect(m_monitor, &ClusterMonitor::actionDone, this, &ClusterWindow::actionDone);
    updateActions();
}

ClusterWindow::~ClusterWindow() = default;

QTableView *ClusterWindow::addTable(ClusterTableModel *model, const QString &title, const QString &accessibleName)
{
    auto *proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(model);
    proxy->setSortRole(ClusterTableModel::SortRole);
    auto *view = new QTableView;
    setUpListTable(view, QAbstractItemView::ExtendedSelection, accessibleName);
    view->setModel(proxy);
    view->setSortingEnabled(true);
    view->sortByColumn(0, model == m_runs || model == m_attention ? Qt::DescendingOrder : Qt::AscendingOrder);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    connect(view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ClusterWindow::updateActions);
    // A reset (rows came or went) keeps the selection by key.
    auto selected = std::make_shared<QStringList>();
    connect(model, &QAbstractItemModel::modelAboutToBeReset, view, [view, selected] {
        selected->clear();
        for (const QModelIndex &i : view->selectionModel()->selectedRows())
            *selected << i.data(ClusterTableModel::KeyRole).toString();
    });
    connect(model, &QAbstractItemModel::modelReset, view, [view, proxy, selected] {
        for (int r = 0; r < proxy->rowCount(); ++r) {
            const QModelIndex i = proxy->index(r, 0);
            if (selected->contains(i.data(ClusterTableModel::KeyRole).toString()))
                view->selectionModel()->select(i, QItemSelectionModel::Select | QItemSelectionModel::Rows);
        }
    });
    m_tabs->addTab(view, title);
    return view;
}

void ClusterWindow::showTab(const QString &name)
{
    static const QStringList names{u"nodes"_s, u"runs"_s, u"lanes"_s, u"sessions"_s, u"attention"_s, u"audit"_s};
    const int i = int(names.indexOf(name));
    if (i >= 0)
        m_tabs->setCurrentIndex(i);
}

void ClusterWindow::setRunFilter(const QString &text, const QString &state)
{
    m_runSearch->setText(text);
    m_runState->setCurrentIndex(qMax(0, m_runState->findData(state)));
}

void ClusterWindow::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    if (readOnly)
        m_statusDb->setText(m_statusDb->text() + tr(" · read-only"));
    updateActions();
}

void ClusterWindow::updateActions()
{
    const bool canAct = !m_readOnly;
    m_pauseAction->setEnabled(canAct);
    m_drainAction->setEnabled(canAct && !m_snapshot.control.draining);
    m_pauseAction->setText(m_snapshot.control.paused || m_snapshot.control.draining ? tr("&Resume cluster")
                                                                                     : tr("&Pause cluster…"));
    const bool runsTab = m_tabs->currentWidget()->isAncestorOf(m_runsView) || m_tabs->currentWidget() == m_attentionView;
    const bool hasRuns = runsTab && !selectedRuns().isEmpty();
    m_cancelAction->setEnabled(canAct && hasRuns);
    m_requeueAction->setEnabled(canAct && hasRuns);
    m_laneAction->setEnabled(canAct && m_tabs->currentWidget() == m_lanesView
                             && m_lanesView->selectionModel()->hasSelection());
}

QVector<qint64> ClusterWindow::selectedRuns() const
{
    QTableView *view = m_tabs->currentWidget() == m_attentionView         ? m_attentionView
                       : m_tabs->currentWidget()->isAncestorOf(m_runsView) ? m_runsView
                                                                           : nullptr;
    QVector<qint64> ids;
    if (!view)
        return ids;
    for (const QModelIndex &i : view->selectionModel()->selectedRows())
        ids << i.data(ClusterTableModel::KeyRole).toLongLong();
    return ids;
}

void ClusterWindow::apply(const ClusterSnapshot &s)
{
    m_snapshot = s;
    QHash<qint64, QString> nodeNames;
    QHash<qint64, int> leased; // runs each node holds a lease on now, from the runs themselves
    for (const ClusterLaneRow &l : s.lanes) {
        for (auto it = l.runningByNode.cbegin(); it != l.runningByNode.cend(); ++it)
            leased[it.key()] += it.value();
    }
    QVector<ClusterRow> nodes;
    int alive = 0;
    QStringList lost;
    for (const ClusterNodeRow &n : s.nodes) {
        nodeNames.insert(n.id, n.name);
        ClusterRow row;
        row.key = QString::number(n.id);
        const bool isLost = n.lost();
        const QString state = isLost ? tr("not heartbeating") : n.state;
        alive += n.state != u"stopped" && !isLost ? 1 : 0;
        const QString heartbeat = isLost ? tr("last seen %1 (%2)").arg(timeText(n.heartbeatAt), ago(n.heartbeatAgeMs))
                                         : n.state == u"stopped" ? tr("left at %1").arg(timeText(n.heartbeatAt))
                                                                 : ago(n.heartbeatAgeMs);
        if (isLost)
            lost << tr("%1 (last seen %2)").arg(n.name, timeText(n.heartbeatAt));
        row.texts = {QString::number(n.id), n.name, n.host, QString::number(n.pid), state, heartbeat,
                     u"%1 of %2"_s.arg(leased.value(n.id)).arg(n.capacity), QString::number(n.claimed),
                     QString::number(n.completed), QString::number(n.refused), n.version, timeText(n.startedAt)};
        row.sortValues = {n.id, {}, {}, n.pid, {}, n.heartbeatAgeMs, leased.value(n.id), n.claimed, n.completed, n.refused, {},
                          n.startedAt};
        row.foreground = stateColor(isLost ? u"not heartbeating"_s : n.state);
        row.stateColumn = 4;
        row.tooltip = isLost ? tr("No heartbeat for longer than its lease (%1 ms): its runs are recovered by the "
                                  "other nodes as their leases expire")
                                   .arg(n.leaseMs)
                             : tr("Lease %1 ms, renewed every %2 ms").arg(n.leaseMs).arg(n.leaseMs / 3);
        nodes << row;
    }
    m_nodes->setRows(nodes);

    QVector<ClusterRow> runs;
    for (const ClusterRunRow &r : s.runs)
        runs << runRow(r, nodeNames);
    m_runs->setRows(runs);
    QVector<ClusterRow> attention;
    for (const ClusterRunRow &r : s.attention)
        attention << runRow(r, nodeNames);
    m_attention->setRows(attention);

    QVector<ClusterRow> lanes;
    for (const ClusterLaneRow &l : s.lanes) {
        ClusterRow row;
        row.key = l.name;
        QStringList byNode;
        for (const ClusterNodeRow &n : s.nodes) {
            if (const int k = l.runningByNode.value(n.id))
                byNode << u"%1 %2"_s.arg(n.name).arg(k);
        }
        row.texts = {l.name, QString(), u"%1 / %2"_s.arg(l.running).arg(l.limit), byNode.join(u" · "_s),
                     QString::number(l.queued), l.paused ? tr("paused") : QString()};
        row.sortValues = {{}, row.ratio = l.limit > 0 ? double(l.running) / l.limit : 0, l.running, {}, l.queued,
                          l.paused};
        row.ratioColumn = 1;
        row.tooltip = tr("%1 of %2 slots in use over every node; double-click to change the limit")
                          .arg(l.running)
                          .arg(l.limit);
        lanes << row;
    }
    m_lanes->setRows(lanes);

    QVector<ClusterRow> sessions;
    for (const ClusterSessionRow &x : s.sessions) {
        ClusterRow row;
        row.key = x.key;
        row.texts = {x.key, x.owner ? nodeNames.value(x.owner, u"#%1"_s.arg(x.owner)) : QString(),
                     x.runningRun ? QString::number(x.runningRun) : QString(), QString::number(x.queued),
                     timeText(x.lastRunAt)};
        row.sortValues = {{}, {}, x.runningRun, x.queued, x.lastRunAt};
        sessions << row;
    }
    m_sessions->setRows(sessions);

    QVector<ClusterRow> audit;
    for (const ClusterAuditRow &a : s.audit) {
        ClusterRow row;
        row.key = QString::number(a.id);
        row.texts = {a.at.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_s), a.actor, a.action, a.detail};
        row.sortValues = {a.id, {}, {}, {}};
        audit << row;
    }
    m_audit->setRows(audit);

    const QString clusterState = s.control.draining ? tr("draining") : s.control.paused ? tr("paused") : tr("running");
    const QStringList values{u"%1 / %2"_s.arg(alive).arg(s.nodes.size()), QString::number(s.running),
                             QString::number(s.queued), QString::number(s.needsAttention),
                             QString::number(s.completed), clusterState};
    for (size_t i = 0; i < m_tiles.size(); ++i)
        m_tiles[i].second->setText(values.value(int(i)));
    m_tiles[5].second->setStyleSheet(s.control.paused || s.control.draining
                                         ? u"color: %1"_s.arg(Theme::color(Theme::Role::Paused).name())
                                         : QString());
    m_tiles[0].second->setStyleSheet(lost.isEmpty() ? QString()
                                                    : u"color: %1"_s.arg(Theme::color(Theme::Role::Failed).name()));
    m_tabs->setTabText(4, s.needsAttention ? tr("Needs &attention (%1)").arg(s.needsAttention) : tr("Needs &attention"));

    QStringList banner;
    if (s.control.paused || s.control.draining) {
        banner << tr("<b>Cluster %1</b> by %2 at %3%4 — no node starts a run until it is resumed (Ctrl+Shift+P).")
                      .arg(clusterState, s.control.changedBy.toHtmlEscaped(), timeText(s.control.changedAt),
                           s.control.reason.isEmpty() ? QString() : u": "_s + s.control.reason.toHtmlEscaped());
    }
    if (!lost.isEmpty())
        banner << tr("<b>Not heartbeating:</b> %1. Their runs return to the queue as their leases expire.")
                      .arg(lost.join(u", "_s).toHtmlEscaped());
    m_banner->setVisible(!banner.isEmpty());
    m_banner->setText(banner.join(u"<br>"_s));
    const QColor tint = lost.isEmpty() ? Theme::color(Theme::Role::Paused) : Theme::color(Theme::Role::Failed);
    m_banner->setStyleSheet(u"background: rgba(%1, %2, %3, %4); border-radius: 4px;"_s.arg(tint.red())
                                .arg(tint.green())
                                .arg(tint.blue())
                                .arg(Theme::isDark() ? 70 : 45));
    if (!m_fitted && !s.nodes.isEmpty()) {
        m_fitted = true;
        for (int i = 0; i < m_tabs->count(); ++i) {
            auto *view = qobject_cast<QTableView *>(m_tabs->widget(i));
            if (!view)
                view = m_tabs->widget(i)->findChild<QTableView *>();
            if (view) {
                view->resizeColumnsToContents();
                // The last column stretches: sizing it too would only add a scroll bar.
                for (int c = 0; c + 1 < view->model()->columnCount(); ++c)
                    view->setColumnWidth(c, qBound(60, view->columnWidth(c) + 16, 360));
            }
        }
        m_lanesView->setColumnWidth(1, 220);
        for (QTableView *view : {m_runsView, m_attentionView}) // room for "2 of 3 · recovered"
            view->setColumnWidth(6, qMax(view->columnWidth(6), view->fontMetrics().horizontalAdvance(u"22 of 33 · recovered"_s)));
    }
    m_statusRead->setText(tr("Read at %1").arg(timeText(s.readAt)));
    m_statusRead->setToolTip(tr("The console reads the cluster every second on its own connection"));
    updateActions();
}

void ClusterWindow::readFailed(const QString &error)
{
    if (error.isEmpty()) {
        statusBar()->showMessage(tr("The cluster database answers again"), 5000);
        return;
    }
    m_statusRead->setText(tr("Cannot read the cluster: %1").arg(error));
    m_statusRead->setStyleSheet(u"color: %1"_s.arg(Theme::color(Theme::Role::Failed).name()));
}

void ClusterWindow::actionDone(const QString &message, bool ok)
{
    if (ok) {
        statusBar()->showMessage(message, 8000);
        return;
    }
    QMessageBox::warning(this, tr("Cluster action failed"), message);
}

void ClusterWindow::togglePause()
{
    if (m_readOnly)
        return;
    if (m_snapshot.control.paused || m_snapshot.control.draining) {
        m_monitor->resume();
        return;
    }
    QString reason;
    if (ConfirmDialog::ask(this, tr("Pause the cluster"),
                           tr("No node of the cluster (%n node(s)) starts a run until it is resumed. Running runs finish.",
                              nullptr, int(m_snapshot.nodes.size())),
                           tr("Pause"), &reason))
        m_monitor->pause(reason);
}

void ClusterWindow::drain()
{
    if (m_readOnly)
        return;
    QString reason;
    if (ConfirmDialog::ask(this, tr("Drain the cluster"),
                           tr("Every node stops starting runs; the %n running run(s) finish. Resume to start again.",
                              nullptr, int(m_snapshot.running)),
                           tr("Drain"), &reason))
        m_monitor->drain(reason);
}

void ClusterWindow::cancelSelected()
{
    const QVector<qint64> ids = selectedRuns();
    if (m_readOnly || ids.isEmpty())
        return;
    QString reason;
    if (ConfirmDialog::ask(this, tr("Cancel runs"),
                           tr("Cancel %n run(s)? Queued ones are cancelled at once; running ones by the node that holds "
                              "them, at its next heartbeat.",
                              nullptr, int(ids.size())),
                           tr("Cancel runs"), &reason))
        m_monitor->cancel(ids, reason);
}

void ClusterWindow::requeueSelected()
{
    const QVector<qint64> ids = selectedRuns();
    if (m_readOnly || ids.isEmpty())
        return;
    QString reason;
    if (ConfirmDialog::ask(this, tr("Requeue runs"),
                           tr("Queue %n run(s) again as a new attempt? Only needs-attention, failed and cancelled runs "
                              "are requeued.",
                              nullptr, int(ids.size())),
                           tr("Requeue"), &reason))
        m_monitor->requeue(ids, reason);
}

void ClusterWindow::editLane()
{
    if (m_readOnly)
        return;
    const QModelIndexList rows = m_lanesView->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const QString name = rows.first().data(ClusterTableModel::KeyRole).toString();
    int limit = 1;
    bool paused = false;
    for (const ClusterLaneRow &l : m_snapshot.lanes) {
        if (l.name == name) {
            limit = l.limit;
            paused = l.paused;
        }
    }
    bool ok = false;
    const int value = QInputDialog::getInt(this, tr("Lane %1").arg(name),
                                           tr("Runs of lane %1 running at once, counted over every node:").arg(name),
                                           limit, 1, 100000, 1, &ok);
    if (ok)
        m_monitor->setLane(name, value, paused);
}

} // namespace Yard::Ui
