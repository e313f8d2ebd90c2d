// SPDX-License-Identifier: GPL-3.0-or-later
#include "drainmonitor.h"

#include "pausecontrol.h"
#include "turnevents.h"
#include "turnhost.h"

using namespace Qt::StringLiterals;

namespace Yard {

DrainMonitor::DrainMonitor(TurnTimers &timers, TurnEvents &events, PauseControl &pause,
                           std::function<int()> running)
    : m_timers(timers)
    , m_events(events)
    , m_pause(pause)
    , m_running(std::move(running))
{}

DrainMonitor::~DrainMonitor()
{
    m_timers.cancel(m_timer);
}

Error DrainMonitor::refusal() const
{
    if (m_draining)
        return Error::make(ErrorCode::Draining, u"the scheduler is draining; resume it to accept work"_s);
    return {};
}

void DrainMonitor::drain(int timeoutMs, const QString &actor)
{
    if (!m_pause.isPaused())
        m_pause.pause(u"draining"_s, actor);
    m_draining = true;
    m_reported = false;
    Event e = m_events.make(EventType::SchedulerDraining);
    e.value = m_running();
    e.text = actor;
    m_events.add(std::move(e));
    m_timers.cancel(m_timer);
    m_timer = m_timers.callAfter(timeoutMs, [this] {
        m_timer = 0;
        if (m_draining && !m_reported)
            report(ErrorCode::Timeout);
    });
}

bool DrainMonitor::stop()
{
    const bool was = m_draining;
    m_draining = false;
    m_timers.cancel(m_timer);
    return was;
}

void DrainMonitor::check()
{
    if (m_draining && !m_reported && m_running() == 0)
        report(ErrorCode::None);
}

void DrainMonitor::report(ErrorCode code)
{
    m_reported = true;
    m_timers.cancel(m_timer);
    Event e = m_events.make(EventType::SchedulerDrained);
    if (code == ErrorCode::Timeout) {
        const int running = m_running();
        e.code = code;
        e.value = running;
        e.text = u"drain timed out with %1 runs still running"_s.arg(running);
    }
    m_events.add(std::move(e));
}

} // namespace Yard
