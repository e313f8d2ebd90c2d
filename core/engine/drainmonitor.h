// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clock.h"
#include "intake.h"

#include <functional>

namespace Yard {

class PauseControl;
class TurnEvents;
class TurnTimers;

/// Drain (SPEC D7, Q9): pause, reject new work with `draining`, and report scheduler.drained
/// once nothing runs, or when the timeout passes with runs still running. Resume ends it.
/// Engine thread only.
class DrainMonitor final : public AcceptanceGate
{
    Q_DISABLE_COPY_MOVE(DrainMonitor)

public:
    /// `running()` counts the runs holding a slot.
    DrainMonitor(TurnTimers &timers, TurnEvents &events, PauseControl &pause,
                 std::function<int()> running);
    ~DrainMonitor() override;

    bool isDraining() const { return m_draining; }
    void drain(int timeoutMs, const QString &actor);
    /// Ends a drain (resume). Returns whether one was in progress.
    bool stop();
    /// End of a turn: reports drained when the last run ended.
    void check();

    // AcceptanceGate
    Error refusal() const override;

private:
    void report(ErrorCode code);

    TurnTimers &m_timers;
    TurnEvents &m_events;
    PauseControl &m_pause;
    std::function<int()> m_running;
    Clock::TimerId m_timer = 0;
    bool m_draining = false;
    bool m_reported = false;
};

} // namespace Yard
