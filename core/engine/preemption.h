// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "admissiongate.h"

#include "model/ids.h"
#include "model/priority.h"

#include <QtGlobal>

#include <vector>

namespace Yard {

class ActiveRuns;
class HandlerTable;
class LaneSet;
class PauseControl;
class PoolGate;
class RunTable;
class TurnClock;
class TurnEvents;
class TurnTimers;
struct EngineCounters;
struct EngineOptions;

/// Preemption (SPEC P2): when a lane is saturated and an interactive or urgent run waits, the
/// lowest-priority preemptible running run of that lane gets an interrupt and the lane's grace
/// period to yield. If it yields, it goes back to wait with its saved state (or ends completed
/// when it asked not to be rescheduled) and the waiting run takes the slot. If it does not, it
/// runs to completion and is never asked again. The yield only ever comes back from the worker
/// that ran it, so a run never executes twice at once (seed 003 requeues a copy; we do not).
///
/// The same holds for a worker pool of fixed size that urgent work waits for (single-processor
/// mode: one worker for every priority).
///
/// Fair: no more interrupts in flight in a lane (or pool) than interactive or urgent runs wait
/// for it, and interactive or urgent runs are never interrupted. An admission gate only to
/// follow which runs hold slots; it never refuses one.
class Preemption final : public AdmissionGate
{
    Q_DISABLE_COPY_MOVE(Preemption)

public:
    struct Parts
    {
        const TurnClock *time;
        TurnTimers *timers;
        LaneSet *lanes;
        RunTable *runs;
        ActiveRuns *active;
        HandlerTable *handlers;
        TurnEvents *events;
        EngineCounters *counters;
        const PauseControl *pause;
        const EngineOptions *options;
        const PoolGate *pools;
    };
    explicit Preemption(const Parts &parts); ///< Not owning any of them.
    ~Preemption() override;

    // AdmissionGate: follows the runs that hold a slot and could be interrupted.
    bool admitsLane(const Lane &) const override { return true; }
    void started(const RunRecord &run) override;
    void freed(const RunRecord &run) override;

    /// After the pump: interrupts victims in lanes where urgent work waits for a slot.
    void check();
    /// `run` gave its slot back on an interrupt (requeued, or completed with noReschedule).
    void yielded(RunRecord *run);
    /// Interrupts in flight (their grace period runs).
    int pending() const;

private:
    bool isCandidate(const RunRecord &run) const;
    /// Interrupts up to `waiting` minus those in flight among `victims`, for `best`.
    void preemptAmong(const std::vector<RunId> &victims, int waiting, RunId forRun, Priority forPriority);
    RunRecord *victim(const std::vector<RunId> &victims, Priority waiting) const;
    void interrupt(RunRecord *victim, RunId forRun, Priority forPriority);
    void graceOver(RunId run);
    static void remove(std::vector<RunId> &list, RunId id);

    Parts m_p;
    /// Per lane: runs holding a slot that may be interrupted (not urgent, preemptible).
    std::vector<std::vector<RunId>> m_running;
    /// The same per worker pool (WorkerPool order).
    std::vector<RunId> m_byPool[2];
};

} // namespace Yard
