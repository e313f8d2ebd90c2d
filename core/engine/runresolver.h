// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/errors.h"
#include "model/event.h"
#include "model/runstate.h"

namespace Yard {

class ClaimLedger;
class HandlerTable;
class LaneSet;
class StatsCollector;
class Store;
class TurnClock;
class TurnEvents;
struct EngineCounters;
struct RunRecord;

/// The only place a run changes state (SPEC D1). Every change is checked against the D1 table:
/// a change the table forbids is refused, counted (EngineCounters::invalidTransitions) and
/// logged, and the run is left as it was. An allowed change is applied together with what
/// belongs to it: the durable row, the counters, the chart statistics and the event, so a run
/// gets exactly one outcome and every outcome is seen (SPEC Q12, E1).
class RunResolver final
{
    Q_DISABLE_COPY_MOVE(RunResolver)

public:
    RunResolver(const TurnClock &time, TurnEvents &events, Store *store, const HandlerTable &handlers,
                const LaneSet &lanes, EngineCounters &counters, StatsCollector &stats,
                ClaimLedger &claims);

    /// A new run was accepted in state queued (not a change: its first state).
    void accepted(RunRecord *run);
    /// queued -> claimed (SPEC D3): `session` took the task and holds its lease until
    /// `leaseUntil`. The claim is given back with the run's next change to queued or an outcome.
    bool claim(RunRecord *run, SessionId session, TimeMs leaseUntil);
    /// queued or claimed -> running: it holds a slot and goes to a worker.
    bool start(RunRecord *run);
    /// -> queued again (a yield, a shutdown, a dead worker, an operator's requeue), reported as
    /// `event`. `code`/`text` say why, when something interrupted it.
    bool requeue(RunRecord *run, EventType event, ErrorCode code = ErrorCode::None,
                 const QString &text = {}, qint64 value = 0);
    /// -> completed, failed, cancelled or merged: its one outcome. For completed, `text` is the
    /// result; otherwise the error.
    bool finish(RunRecord *run, RunState outcome, ErrorCode code, const QString &text);
    /// running -> retry_wait: this attempt failed (`code`, `text`); the next one starts in
    /// `delayMs` (SPEC J4). Reported as run.retry_scheduled.
    bool retryWait(RunRecord *run, ErrorCode code, const QString &text, qint64 delayMs);
    /// retry_wait -> queued with the next attempt.
    bool retryNow(RunRecord *run);

    /// Told when a job's run starts and when it ends (SPEC J5, J6), not for other runs.
    class JobRunObserver
    {
    public:
        virtual ~JobRunObserver() = default;
        virtual void jobRunStarted(RunRecord *run) = 0;
        virtual void jobRunFinished(RunRecord *run, RunState outcome, ErrorCode code, const QString &text) = 0;
    };
    void setJobRunObserver(JobRunObserver *observer) { m_jobObserver = observer; }

    /// Writes the run's current row (a change of its data, not of its state).
    void persist(RunRecord *run);
    bool persistsRuns() const { return m_persist; }

    /// needs_attention runs no operator has acknowledged, requeued or cancelled yet (the
    /// console's badge, SPEC U5): counted from the store at start, then as runs come and go.
    int attentionOpen() const { return m_attentionOpen; }
    void restoreAttentionOpen(int count) { m_attentionOpen = count; }
    /// An operator dealt with a needs_attention run that was still open.
    void attentionClosed() { m_attentionOpen = qMax(0, m_attentionOpen - 1); }

    /// The event that reports an outcome.
    static EventType outcomeEvent(RunState state, ErrorCode code);

private:
    bool allowed(const RunRecord *run, RunState to);
    /// A task leaves claimed/running: its session's claim and its lease end.
    void endClaim(RunRecord *run, bool unbind);

    const TurnClock &m_time;
    TurnEvents &m_events;
    Store *m_store; ///< Not owning.
    const HandlerTable &m_handlers;
    const LaneSet &m_lanes;
    EngineCounters &m_counters;
    StatsCollector &m_stats;
    ClaimLedger &m_claims;
    bool m_persist;
    JobRunObserver *m_jobObserver = nullptr; ///< Not owning.
    int m_attentionOpen = 0;
};

} // namespace Yard
