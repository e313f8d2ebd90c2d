// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "admissiongate.h"
#include "clock.h"
#include "intake.h"
#include "runrecord.h"

#include <functional>

namespace Yard {

class ActiveRuns;
class RunTable;
class Store;
class TurnTimers;

/// Graceful shutdown (SPEC Q12): nothing new starts or is accepted; runs between steps are
/// parked at once, executing ones get until the deadline to finish and are parked then. Parked
/// runs go back to the durable queue with their saved state and resume on the next start.
/// When no run executes any more, the store is flushed and `done` is called. Engine thread only.
class ShutdownCoordinator final : public AdmissionGate, public AcceptanceGate
{
    Q_DISABLE_COPY_MOVE(ShutdownCoordinator)

public:
    /// `queued()` counts the runs that stay queued.
    ShutdownCoordinator(TurnTimers &timers, RunTable &runs, ActiveRuns &active, Store *store,
                        std::function<int()> queued);
    ~ShutdownCoordinator() override;

    bool isStopping() const { return m_stopping; }
    bool isStopped() const { return m_stopped; }

    /// Begins the shutdown (the caller stopped its other timers). `done` is called once
    /// everything is durable; at once if that already happened.
    void begin(int deadlineMs, std::function<void()> done);
    /// End of a turn: finishes the shutdown once nothing executes.
    void check();

    // AdmissionGate
    bool admitsLane(const Lane &) const override { return !m_stopping; }
    // AcceptanceGate
    Error refusal() const override;

private:
    int parkAll(RunRecord::Stage stage);

    TurnTimers &m_timers;
    RunTable &m_runs;
    ActiveRuns &m_active;
    Store *m_store; ///< Not owning.
    std::function<int()> m_queued;
    std::function<void()> m_done;
    Clock::TimerId m_deadline = 0;
    int m_parked = 0;
    bool m_stopping = false;
    bool m_stopped = false;
};

} // namespace Yard
