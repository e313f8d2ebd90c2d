// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "charts/livecharts.h"
#include "format.h"
#include "models/runhistory.h"
#include "models/runsmodel.h"
#include "models/sessionsmodel.h"
#include "operatoractions.h"
#include "liveupdates.h"
#include "plurals.h"
#include "theme.h"
#include "tray.h"
#include "views/attentionview.h"
#include "views/cyclesview.h"
#include "views/emptystateview.h"
#include "views/eventsview.h"
#include "views/jobsview.h"
#include "views/lanesview.h"
#include "views/overviewview.h"
#include "views/runsview.h"
#include "views/sessionsview.h"
#include "widgets/commandpalette.h"
#include "widgets/confirmdialog.h"
#include "widgets/elidinglabel.h"
#include "widgets/shortcutsdialog.h"

#include "engine/scheduler.h"
#include "store/storereader.h"

#include <QAbstractItemView>
#include <QActionGroup>
#include <QTimeZone>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

MainWindow::MainWindow(Scheduler *scheduler, StoreReader *reader, const QString &actor, QWidget *parent)
    : QMainWindow(parent)
    , m_sessions(new SessionsModel(this))
    , m_pauseAction(new QAction(tr("&Pause…"), this))
    , m_drainAction(new QAction(tr("&Drain…"), this))
    , m_demoAction(new QAction(tr("Start &demo workload"), this))
    , m_bannerBar(new QToolBar(tr("State")))
    , m_banner(new QLabel)
    , m_stateLabel(new QLabel)
    , m_countsLabel(new ElidingLabel(Qt::ElideRight))
    , m_cycleLabel(new QLabel)
    , m_storeLabel(new ElidingLabel(Qt::ElideMiddle))
    , m_apiLabel(new ElidingLabel(Qt::ElideMiddle))
    , m_drainProgress(new QProgressBar)
    , m_readOnlyLabel(new QLabel)
    , m_liveLabel(new QLabel)
    , m_live(std::make_unique<LiveUpdates>())
{
    m_history = std::make_unique<RunHistory>();
    m_console.history = m_history.get();
    m_console.scheduler = scheduler;
    m_console.reader = reader;
    m_console.actor = actor;
    m_console.actions = new OperatorActions(scheduler, actor, this);

    installEnglishPlurals(); // "1 run", "3 runs" for the tr("%n run(s)") texts
    setWindowTitle(tr("Yardmaster"));
    setObjectName(u"mainWindow"_s);
    // A comfortable default that still fits small screens; saved geometry wins later.
    const QRect avail = QGuiApplication::primaryScreen() ? QGuiApplication::primaryScreen()->availableGeometry()
                                                         : QRect(0, 0, 1360, 860);
    resize(qMin(1360, avail.width() * 9 / 10), qMin(860, avail.height() * 9 / 10));
    setDockOptions(AnimatedDocks | AllowTabbedDocks | AllowNestedDocks | GroupedDragging);
    setTabPosition(Qt::AllDockWidgetAreas, QTabWidget::North);
    setDocumentMode(true);

    // Global controls.
    m_pauseAction->setShortcut(QKeySequence(u"Ctrl+Shift+P"_s));
    connect(m_pauseAction, &QAction::triggered, this, &MainWindow::togglePause);
    m_drainAction->setShortcut(QKeySequence(u"Ctrl+Shift+D"_s));
    m_drainAction->setToolTip(tr("Refuse new work, start nothing new, and wait until nothing runs"));
    connect(m_drainAction, &QAction::triggered, this, &MainWindow::startDrain);
    m_demoAction->setShortcut(QKeySequence(u"Ctrl+Alt+D"_s));
    connect(m_demoAction, &QAction::triggered, this, [this] {
        m_demoRunning = !m_demoRunning;
        m_console.actions->setDemoRunning(m_demoRunning);
        m_demoAction->setText(m_demoRunning ? tr("Stop &demo workload") : tr("Start &demo workload"));
    });
    auto *toolbar = addToolBar(tr("Scheduler"));
    toolbar->setObjectName(u"schedulerToolbar"_s);
    toolbar->setMovable(false);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolbar->addAction(m_pauseAction);
    toolbar->addAction(m_drainAction);
    toolbar->addSeparator();
    toolbar->addAction(m_demoAction);
    auto *palette = toolbar->addAction(tr("Commands…"), this, [this] { openCommandPalette(); });
    palette->setShortcut(QKeySequence(u"Ctrl+K"_s));
    palette->setToolTip(tr("Command palette (Ctrl+K)"));
    addAction(palette);

    // The pause banner: impossible to miss.
    addToolBarBreak();
    m_bannerBar->setObjectName(u"stateBanner"_s);
    m_bannerBar->setMovable(false);
    m_bannerBar->setFloatable(false);
    m_banner->setAlignment(Qt::AlignLeft | Qt::AlignVCenter); // what a long reason cuts is its end
    m_banner->setMargin(6);
    m_banner->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    // A long reason (a store error names the file and SQLite's words) must never widen the
    // window past the screen: the banner may be narrower than its text (the tooltip has it all).
    m_banner->setMinimumWidth(1);
    m_banner->setAccessibleName(tr("Scheduler state"));
    m_bannerBar->addWidget(m_banner);
    addToolBar(m_bannerBar);
    m_bannerBar->setVisible(false);

    // Views.
    m_overview = new OverviewView(m_console);
    m_sessionsView = new SessionsView(m_console, m_sessions);
    m_runsView = new RunsView(m_console, m_sessions);
    m_lanesView = new LanesView(m_console);
    m_eventsView = new EventsView(m_console, m_sessions);
    m_attentionView = new AttentionView(m_console);
    m_cyclesView = new CyclesView(m_console);
    m_jobsView = new JobsView(m_console);
    addView(u"overview"_s, tr("Overview"), m_overview, 1);
    addView(u"sessions"_s, tr("Sessions"), m_sessionsView, 2);
    addView(u"runs"_s, tr("Runs"), m_runsView, 3);
    m_attentionDock = addView(u"attention"_s, tr("Needs attention"), m_attentionView, 4);
    addView(u"jobs"_s, tr("Jobs"), m_jobsView, 5);
    addView(u"lanes"_s, tr("Lanes"), m_lanesView, 6);
    addView(u"cycles"_s, tr("Cycles"), m_cyclesView, 7);
    addView(u"events"_s, tr("Events"), m_eventsView, 8);
    for (int i = 1; i < m_docks.size(); ++i)
        tabifyDockWidget(m_docks.first(), m_docks[i]);
    m_docks.first()->raise();
    m_currentDock = m_docks.first();

    // Pause live updates: the views stop moving, nothing is lost.
    m_liveAction = new QAction(tr("Pause &live updates"), this);
    m_liveAction->setCheckable(true);
    m_liveAction->setShortcut(QKeySequence(u"Ctrl+Shift+F"_s));
    m_liveAction->setToolTip(tr("Freeze the views to read them; changes are kept and shown when you resume (Ctrl+Shift+F)"));
    connect(m_liveAction, &QAction::toggled, this, &MainWindow::setLiveUpdatesPaused);
    addAction(m_liveAction);

    // Keyboard-first (U12): cycle the views, "/" searches, "?" lists every shortcut.
    auto *next = new QAction(tr("Next view"), this);
    next->setShortcuts({QKeySequence(u"Ctrl+Tab"_s), QKeySequence(u"Ctrl+PgDown"_s)});
    connect(next, &QAction::triggered, this, [this] { cycleView(+1); });
    auto *previous = new QAction(tr("Previous view"), this);
    previous->setShortcuts({QKeySequence(u"Ctrl+Shift+Tab"_s), QKeySequence(u"Ctrl+PgUp"_s)});
    connect(previous, &QAction::triggered, this, [this] { cycleView(-1); });
    auto *search = new QAction(tr("Search in the current view"), this);
    search->setShortcut(QKeySequence(u"/"_s));
    connect(search, &QAction::triggered, this, &MainWindow::focusSearch);
    m_shortcutsAction = new QAction(tr("&Keyboard shortcuts"), this);
    m_shortcutsAction->setShortcuts({QKeySequence(u"?"_s), QKeySequence(QKeySequence::HelpContents)});
    connect(m_shortcutsAction, &QAction::triggered, this, [this] { openShortcuts(); });
    addActions({next, previous, search, m_shortcutsAction});
    m_defaultLayout = saveState();

    connect(m_overview, &OverviewView::demoRequested, this, &MainWindow::startDemo);
    const auto openRun = [this](RunId id) {
        showView(u"runs"_s);
        m_runsView->showRun(id);
    };
    connect(m_sessionsView, &SessionsView::runActivated, this, openRun);
    connect(m_eventsView, &EventsView::runActivated, this, openRun);
    connect(m_attentionView, &AttentionView::runActivated, this, openRun);
    connect(m_cyclesView, &CyclesView::runActivated, this, openRun);
    connect(m_jobsView, &JobsView::runActivated, this, openRun);

    // Status bar.
    m_drainProgress->setVisible(false);
    m_drainProgress->setMaximumWidth(180);
    m_drainProgress->setFormat(tr("%v of %m finished"));
    statusBar()->addWidget(m_stateLabel);
    statusBar()->addWidget(m_drainProgress);
    statusBar()->addWidget(m_countsLabel, 1);
    m_readOnlyLabel->setText(tr("Read-only"));
    m_readOnlyLabel->setObjectName(u"readOnlyBadge"_s);
    m_readOnlyLabel->setToolTip(tr("Read-only mode: the console shows everything and refuses every operator action"));
    m_readOnlyLabel->setStyleSheet(u"QLabel { font-weight: bold; padding: 0 6px; border: 1px solid palette(mid); border-radius: 3px; }"_s);
    m_readOnlyLabel->setVisible(false);
    statusBar()->addPermanentWidget(m_readOnlyLabel);
    m_liveLabel->setObjectName(u"liveBadge"_s);
    m_liveLabel->setStyleSheet(m_readOnlyLabel->styleSheet());
    m_liveLabel->setToolTip(tr("The views are frozen; Ctrl+Shift+F (View ▸ Pause live updates) resumes them"));
    m_liveLabel->setVisible(false);
    statusBar()->addPermanentWidget(m_liveLabel);
    statusBar()->addPermanentWidget(m_cycleLabel);
    statusBar()->addPermanentWidget(m_storeLabel);
    statusBar()->addPermanentWidget(m_apiLabel);
    m_cycleLabel->setText(tr("Cycles: 0 · last: none yet"));
    m_cycleLabel->setToolTip(tr("The mechanical cycle: lease sweep, wakes of idle capable sessions, escalation of starving tasks"));
    setApiStatus({});
    m_stateLabel->setText(tr("Connecting…"));
    connect(m_console.actions, &OperatorActions::actionDone, this,
            [this](const QString &summary) { statusBar()->showMessage(summary, 6000); });
    connect(m_console.actions, &OperatorActions::actionFailed, this, [this](const QString &error) {
        statusBar()->showMessage(tr("Failed: %1").arg(error), 12000);
    });

    setUpTray();
    buildMenus();
    restoreSettings();

    connect(scheduler, &Scheduler::snapshotReady, this, &MainWindow::applySnapshot);
    connect(scheduler, &Scheduler::eventsReady, this, [this](const EventBatch &events) {
        if (m_live->isHeld()) {
            m_live->addEvents(events);
            updateLiveLabel();
        } else {
            applyEventsToViews(events);
        }
        int attention = 0;
        QString first;
        for (const Event &e : events) {
            if (e.type == EventType::RunNeedsAttention) {
                if (attention++ == 0)
                    first = tr("run #%1: %2").arg(e.run).arg(e.text);
            } else if (e.type == EventType::StoreFailed) {
                m_storeFailed = true;
            } else if (e.type == EventType::StoreRecovered) {
                m_storeFailed = false;
            }
        }
        m_tray->runsNeedAttention(attention, first);
    });
    scheduler->requestFullSnapshot();
}

