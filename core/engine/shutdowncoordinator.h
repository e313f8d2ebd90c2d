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

/// Graceful shutdown (SPEC Q12): nothing new starts or is accepted; runs in flight (executing or
/// between steps) get until the deadline to finish, and only then are they interrupted and
/// parked, with their saved state, back in the durable queue for the next start. When none is
/// in flight any more the store is flushed and `done` is called. What it says is what happened:
/// how many finished, how many were interrupted, what stays queued (or is discarded, for a store
/// that keeps nothing), and, if writes still fail, how many accepted runs were not written.
/// Engine thread only.
class ShutdownCoordinator final : public AdmissionGate, public AcceptanceGate
{
    Q_DISABLE_COPY_MOVE(ShutdownCoordinator)

public:
    /// `queued()` counts the runs that stay queued; `finished()` the outcomes so far.
    ShutdownCoordinator(TurnTimers &timers, RunTable &runs, ActiveRuns &active, Store *store,
                        std::function<int()> queued, std::function<quint64()> finished);
    ~ShutdownCoordinator() override;

    bool isStopping() const { return m_stopping; }
    bool isStopped() const { return m_stopped; }

    /// Begins the shutdown (the caller stopped its other timers). `done` is called once
    /// everything is durable; at once if that already happened.
    void begin(int deadlineMs, std::function<void()> done);
    /// End of a turn: finishes the shutdown once nothing is in flight.
    void check();
    /// After the shutdown: an error if accepted work could not be written (exit non-zero).
    const Error &result() const { return m_result; }

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
    std::function<quint64()> m_finished;
    std::function<void()> m_done;
    Clock::TimerId m_deadline = 0;
    Error m_result;
    quint64 m_finishedBefore = 0;
    int m_parked = 0;
    bool m_stopping = false;
    bool m_stopped = false;
};

} // namespace Yard
