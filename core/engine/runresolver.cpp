// SPDX-License-Identifier: GPL-3.0-or-later
#include "runresolver.h"

#include "claimledger.h"
#include "enginestatus.h"
#include "handlertable.h"
#include "laneset.h"
#include "runrecord.h"
#include "statscollector.h"
#include "turnclock.h"
#include "turnevents.h"

#include "logging.h"
#include "store/store.h"

using namespace Qt::StringLiterals;

namespace Yard {

RunResolver::RunResolver(const TurnClock &time, TurnEvents &events, Store *store,
                         const HandlerTable &handlers, const LaneSet &lanes,
                         EngineCounters &counters, StatsCollector &stats, ClaimLedger &claims)
    : m_time(time)
    , m_events(events)
    , m_store(store)
    , m_handlers(handlers)
    , m_lanes(lanes)
    , m_counters(counters)
    , m_stats(stats)
    , m_claims(claims)
    , m_persist(store->persistsRuns())
{}

EventType RunResolver::outcomeEvent(RunState state, ErrorCode code)
{
    switch (state) {
    case RunState::Completed:
        return EventType::RunCompleted;
    case RunState::Failed:
        return EventType::RunFailed;
    case RunState::Merged:
        return EventType::RunMerged;
    case RunState::NeedsAttention:
        return EventType::RunNeedsAttention;
    default:
        break;
    }
    switch (code) {
    case ErrorCode::QueueDropped:
        return EventType::RunDropped;
    case ErrorCode::MessageStale:
        return EventType::RunStale;
    default:
        return EventType::RunCancelled;
    }
}

bool RunResolver::allowed(const RunRecord *run, RunState to)
{
    if (canTransition(run->state, to))
        return true;
    ++m_counters.invalidTransitions;
    qCWarning(lcEngine).noquote() << u"invalid_transition: run %1 %2 -> %3 refused"_s.arg(run->id).arg(
        runStateName(run->state), runStateName(to));
    return false;
}

void RunResolver::persist(RunRecord *run)
{
    // A store that keeps no runs still keeps the runs an operator must act on (SPEC D8), until
    // the operator has.
    if (!m_persist && run->state != RunState::NeedsAttention && !(run->detail && run->detail->revived))
        return;
    m_store->append(RunUpsert{run->toRun(m_handlers.name(run->handler), m_lanes.at(run->lane).name(),
                                         m_time.now()),
                              run->keysChanged});
    run->keysChanged = false;
}

void RunResolver::accepted(RunRecord *run)
{
    ++m_counters.accepted;
    persist(run);
    m_events.add(EventType::RunQueued, *run);
}

void RunResolver::endClaim(RunRecord *run, bool unbind)
{
    TaskInfo *task = run->task();
    if (!task || task->leaseOwner == 0)
        return;
    m_claims.release(task->leaseOwner);
    task->leaseOwner = 0;
    task->leaseExpiresAt = 0;
    if (unbind)
        run->detail->sessionId = 0; // back on the board: any capable session may take it
}

bool RunResolver::claim(RunRecord *run, SessionId session, TimeMs leaseUntil)
{
    TaskInfo *task = run->task();
    if (!task || session == 0) {
        ++m_counters.invalidTransitions;
        qCWarning(lcEngine).noquote() << u"run %1 is not a task and cannot be claimed"_s.arg(run->id);
        return false;
    }
    if (!allowed(run, RunState::Claimed))
        return false;
    run->state = RunState::Claimed;
    task->leaseOwner = session;
    task->leaseExpiresAt = leaseUntil;
    run->detail->sessionId = session;
    m_claims.acquire(session);
    persist(run);
    m_events.add(EventType::RunClaimed, *run, ErrorCode::None, {}, run->attempt);
    return true;
}

bool RunResolver::start(RunRecord *run)
{
    if (!allowed(run, RunState::Running))
        return false;
    run->state = RunState::Running;
    run->startedAt = m_time.now();
    if (run->detail) {
        run->detail->errorCode = ErrorCode::None;
        run->detail->error.clear();
    }
    ++m_counters.started;
    m_stats.runStarted(run->startedAt - run->queuedAt);
    persist(run);
    m_events.add(EventType::RunStarted, *run, ErrorCode::None, {}, run->attempt);
    if (m_jobObserver && run->detail && run->detail->jobId)
        m_jobObserver->jobRunStarted(run);
    return true;
}

bool RunResolver::retryWait(RunRecord *run, ErrorCode code, const QString &text, qint64 delayMs)
{
    if (!allowed(run, RunState::RetryWait))
        return false;
    endClaim(run, true);
    run->state = RunState::RetryWait;
    RunDetail &d = run->details();
    d.errorCode = code;
    d.error = text;
    persist(run);
    m_events.add(EventType::RunRetryScheduled, *run, code,
                 u"attempt %1 of %2 in %3 ms: %4"_s.arg(run->attempt + 1).arg(run->maxAttempts).arg(delayMs).arg(text),
                 delayMs);
    return true;
}

bool RunResolver::retryNow(RunRecord *run)
{
    if (!allowed(run, RunState::Queued))
        return false;
    run->state = RunState::Queued;
    ++run->attempt;
    run->queuedAt = m_time.now();
    persist(run);
    m_events.add(EventType::RunQueued, *run, ErrorCode::None, u"attempt %1"_s.arg(run->attempt), run->attempt);
    return true;
}

bool RunResolver::requeue(RunRecord *run, EventType event, ErrorCode code, const QString &text,
                          qint64 value)
{
    if (!allowed(run, RunState::Queued))
        return false;
    endClaim(run, true);
    run->state = RunState::Queued;
    if (code != ErrorCode::None || (run->detail && run->detail->errorCode != ErrorCode::None)) {
        RunDetail &d = run->details();
        d.errorCode = code;
        d.error = code != ErrorCode::None ? text : QString();
    }
    persist(run);
    m_events.add(event, *run, code, text, value);
    return true;
}

bool RunResolver::finish(RunRecord *run, RunState outcome, ErrorCode code, const QString &text)
{
    if (!isTerminal(outcome) && outcome != RunState::NeedsAttention) {
        qCWarning(lcEngine).noquote()
            << u"run %1: %2 is not an outcome"_s.arg(run->id).arg(runStateName(outcome));
        ++m_counters.invalidTransitions;
        return false;
    }
    if (!allowed(run, outcome))
        return false;
    endClaim(run, false);
    run->state = outcome;
    if (code != ErrorCode::None || !text.isEmpty() || run->detail) {
        RunDetail &d = run->details();
        d.errorCode = code;
        if (outcome == RunState::Completed)
            d.result = text;
        else
            d.error = text;
    }
    persist(run);
    const TimeMs now = m_time.now();
    switch (outcome) {
    case RunState::Completed:
        ++m_counters.completed;
        break;
    case RunState::Failed:
        ++m_counters.failed;
        break;
    case RunState::Merged:
        ++m_counters.merged;
        break;
    case RunState::NeedsAttention:
        ++m_attentionOpen;
        break;
    default:
        ++m_counters.cancelled;
        break;
    }
    if (outcome != RunState::Merged && outcome != RunState::NeedsAttention)
        m_stats.runFinished(outcome == RunState::Completed, outcome == RunState::Failed,
                            run->startedAt > 0 ? now - run->startedAt : -1);
    m_events.add(outcomeEvent(outcome, code), *run, code, text,
                 outcome == RunState::Merged && run->detail ? run->detail->mergedInto : 0);
    if (m_jobObserver && run->detail && run->detail->jobId)
        m_jobObserver->jobRunFinished(run, outcome, code, text);
    return true;
}

} // namespace Yard
