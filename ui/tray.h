// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QRect>
#include <QString>

class QAction;
class QMenu;
class QSystemTrayIcon;
class QTimer;

namespace Yard::Ui {

/// The console in the system tray (SPEC U13): an icon that shows the scheduler's state, the
/// counts in its tooltip, a menu (show/hide, pause or resume, needs attention, quit) and desktop
/// notifications when runs need attention — at most one per interval, summarising what arrived
/// in between. Where there is no tray (offscreen, a desktop without a status notifier) it
/// says so once (unavailableReason()) and notifications go to notified() only.
class Tray final : public QObject
{
    Q_OBJECT

public:
    enum class State { Running, Paused, Draining, StoreFailure };

    explicit Tray(QObject *parent = nullptr);
    ~Tray() override;

    bool isAvailable() const;
    /// Why the tray is not there ("" when it is).
    QString unavailableReason() const;

    void setState(State state, int running, int queued, int needsAttention);
    State state() const { return m_state; }
    QString toolTip() const;
    QMenu *menu() const { return m_menu; }
    /// Where the icon is on the screen (empty where there is no tray).
    QRect iconGeometry() const;
    /// The window is shown (the menu offers Hide) or hidden (Show).
    void setWindowVisible(bool visible);

    /// A one-off notification (not rate-limited).
    void notify(const QString &title, const QString &text);
    /// `count` runs entered needs_attention; `detail` is the first one's diagnostic.
    void runsNeedAttention(int count, const QString &detail);
    /// Shortest time between two notifications (default 30 s); what arrives in between is
    /// summarised in the next one.
    void setNotifyIntervalMs(int ms);
    int notificationsShown() const { return m_shown; }
    /// Runs that needed attention since the last notification, waiting for the interval.
    int pendingAttention() const { return m_pending; }
    QString lastNotificationTitle() const { return m_lastTitle; }
    QString lastNotificationText() const { return m_lastText; }

Q_SIGNALS:
    void toggleWindowRequested();
    void pauseRequested();
    void resumeRequested();
    void attentionRequested();
    void quitRequested();
    /// Every notification, also where no tray can show it (the window shows it then).
    void notified(const QString &title, const QString &text);

private:
    void flush();
    void updateIcon();

    QSystemTrayIcon *m_icon;
    QMenu *m_menu;
    QAction *m_toggleWindow;
    QAction *m_pause;
    QAction *m_attention;
    QTimer *m_notifyTimer;
    QElapsedTimer m_sinceShown;
    State m_state = State::Running;
    int m_running = 0;
    int m_queued = 0;
    int m_needsAttention = 0;
    int m_pending = 0;
    QString m_pendingDetail;
    int m_intervalMs = 30'000;
    int m_shown = 0;
    QString m_lastTitle;
    QString m_lastText;
};

} // namespace Yard::Ui
