// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clock.h"

#include "cycle/cycleports.h"
#include "cycle/mechanicalcycle.h"

#include <deque>
#include <functional>
#include <memory>

namespace Yard {

class Intake;
class PauseControl;
class RunResolver;
class RunTable;
class SessionManager;
class TaskBoard;
class TurnClock;
class TurnEvents;
class TurnTimers;
struct EngineOptions;

/// Runs the mechanical cycle (SPEC D4) inside the engine: on its interval (the first one
/// interval after start) and on demand, always as one turn. It gives the cycle the engine's
/// view through the cycle's ports: the task board's waiting tasks and lease sweep, the sessions,
/// wake.sent events, the starvation ladder's actions (run.starved, a worker session spawned
/// from an agent template, needs_attention) and the durable budgets kept with each task.
///
/// The cycle never claims. A woken session that claims for itself in process (Session::claims:
/// the demo's agents, spawned workers, the simulator's) does so right after, in its own turn.
class CycleDriver final : private CycleTaskSource,
                          private CycleSessionSource,
                          private CycleWaker,
                          private EscalationActor,
                          private StarvationStore
{
    Q_DISABLE_COPY_MOVE(CycleDriver)

public:
    struct Parts
    {
        const TurnClock *time;
        TurnTimers *timers;
        TaskBoard *board;
        SessionManager *sessions;
        RunTable *runs;
        RunResolver *resolver;
        TurnEvents *events;
        const PauseControl *pause;
        Intake *intake;
        const EngineOptions *options;
    };
    /// Recent results kept for the console's Cycles view.
    static constexpr int kHistory = 500;

    explicit CycleDriver(const Parts &parts); ///< Not owning any of them.
    ~CycleDriver() override;

    /// Rebuilds the wake state and schedules the first cycle one interval from now.
    void start();
    /// After shutdown: no more cycles; runNow() is refused with `stopped`.
    void stop();
    bool isStopped() const { return m_stopped; }

    /// Runs one cycle now (within the caller's turn) and restarts the interval from here.
    Expected<CycleResult> runNow();
    /// Live (SPEC U8): the next cycle is one new interval after the last one. <= 0 stops the
    /// timer; cycles then only run on demand.
    void setInterval(qint64 ms);
    qint64 interval() const { return m_interval; }
    /// When the next cycle is due, or 0 when none is scheduled.
    TimeMs nextDue() const { return m_nextDue; }

    const CycleStats &stats() const { return m_cycle->stats(); }
    /// Newest last.
    const std::deque<CycleResult> &history() const { return m_history; }
    /// Results since the last call (for snapshots); newest last.
    QVector<CycleResult> takeRecent();

    /// The cycle itself (tests).
    MechanicalCycle &cycle() { return *m_cycle; }

private:
    void schedule();

    // CycleTaskSource
    const TaskIndex &pending() override;
    int activeRuns() override;
    QVector<RunId> recoverExpiredLeases(int limit, Error *error) override;
    // CycleSessionSource
    QVector<CycleSession> sessions() override;
    // CycleWaker
    QVector<Error> wakeMany(const QVector<WakeTarget> &targets) override;
    // EscalationActor
    Error emitRunStarved(const CycleRun &run, qint64 ageMs) override;
    Error requestWorkerSpawn(const CycleRun &run) override;
    Error markNeedsAttention(RunId run, const QString &diagnostic) override;
    // StarvationStore
    std::optional<RunStarvation> load(RunId run) override;
    void upsert(const RunStarvation &budget) override;
    void clear(RunId run) override;

    /// A woken session that claims in process takes its task (or, if it went, another one).
    void claimAfterWake(SessionId session, RunId run);

    Parts m_p;
    std::unique_ptr<MechanicalCycle> m_cycle;
    std::deque<CycleResult> m_history;
    QVector<CycleResult> m_recent;
    qint64 m_interval;
    Clock::TimerId m_timer = 0;
    TimeMs m_nextDue = 0;
    bool m_started = false;
    bool m_stopped = false;
};

} // namespace Yard
