// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "sessionsmodel.h"

#include "engine/scheduler.h"

#include <QAction>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

MainWindow::MainWindow(Scheduler *scheduler, QWidget *parent)
    : QMainWindow(parent)
    , m_scheduler(scheduler)
    , m_sessions(new SessionsModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_table(new QTableView)
    , m_search(new QLineEdit)
    , m_pauseAction(new QAction(tr("&Pause"), this))
    , m_banner(new QLabel)
    , m_stateLabel(new QLabel)
    , m_countsLabel(new QLabel)
    , m_dbLabel(new QLabel)
{
    setWindowTitle(tr("Yardmaster"));
    resize(1100, 700);

    m_pauseAction->setShortcut(QKeySequence(u"Ctrl+Shift+P"_s));
    m_pauseAction->setToolTip(tr("Pause the scheduler: running runs continue, nothing new starts"));
    connect(m_pauseAction, &QAction::triggered, this, &MainWindow::togglePause);
    QToolBar *toolbar = addToolBar(tr("Scheduler"));
    toolbar->setObjectName(u"schedulerToolbar"_s);
    toolbar->setMovable(false);
    toolbar->addAction(m_pauseAction);

    m_proxy->setSourceModel(m_sessions);
    m_proxy->setSortRole(SessionsModel::SortRole);
    m_proxy->setFilterKeyColumn(SessionsModel::Key);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(SessionsModel::Key, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(SessionsModel::Key, QHeaderView::Stretch);
    m_table->setAccessibleName(tr("Sessions"));

    m_search->setPlaceholderText(tr("Filter sessions by key…"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Session filter"));
    connect(m_search, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    m_banner->setVisible(false);
    m_banner->setAlignment(Qt::AlignCenter);
    m_banner->setMargin(6);
    m_banner->setStyleSheet(u"QLabel { background: #b45309; color: white; font-weight: bold; }"_s);

    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_banner);
    layout->addWidget(m_search);
    layout->addWidget(m_table);
    setCentralWidget(central);

    statusBar()->addWidget(m_stateLabel);
    statusBar()->addWidget(m_countsLabel);
    statusBar()->addPermanentWidget(m_dbLabel);
    m_dbLabel->setText(tr("Database: %1").arg(scheduler->storeLocation()));
    m_stateLabel->setText(tr("Starting…"));

    connect(scheduler, &Scheduler::snapshotReady, this, &MainWindow::applySnapshot);
    scheduler->requestFullSnapshot();
}

MainWindow::~MainWindow() = default;

void MainWindow::applySnapshot(const EngineSnapshot &snapshot)
{
    m_sessions->applySnapshot(snapshot);
    m_paused = snapshot.pause.paused;
    m_pauseAction->setText(m_paused ? tr("&Resume") : tr("&Pause"));
    m_pauseAction->setToolTip(m_paused ? tr("Resume the scheduler: admission restarts at once")
                                       : tr("Pause the scheduler: running runs continue, nothing new starts"));
    const QString state = snapshot.draining ? tr("Draining") : m_paused ? tr("Paused") : tr("Running");
    m_stateLabel->setText(tr("Scheduler: %1").arg(state));
    m_banner->setVisible(m_paused);
    if (m_paused)
        m_banner->setText(tr("PAUSED — %1 (by %2). Running runs finish; nothing new starts.")
                              .arg(snapshot.pause.reason.isEmpty() ? tr("no reason given") : snapshot.pause.reason,
                                   snapshot.pause.actor.isEmpty() ? tr("unknown") : snapshot.pause.actor));
    m_countsLabel->setText(tr("%1 running · %2 queued · %3 sessions")
                               .arg(snapshot.running)
                               .arg(snapshot.queued)
                               .arg(snapshot.sessions));
}

void MainWindow::togglePause()
{
    if (m_paused) {
        const QString actor = qEnvironmentVariable("USER", u"operator"_s);
        m_scheduler->post([actor](Engine &e) { e.resume(actor); });
        return;
    }
    bool ok = false;
    const QString reason = QInputDialog::getText(this, tr("Pause the scheduler"),
                                                 tr("Reason (shown to every operator):"),
                                                 QLineEdit::Normal, QString(), &ok);
    if (!ok)
        return;
    const QString actor = qEnvironmentVariable("USER", u"operator"_s);
    m_scheduler->post([reason, actor](Engine &e) {
        e.pause(reason.trimmed().isEmpty() ? QStringLiteral("paused from the console") : reason.trimmed(),
                actor);
    });
}

} // namespace Yard::Ui
