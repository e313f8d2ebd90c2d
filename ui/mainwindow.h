// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "console.h"
#include "widgets/shortcutsdialog.h"

#include "model/event.h"

#include <QMainWindow>

#include <memory>

class QAction;
class QDockWidget;
class QLabel;
class QProgressBar;
class QToolBar;

namespace Yard {
class Scheduler;
class StoreReader;
struct EngineSnapshot;
} // namespace Yard

namespace Yard::Ui {

class AttentionView;
class CommandPalette;
class CyclesView;
class JobsView;
class RunHistory;
class ElidingLabel;
class EventsView;
class LanesView;
class OverviewView;
class RunsView;
class SessionsModel;
class SessionsView;
class Tray;
class LiveUpdates;

/// The operator console (SPEC U1, U10): dockable views, global controls, status bar, command
/// palette. Composes views; every action goes through OperatorActions.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    /// `reader` may be null (in-memory scheduler): history views say so.
    MainWindow(Scheduler *scheduler, StoreReader *reader, const QString &actor, QWidget *parent = nullptr);
    ~MainWindow() override;

    QAction *pauseAction() const { return m_pauseAction; }
    QAction *drainAction() const { return m_drainAction; }
    SessionsModel *sessionsModel() const { return m_sessions; }
    OverviewView *overview() const { return m_overview; }
    SessionsView *sessionsView() const { return m_sessionsView; }
    RunsView *runsView() const { return m_runsView; }
    LanesView *lanesView() const { return m_lanesView; }
    EventsView *eventsView() const { return m_eventsView; }
    AttentionView *attentionView() const { return m_attentionView; }
    CyclesView *cyclesView() const { return m_cyclesView; }
    JobsView *jobsView() const { return m_jobsView; }
    /// needs_attention runs no operator dealt with yet, as the badge shows it.
    int attentionBadge() const { return m_attentionOpen; }
    OperatorActions *actions() const { return m_console.actions; }
    bool isPausedShown() const { return m_paused; }
    /// Shows a view by its dock object name ("overview", "sessions", "runs", …).
    void showView(const QString &name);
    QStringList viewNames() const;
    /// The view in front (its dock object name).
    QString currentView() const;
    /// The view `step` tabs further (Ctrl+Tab, Ctrl+PgDown: +1), wrapping around.
    void cycleView(int step);
    /// "/": focuses the current view's search field, or says it has none.
    void focusSearch();
    /// "?": the shortcuts sheet (it deletes itself when closed).
    ShortcutsDialog *openShortcuts();

    /// Where the local API listens (the status bar shows it), or why it does not (`error`).
    void setApiStatus(const QString &socketPath, const QString &error = {});
    QString apiStatusText() const;

    Tray *tray() const { return m_tray; }
    /// Pause live updates (U12): the views stop moving; what arrives meanwhile is kept and
    /// shown on resume. The banner, status bar, badge and tray stay live.
    void setLiveUpdatesPaused(bool paused);
    bool liveUpdatesPaused() const;
    /// Times in the views: Format::Zone::Local or Utc (remembered; the other in tooltips).
    void setDisplayZone(int zone);
    /// Closing hides the window to the tray (View > Close to tray, where a tray exists).
    bool closeToTray() const;

    /// Read-only mode (U12): shows everything, refuses every operator action and says so.
    /// `locked` (--read-only) keeps it on until the program restarts; otherwise it is remembered.
    void setReadOnly(bool readOnly, bool locked = false);
    bool isReadOnly() const;

    /// Starts the demo workload and shows it as running (--demo, welcome button).
    void startDemo();
    /// Opens the Ctrl+K palette; returns it (it deletes itself when closed).
    CommandPalette *openCommandPalette();

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    QDockWidget *addView(const QString &name, const QString &title, QWidget *view, int number);
    QList<ShortcutsDialog::Entry> shortcutEntries() const;
    void setUpTray();
    void buildMenus();
    void applySnapshot(const EngineSnapshot &snapshot);
    void applySnapshotToViews(const EngineSnapshot &snapshot);
    void applyEventsToViews(const EventBatch &events);
    void updateLiveLabel();
    void togglePause();
    void startDrain();
    void setTheme(int mode);
    void restoreSettings();
    void setLayoutLocked(bool locked);
    void updateTitles();

    std::unique_ptr<RunHistory> m_history;
    Console m_console;
    SessionsModel *m_sessions;
    OverviewView *m_overview;
    SessionsView *m_sessionsView;
    RunsView *m_runsView;
    LanesView *m_lanesView;
    EventsView *m_eventsView;
    AttentionView *m_attentionView;
    CyclesView *m_cyclesView;
    JobsView *m_jobsView;
    QDockWidget *m_attentionDock = nullptr;
    int m_attentionOpen = 0;
    QString m_stateTitle; ///< "PAUSED", "DRAINING"… or empty while running
    QList<QDockWidget *> m_docks;
    QByteArray m_defaultLayout;
    QAction *m_pauseAction;
    QAction *m_drainAction;
    QAction *m_demoAction;
    QToolBar *m_bannerBar;
    QLabel *m_banner;
    QLabel *m_stateLabel;
    ElidingLabel *m_countsLabel;
    QLabel *m_cycleLabel;
    ElidingLabel *m_storeLabel;
    ElidingLabel *m_apiLabel;
    QProgressBar *m_drainProgress;
    QLabel *m_readOnlyLabel;
    QLabel *m_liveLabel;
    std::unique_ptr<LiveUpdates> m_live;
    QAction *m_liveAction = nullptr;
    QAction *m_localTimesAction = nullptr;
    QAction *m_utcTimesAction = nullptr;
    QAction *m_readOnlyAction = nullptr;
    bool m_readOnlyLocked = false;
    Tray *m_tray = nullptr;
    QAction *m_closeToTray = nullptr;
    bool m_quitting = false;
    bool m_toldAboutTray = false;
    bool m_storeFailed = false;
    bool m_paused = false;
    bool m_draining = false;
    int m_drainStart = 0;
    bool m_demoRunning = false;
    QAction *m_lockLayout = nullptr;
    QAction *m_shortcutsAction = nullptr;
    QAction *m_exportAction = nullptr;
    QDockWidget *m_currentDock = nullptr;
};

} // namespace Yard::Ui