void MainWindow::setUpTray()
{
    m_tray = new Tray(this);
    connect(m_tray, &Tray::toggleWindowRequested, this, [this] {
        if (isVisible() && !isMinimized()) {
            hide();
        } else {
            showNormal();
            raise();
            activateWindow();
        }
        m_tray->setWindowVisible(isVisible());
    });
    auto bringUp = [this] {
        showNormal();
        raise();
        activateWindow();
        m_tray->setWindowVisible(true);
    };
    connect(m_tray, &Tray::pauseRequested, this, [this, bringUp] {
        bringUp(); // the pause asks for a reason
        togglePause();
    });
    connect(m_tray, &Tray::resumeRequested, this, [this] {
        if (!m_console.actions->refusedReadOnly())
            m_console.actions->resume();
    });
    connect(m_tray, &Tray::attentionRequested, this, [this, bringUp] {
        bringUp();
        showView(u"attention"_s);
    });
    connect(m_tray, &Tray::quitRequested, this, [this] {
        m_quitting = true;
        close();
        QCoreApplication::quit();
    });
    connect(m_tray, &Tray::notified, this, [this](const QString &title, const QString &text) {
        if (!m_tray->isAvailable())
            statusBar()->showMessage(title + u": "_s + text.section(u'\n', 0, 0), 15'000);
    });
}

bool MainWindow::closeToTray() const
{
    return m_closeToTray && m_closeToTray->isChecked() && m_tray->isAvailable();
}

MainWindow::~MainWindow() = default;

void MainWindow::setApiStatus(const QString &socketPath, const QString &error)
{
    // Two labels, so that squeezing the status bar elides inside each path and never eats
    // the "API:" that says what the second one is.
    const QString store = m_console.scheduler->storeLocation();
    m_storeLabel->setText(tr("DB: %1").arg(Format::homeRelative(store)));
    m_storeLabel->setHint(tr("Where runs and sessions are stored: %1").arg(store));
    const QString api = socketPath.isEmpty() ? tr("off") : Format::homeRelative(socketPath);
    m_apiLabel->setText(tr("API: %1").arg(api));
    if (!socketPath.isEmpty())
        m_apiLabel->setHint(tr("The local API (yardctl, scripts, agents) listens on %1").arg(socketPath));
    else if (!error.isEmpty())
        m_apiLabel->setHint(tr("The local API is off: %1").arg(error));
    else
        m_apiLabel->setHint(tr("The local API is off (started with --no-api)"));
}

QString MainWindow::apiStatusText() const
{
    return m_apiLabel->text();
}

QDockWidget *MainWindow::addView(const QString &name, const QString &title, QWidget *view, int number)
{
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(name);
    dock->setWidget(view);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    view->setAccessibleName(title);
    addDockWidget(Qt::TopDockWidgetArea, dock);
    auto *show = new QAction(title, this);
    // Alt+N like a browser's tabs; Ctrl+N as well, as in earlier versions.
    show->setShortcuts({QKeySequence(u"Alt+%1"_s.arg(number)), QKeySequence(u"Ctrl+%1"_s.arg(number))});
    connect(show, &QAction::triggered, this, [dock] {
        dock->show();
        dock->raise();
    });
    connect(dock, &QDockWidget::visibilityChanged, this, [this, dock](bool visible) {
        if (visible)
            m_currentDock = dock; // tabified: the one just brought to the front
    });
    dock->toggleViewAction()->setShortcut(QKeySequence());
    dock->setProperty("showAction", QVariant::fromValue(show));
    addAction(show);
    m_docks.append(dock);
    return dock;
}

QString MainWindow::currentView() const
{
    return m_currentDock ? m_currentDock->objectName() : QString();
}

void MainWindow::cycleView(int step)
{
    if (m_docks.isEmpty())
        return;
    const qsizetype at = qMax<qsizetype>(0, m_docks.indexOf(m_currentDock));
    const qsizetype n = m_docks.size();
    QDockWidget *d = m_docks.at(((at + step) % n + n) % n);
    d->show();
    d->raise();
    m_currentDock = d;
}

void MainWindow::focusSearch()
{
    QWidget *view = m_currentDock ? m_currentDock->widget() : nullptr;
    auto *search = view ? view->findChild<QLineEdit *>(u"search"_s) : nullptr;
    if (!search || !search->isVisibleTo(view)) {
        statusBar()->showMessage(tr("%1 has no search; Ctrl+K finds commands, sessions and #runs")
                                     .arg(m_currentDock ? m_currentDock->windowTitle() : tr("This view")),
                                 4000);
        return;
    }
    search->setFocus(Qt::ShortcutFocusReason);
    search->selectAll();
}

QList<ShortcutsDialog::Entry> MainWindow::shortcutEntries() const
{
    QList<ShortcutsDialog::Entry> entries;
    auto keysOf = [](const QAction *a) {
        QStringList keys;
        for (const QKeySequence &k : a->shortcuts())
            keys << k.toString(QKeySequence::NativeText);
        return keys.join(tr(" or "));
    };
    auto add = [&](const QString &group, const QList<QAction *> &actions) {
        QSet<QString> seen;
        for (const QAction *a : actions) {
            QString what = a->text();
            what.remove(u'&');
            if (a->shortcuts().isEmpty() || what.isEmpty() || seen.contains(what))
                continue;
            seen.insert(what);
            entries.append({group, keysOf(a), what});
        }
    };
    // Everywhere: the window's actions, its menus' and its toolbars'; not those inside a view.
    auto inView = [this](const QObject *o) {
        for (; o; o = o->parent()) {
            for (const QDockWidget *d : m_docks) {
                if (o == d->widget())
                    return true;
            }
        }
        return false;
    };
    QList<QAction *> global;
    for (QAction *a : findChildren<QAction *>()) {
        if (!inView(a))
            global.append(a);
    }
    add(tr("Everywhere"), global);
    for (const QDockWidget *d : m_docks)
        add(d->windowTitle(), d->widget()->findChildren<QAction *>());
    return entries;
}

ShortcutsDialog *MainWindow::openShortcuts()
{
    auto *dialog = new ShortcutsDialog(shortcutEntries(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

void MainWindow::showView(const QString &name)
{
    for (QDockWidget *d : std::as_const(m_docks)) {
        if (d->objectName() == name) {
            d->show();
            d->raise();
        }
    }
}

QStringList MainWindow::viewNames() const
{
    QStringList names;
    for (const QDockWidget *d : m_docks)
        names << d->objectName();
    return names;
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_exportAction = file->addAction(tr("&Export events as CSV…"), m_eventsView, &EventsView::exportCsvInteractive);
    m_exportAction->setShortcut(QKeySequence(u"Ctrl+Shift+S"_s)); // "save as"; Ctrl+Shift+E disables a job
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget *d : std::as_const(m_docks))
        view->addAction(d->property("showAction").value<QAction *>());
    view->addSeparator();
    QMenu *theme = view->addMenu(tr("&Theme"));
    auto *group = new QActionGroup(this);
    for (auto [mode, label] : {std::pair{Theme::Mode::System, tr("Follow the &system")},
                               {Theme::Mode::Light, tr("&Light")}, {Theme::Mode::Dark, tr("&Dark")}}) {
        QAction *a = theme->addAction(label);
        a->setCheckable(true);
        a->setChecked(Theme::current() == mode);
        a->setData(int(mode));
        group->addAction(a);
        connect(a, &QAction::triggered, this, [this, mode = mode] { setTheme(int(mode)); });
    }
    m_lockLayout = view->addAction(tr("&Lock layout"));
    m_lockLayout->setCheckable(true);
    m_lockLayout->setToolTip(tr("Unlock to drag views out of the tabs, side by side or into windows"));
    connect(m_lockLayout, &QAction::toggled, this, &MainWindow::setLayoutLocked);
    view->addAction(tr("&Reset layout"), this, [this] { restoreState(m_defaultLayout); });
    view->addSeparator();
    view->addAction(m_liveAction);
    QMenu *times = view->addMenu(tr("T&imes"));
    auto *zones = new QActionGroup(this);
    for (auto [zone, label] : {std::pair{Format::Zone::Local, tr("In this computer's zone (%1)").arg(QString::fromUtf8(QTimeZone::systemTimeZoneId()))},
                               {Format::Zone::Utc, tr("In &UTC")}}) {
        QAction *a = times->addAction(label);
        a->setCheckable(true);
        a->setChecked(Format::displayZone() == zone);
        zones->addAction(a);
        connect(a, &QAction::triggered, this, [this, zone = zone] { setDisplayZone(int(zone)); });
        if (zone == Format::Zone::Local)
            m_localTimesAction = a;
        else
            m_utcTimesAction = a;
    }
    m_closeToTray = view->addAction(m_tray->isAvailable() ? tr("&Close to tray") : tr("&Close to tray (no tray on this desktop)"));
    m_closeToTray->setCheckable(true);
    m_closeToTray->setEnabled(m_tray->isAvailable());
    m_closeToTray->setToolTip(m_tray->isAvailable() ? tr("Closing the window keeps Yardmaster running in the tray")
                                                    : m_tray->unavailableReason());
    m_closeToTray->setChecked(QSettings().value(u"ui/closeToTray"_s, false).toBool());
    if (m_closeToTray->isChecked() && !m_tray->isAvailable()) // asked for, not possible here: say so
        QTimer::singleShot(0, this, [this] { statusBar()->showMessage(m_tray->unavailableReason(), 20'000); });
    connect(m_closeToTray, &QAction::toggled, this, [](bool on) { QSettings().setValue(u"ui/closeToTray"_s, on); });
    m_readOnlyAction = view->addAction(tr("Read-&only (no operator actions)"));
    m_readOnlyAction->setCheckable(true);
    connect(m_readOnlyAction, &QAction::triggered, this, [this](bool on) { setReadOnly(on); });

    QMenu *sched = menuBar()->addMenu(tr("&Scheduler"));
    sched->addAction(m_pauseAction);
    sched->addAction(m_drainAction);
    sched->addSeparator();
    sched->addAction(m_runsView->cancelAction());
    sched->addAction(m_demoAction);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_shortcutsAction);
    help->addAction(tr("&About Yardmaster"), this, [this] {
        QMessageBox::about(this, tr("About Yardmaster"),
                           tr("<b>Yardmaster %1</b><br>Operator console with an embedded scheduler for "
                              "AI-agent work.<br>GPL-3.0-or-later.")
                               .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::setLayoutLocked(bool locked)
{
    // Locked: the tabs are enough, no title bars. Unlocked: title bars to drag views around.
    for (QDockWidget *d : std::as_const(m_docks)) {
        QWidget *old = d->titleBarWidget();
        d->setTitleBarWidget(locked && !d->isFloating() ? new QWidget : nullptr);
        delete old;
    }
    if (m_lockLayout && m_lockLayout->isChecked() != locked)
        m_lockLayout->setChecked(locked);
    QSettings().setValue(u"window/locked"_s, locked);
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    setLayoutLocked(settings.value(u"window/locked"_s, true).toBool());
    if (settings.contains(u"window/geometry"_s))
        restoreGeometry(settings.value(u"window/geometry"_s).toByteArray());
    if (settings.contains(u"window/state"_s))
        restoreState(settings.value(u"window/state"_s).toByteArray());
    m_overview->setWindow(settings.value(u"overview/window"_s, 60).toInt());
    setReadOnly(settings.value(u"ui/readOnly"_s, false).toBool());
    setDisplayZone(settings.value(u"ui/times"_s).toString() == u"utc"_s ? int(Format::Zone::Utc) : int(Format::Zone::Local));
}

void MainWindow::setDisplayZone(int zone)
{
    const auto z = Format::Zone(zone);
    Format::setDisplayZone(z);
    m_localTimesAction->setChecked(z == Format::Zone::Local);
    m_utcTimesAction->setChecked(z == Format::Zone::Utc);
    QSettings().setValue(u"ui/times"_s, z == Format::Zone::Utc ? u"utc"_s : u"local"_s);
    // Tables format on paint; repaint every one.
    for (QAbstractItemView *v : findChildren<QAbstractItemView *>())
        v->viewport()->update();
}

void MainWindow::setReadOnly(bool readOnly, bool locked)
{
    if (m_readOnlyLocked && !readOnly)
        return; // --read-only: for this whole run
    m_readOnlyLocked = m_readOnlyLocked || locked;
    m_console.actions->setReadOnly(readOnly);
    m_readOnlyLabel->setVisible(readOnly);
    m_readOnlyAction->setChecked(readOnly);
    m_readOnlyAction->setEnabled(!m_readOnlyLocked);
    m_readOnlyAction->setToolTip(m_readOnlyLocked ? tr("Started with --read-only: stays on until restarted")
                                                  : tr("Show everything, change nothing"));
    for (QAction *a : {m_pauseAction, m_drainAction, m_demoAction})
        a->setEnabled(!readOnly);
    if (!locked)
        QSettings().setValue(u"ui/readOnly"_s, readOnly);
    updateTitles();
}

bool MainWindow::isReadOnly() const
{
    return m_console.actions->isReadOnly();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (closeToTray() && !m_quitting) {
        hide();
        m_tray->setWindowVisible(false);
        event->ignore();
        if (!m_toldAboutTray) {
            m_toldAboutTray = true;
            m_tray->notify(tr("Yardmaster keeps running"), tr("The scheduler goes on in the tray; Quit is in its menu."));
        }
        return;
    }
    QSettings settings;
    settings.setValue(u"window/geometry"_s, saveGeometry());
    settings.setValue(u"window/state"_s, saveState());
    settings.setValue(u"overview/window"_s, m_overview->charts()->window());
    settings.setValue(u"ui/theme"_s, Theme::name(Theme::current()));
    event->accept();
}

void MainWindow::setTheme(int mode)
{
    Theme::apply(Theme::Mode(mode));
    QSettings().setValue(u"ui/theme"_s, Theme::name(Theme::Mode(mode)));
    m_overview->applyTheme();
    m_cyclesView->applyTheme();
}

void MainWindow::applySnapshotToViews(const EngineSnapshot &s)
{
    m_sessions->applySnapshot(s);
    m_overview->applySnapshot(s);
    m_sessionsView->applySnapshot(s);
    m_runsView->applySnapshot(s);
    m_lanesView->applySnapshot(s);
    m_attentionView->applySnapshot(s);
    m_cyclesView->applySnapshot(s);
    m_jobsView->applySnapshot(s);
}

void MainWindow::applyEventsToViews(const EventBatch &events)
{
    m_history->add(events);
    m_runsView->applyEvents(events);
    m_eventsView->applyEvents(events);
    m_jobsView->applyEvents(events);
}

void MainWindow::setLiveUpdatesPaused(bool paused)
{
    if (paused == m_live->isHeld())
        return;
    if (paused) {
        m_live->hold();
    } else {
        m_live->release();
        const bool overflowed = m_live->overflowed();
        const EventBatch events = m_live->takeEvents();
        if (!events.isEmpty())
            applyEventsToViews(events);
        if (m_live->hasSnapshot())
            applySnapshotToViews(m_live->takeSnapshot());
        if (overflowed)
            m_runsView->model()->reload(); // what was dropped is in the database
    }
    m_liveAction->setChecked(paused);
    m_liveLabel->setVisible(paused);
    updateLiveLabel();
}

bool MainWindow::liveUpdatesPaused() const
{
    return m_live->isHeld();
}

void MainWindow::updateLiveLabel()
{
    if (!m_live->isHeld())
        return;
    m_liveLabel->setText(tr("Live updates paused · %1 changes waiting").arg(m_live->waiting()));
}

void MainWindow::applySnapshot(const EngineSnapshot &s)
{
    // The views stand still while live updates are paused; the window's own state (banner,
    // status bar, badge, tray) never does.
    if (m_live->isHeld()) {
        m_live->addSnapshot(s);
        updateLiveLabel();
    } else {
        applySnapshotToViews(s);
    }

    m_paused = s.pause.paused;
    m_pauseAction->setText(m_paused ? tr("&Resume") : tr("&Pause…"));
    m_pauseAction->setToolTip(m_paused ? tr("Resume the scheduler: admission restarts at once (Ctrl+Shift+P)")
                                       : tr("Pause the scheduler: running runs finish, nothing new starts (Ctrl+Shift+P)"));
    m_drainAction->setEnabled(!s.draining && !isReadOnly());

    m_cycleLabel->setText(tr("Cycles: %1 · last: %2").arg(s.cycles).arg(
        s.lastCycleAt > 0 ? Format::age(s.time, s.lastCycleAt) : tr("none yet")));
    m_cycleLabel->setToolTip(
        tr("The mechanical cycle: lease sweep, wakes of idle capable sessions, escalation of starving tasks.\n"
           "Interval: %1 · tasks waiting for a claim: %2 · claimed or running: %3 · marked needs attention: %4")
            .arg(s.cycleIntervalMs > 0 ? Format::duration(s.cycleIntervalMs) : tr("on demand only"))
            .arg(s.waitingTasks).arg(s.claimedTasks).arg(s.needsAttention));

    const QColor warn = Theme::color(Theme::Role::Paused);
    QString state;
    if (s.draining) {
        if (!m_draining)
            m_drainStart = qMax(1, s.running);
        m_drainStart = qMax(m_drainStart, s.running);
        state = s.running > 0 ? tr("DRAINING") : tr("DRAINED");
        m_banner->setText(s.running > 0
                              ? tr("DRAINING — new work is refused and nothing new starts; %n run(s) still "
                                   "running. Resume to cancel the drain.", nullptr, s.running)
                              : tr("DRAINED — nothing is running and new work is refused. Resume to continue."));
        m_drainProgress->setRange(0, m_drainStart);
        m_drainProgress->setValue(m_drainStart - s.running);
        m_drainProgress->setVisible(true);
    } else if (m_paused) {
        state = tr("PAUSED");
        m_banner->setText(tr("PAUSED by %1 — %2. Running runs finish; nothing new starts until you resume.")
                              .arg(s.pause.actor.isEmpty() ? tr("unknown") : s.pause.actor,
                                   s.pause.reason.isEmpty() ? tr("no reason given") : s.pause.reason));
        m_drainProgress->setVisible(false);
    } else {
        state = tr("Running");
        m_drainProgress->setVisible(false);
    }
    m_draining = s.draining;
    const bool held = m_paused || s.draining;
    m_bannerBar->setVisible(held);
    m_banner->setToolTip(held ? m_banner->text() : QString());
    // One amber for both palettes: white on it reads well in light and dark.
    m_banner->setStyleSheet(u"QLabel { background: #b45309; color: white; font-weight: bold; }"_s);
    m_stateLabel->setText(tr("Scheduler: %1").arg(state));
    m_stateLabel->setStyleSheet(held ? u"color: %1; font-weight: bold"_s.arg(warn.name()) : QString());
    m_stateTitle = held ? state : QString();
    m_tray->setState(m_storeFailed ? Tray::State::StoreFailure
                     : s.draining  ? Tray::State::Draining
                     : m_paused    ? Tray::State::Paused
                                   : Tray::State::Running,
                     s.running, s.queued, s.needsAttentionOpen);
    if (s.needsAttentionOpen != m_attentionOpen || m_attentionDock->windowTitle().isEmpty()) {
        m_attentionOpen = s.needsAttentionOpen;
        m_attentionDock->setWindowTitle(m_attentionOpen > 0 ? tr("Needs attention (%1)").arg(m_attentionOpen)
                                                            : tr("Needs attention"));
    }
    updateTitles();
    m_countsLabel->setText(tr("%1 running · %2 queued · %3 sessions · %4 done, %5 failed since start")
                               .arg(s.running)
                               .arg(s.queued)
                               .arg(s.sessions)
                               .arg(s.counters.completed)
                               .arg(s.counters.failed));
}

void MainWindow::updateTitles()
{
    // The badge reaches the taskbar while the operator looks elsewhere (SPEC U5).
    QString title = m_stateTitle.isEmpty() ? tr("Yardmaster") : tr("Yardmaster — %1").arg(m_stateTitle);
    if (m_console.actions->isReadOnly())
        title += tr(" (read-only)");
    if (m_attentionOpen > 0 && !isActiveWindow())
        title = tr("(%1) %2").arg(m_attentionOpen).arg(title);
    setWindowTitle(title);
}

void MainWindow::showEvent(QShowEvent *event)
{
    m_tray->setWindowVisible(true);
    QMainWindow::showEvent(event);
}

void MainWindow::hideEvent(QHideEvent *event)
{
    m_tray->setWindowVisible(false);
    QMainWindow::hideEvent(event);
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::ActivationChange)
        updateTitles();
    QMainWindow::changeEvent(event);
}

void MainWindow::togglePause()
{
    if (m_console.actions->refusedReadOnly())
        return;
    if (m_paused || m_draining) {
        m_console.actions->resume();
        return;
    }
    ConfirmDialog dialog(tr("Pause the scheduler"),
                         tr("While paused, running runs finish but nothing new starts anywhere; new "
                            "messages still queue. Every operator sees the pause and your reason."),
                         tr("Pause"), this);
    if (dialog.exec() == QDialog::Accepted)
        m_console.actions->pause(dialog.reason());
}

void MainWindow::startDrain()
{
    if (m_console.actions->refusedReadOnly())
        return;
    QString reason;
    if (!ConfirmDialog::ask(this, tr("Drain the scheduler"),
                            tr("Draining refuses new work, starts nothing new, and waits (up to 60 s) "
                               "until the runs in flight finish. Queued runs stay queued."),
                            tr("Drain"), &reason))
        return;
    m_console.actions->drain(reason);
}

void MainWindow::startDemo()
{
    if (!m_demoRunning)
        m_demoAction->trigger();
}

CommandPalette *MainWindow::openCommandPalette()
{
    auto provider = [this](const QString &query) {
        QList<CommandPalette::Command> commands;
        auto add = [&](const QString &title, const QString &hint, std::function<void()> fn) {
            commands.append({title, hint, std::move(fn)});
        };
        // The hint is the action's own shortcut, so the palette teaches the keys.
        auto keys = [](const QAction *a) { return a->shortcut().toString(QKeySequence::NativeText); };
        if (m_paused || m_draining)
            add(tr("Resume scheduler"), keys(m_pauseAction), [this] { m_console.actions->resume(); });
        else
            add(tr("Pause scheduler"), keys(m_pauseAction), [this] { togglePause(); });
        if (!m_draining)
            add(tr("Drain scheduler"), keys(m_drainAction), [this] { startDrain(); });
        const int selected = int(m_runsView->selectedRuns().size());
        if (selected > 0)
            add(tr("Cancel selected runs (%1)").arg(selected), keys(m_runsView->cancelAction()),
                [this] { m_runsView->cancelSelection(); });
        if (selected > 0)
            add(tr("Retry selected runs (%1)").arg(selected), tr("Ctrl+R"), [this] { m_runsView->retrySelection(); });
        add(tr("Run a mechanical cycle now"), tr("Ctrl+Shift+Y"), [this] { m_console.actions->runCycleNow(); });
        const int attention = int(m_attentionView->selectedRuns().size());
        if (attention > 0) {
            add(tr("Requeue selected needs-attention runs (%1)").arg(attention), tr("Ctrl+R"),
                [this] { m_attentionView->resolve(AttentionAction::Requeue, false); });
            add(tr("Acknowledge selected needs-attention runs (%1)").arg(attention), tr("Ctrl+Shift+A"),
                [this] { m_attentionView->resolve(AttentionAction::Acknowledge, false); });
        }
        add(m_demoRunning ? tr("Stop demo workload") : tr("Start demo workload"), keys(m_demoAction),
            [this] { m_demoAction->trigger(); });
        for (QDockWidget *d : std::as_const(m_docks)) {
            const QString name = d->objectName();
            add(tr("Go to %1").arg(d->windowTitle()), keys(d->property("showAction").value<QAction *>()),
                [this, name] { showView(name); });
        }
        add(tr("Next view"), tr("Ctrl+Tab"), [this] { cycleView(+1); });
        add(tr("Search in the current view"), u"/"_s, [this] { focusSearch(); });
        add(tr("Keyboard shortcuts"), keys(m_shortcutsAction), [this] { openShortcuts(); });
        add(tr("Export events as CSV"), keys(m_exportAction), [this] { m_eventsView->exportCsvInteractive(); });
        // "#123" opens a run; other text also offers matching sessions.
        const QString q = query.trimmed();
        bool isRun = false;
        const qint64 runId = q.startsWith(u'#') ? q.mid(1).toLongLong(&isRun) : 0;
        if (isRun && runId > 0) {
            commands.prepend({tr("Open run #%1").arg(runId), tr("Runs"), [this, runId] {
                                  showView(u"runs"_s);
                                  m_runsView->showRun(runId);
                              }});
        } else if (q.size() >= 2) {
            int shown = 0;
            for (int r = 0; r < m_sessions->rowCount() && shown < 20; ++r) {
                const QModelIndex idx = m_sessions->index(r, SessionsModel::Key);
                const QString key = idx.data().toString();
                if (!key.contains(q.section(u' ', -1), Qt::CaseInsensitive))
                    continue;
                const SessionId id = idx.data(SessionsModel::SessionIdRole).toLongLong();
                add(tr("Session %1").arg(key), tr("jump"), [this, id] {
                    showView(u"sessions"_s);
                    m_sessionsView->selectSession(id);
                });
                ++shown;
            }
        }
        return commands;
    };
    auto *palette = new CommandPalette(provider, this);
    palette->setAttribute(Qt::WA_DeleteOnClose);
    const QRect g = geometry();
    palette->move(g.center().x() - palette->width() / 2, g.top() + 80);
    palette->show();
    palette->activateWindow();
    return palette;
}

} // namespace Yard::Ui
