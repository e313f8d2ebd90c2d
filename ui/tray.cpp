// SPDX-License-Identifier: GPL-3.0-or-later
#include "tray.h"

#include <QApplication>
#include <QMenu>
#include <QPainter>
#include <QSystemTrayIcon>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

namespace {

QColor stateColor(Tray::State s)
{
    switch (s) {
    case Tray::State::Running: return QColor(0x16, 0xa3, 0x4a);      // green
    case Tray::State::Paused: return QColor(0xd9, 0x77, 0x06);       // amber, like the banner
    case Tray::State::Draining: return QColor(0x25, 0x63, 0xeb);     // blue
    case Tray::State::StoreFailure: return QColor(0xdc, 0x26, 0x26); // red
    }
    return Qt::gray;
}

QString stateName(Tray::State s)
{
    switch (s) {
    case Tray::State::Running: return Tray::tr("running");
    case Tray::State::Paused: return Tray::tr("paused");
    case Tray::State::Draining: return Tray::tr("draining");
    case Tray::State::StoreFailure: return Tray::tr("cannot write its database");
    }
    return {};
}

} // namespace

Tray::Tray(QObject *parent)
    : QObject(parent)
    , m_icon(new QSystemTrayIcon(this))
    , m_menu(new QMenu)
    , m_notifyTimer(new QTimer(this))
{
    m_toggleWindow = m_menu->addAction(tr("Hide window"), this, &Tray::toggleWindowRequested);
    m_menu->addSeparator();
    m_pause = m_menu->addAction(tr("Pause…"), this, [this] {
        if (m_state == State::Running)
            Q_EMIT pauseRequested();
        else
            Q_EMIT resumeRequested();
    });
    m_attention = m_menu->addAction(tr("Needs attention (0)"), this, &Tray::attentionRequested);
    m_menu->addSeparator();
    m_menu->addAction(tr("Quit Yardmaster"), this, &Tray::quitRequested);
    m_icon->setContextMenu(m_menu);
    connect(m_icon, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
            Q_EMIT toggleWindowRequested();
    });
    connect(m_icon, &QSystemTrayIcon::messageClicked, this, &Tray::attentionRequested);
    m_notifyTimer->setSingleShot(true);
    connect(m_notifyTimer, &QTimer::timeout, this, &Tray::flush);
    updateIcon();
    if (isAvailable())
        m_icon->show();
}

Tray::~Tray()
{
    delete m_menu;
}

bool Tray::isAvailable() const
{
    return QSystemTrayIcon::isSystemTrayAvailable();
}

QRect Tray::iconGeometry() const
{
    return isAvailable() ? m_icon->geometry() : QRect();
}

QString Tray::unavailableReason() const
{
    if (isAvailable())
        return {};
    return tr("No system tray on this desktop: closing the window quits, and notifications show in the status bar");
}

void Tray::setState(State state, int running, int queued, int needsAttention)
{
    const bool changed = state != m_state;
    m_state = state;
    m_running = running;
    m_queued = queued;
    m_needsAttention = needsAttention;
    m_pause->setText(state == State::Running ? tr("Pause…") : tr("Resume"));
    m_pause->setEnabled(state != State::StoreFailure);
    m_attention->setText(tr("Needs attention (%1)").arg(needsAttention));
    m_icon->setToolTip(toolTip());
    if (changed)
        updateIcon();
}

QString Tray::toolTip() const
{
    return tr("Yardmaster: %1\n%2 running · %3 queued · %4 need attention")
        .arg(stateName(m_state))
        .arg(m_running)
        .arg(m_queued)
        .arg(m_needsAttention);
}

void Tray::setWindowVisible(bool visible)
{
    m_toggleWindow->setText(visible ? tr("Hide window") : tr("Show window"));
}

void Tray::runsNeedAttention(int count, const QString &detail)
{
    if (count <= 0)
        return;
    if (m_pending == 0)
        m_pendingDetail = detail;
    m_pending += count;
    const qint64 since = m_sinceShown.isValid() ? m_sinceShown.elapsed() : std::numeric_limits<qint64>::max();
    if (since >= m_intervalMs)
        flush();
    else if (!m_notifyTimer->isActive())
        m_notifyTimer->start(int(m_intervalMs - since));
}

void Tray::notify(const QString &title, const QString &text)
{
    if (isAvailable())
        m_icon->showMessage(title, text, QSystemTrayIcon::Information, 6000);
    Q_EMIT notified(title, text);
}

void Tray::setNotifyIntervalMs(int ms)
{
    m_intervalMs = qMax(0, ms);
}

void Tray::flush()
{
    if (m_pending == 0)
        return;
    m_lastTitle = m_pending == 1 ? tr("A run needs attention") : tr("%1 runs need attention").arg(m_pending);
    m_lastText = m_pendingDetail.isEmpty() ? tr("Open Needs attention to requeue, cancel or acknowledge.")
                                           : tr("%1\nOpen Needs attention to requeue, cancel or acknowledge.")
                                                 .arg(m_pending == 1 ? m_pendingDetail
                                                                     : tr("The first: %1").arg(m_pendingDetail));
    m_pending = 0;
    m_pendingDetail.clear();
    ++m_shown;
    m_sinceShown.start();
    if (isAvailable())
        m_icon->showMessage(m_lastTitle, m_lastText, QSystemTrayIcon::Warning, 10'000);
    Q_EMIT notified(m_lastTitle, m_lastText);
}

void Tray::updateIcon()
{
    // The application's icon with a dot in the state's colour.
    QPixmap pixmap(64, 64);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    const QIcon app = QApplication::windowIcon();
    if (!app.isNull()) {
        app.paint(&p, QRect(0, 0, 64, 64));
    } else {
        p.setBrush(QColor(0x33, 0x41, 0x55));
        p.setPen(Qt::NoPen);
        p.drawRoundedRect(QRect(4, 4, 56, 56), 10, 10);
    }
    p.setPen(QPen(Qt::white, 4));
    p.setBrush(stateColor(m_state));
    p.drawEllipse(QRect(34, 34, 28, 28));
    p.end();
    m_icon->setIcon(QIcon(pixmap));
}

} // namespace Yard::Ui
