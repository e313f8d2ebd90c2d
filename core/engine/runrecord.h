// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/run.h"

#include <memory>

namespace Yard {

class RunTicket;
class SessionQueue;

/// The cold part of a live run: its texts and rarely set fields. Most runs of a busy scheduler
/// carry an input; empty runs (and runs that only ever complete) never allocate one.
struct RunDetail
{
    QString input;
    QByteArray payloadJson;
    QByteArray savedState;
    QString result;
    QString error;
    QString progressText;
    QString log;
    double progress = 0;
    MessageId messageId = 0;
    SessionId sessionId = 0; ///< the session of a run with no live queue (its session is gone)
    TimeMs createdAt = 0;    ///< 0: the same as the record's queuedAt
    RunId mergedInto = 0;
    RunId retryOf = 0;
    int mergedCount = 0;
    ErrorCode errorCode = ErrorCode::None;
    std::unique_ptr<TaskInfo> task; ///< set for tasks (SPEC D3): requirements, lease, budget
    int boardGroup = -1;            ///< AwaitingClaim: its TaskIndex group
    /// Revived from its stored row (an operator's requeue or cancel): its rows are written even
    /// by a store that keeps no runs, which kept this one because it needed attention.
    bool revived = false;
    qint64 jobId = 0; ///< the job that fired it (SPEC J1)
    TimeMs logPersistedAt = 0; ///< the row was last written for a log line then
};

/// The engine's live view of a run that has not been resolved yet, or whose handler is still
/// returning after the run was resolved. Engine thread only.
///
/// One cache line: this is what a queued run costs and what every scheduling step touches.
/// Names are small ids (handler in the HandlerTable, lane in the LaneSet), texts live in the
/// optional RunDetail, and the session is the queue's.
struct alignas(64) RunRecord
{
    /// Where the run is right now.
    enum class Stage : quint8 {
        SessionQueued,     ///< waiting in its session queue
        WaitingForSlot,    ///< admitted by its session (or free), waiting for a lane slot
        Executing,         ///< a worker owns the ticket
        BetweenSteps,      ///< holds its slot, waiting for its next step (ContinueAfter)
        AwaitingReturn,    ///< resolved (or parked) while executing; the worker still has it
        WithdrawnFromLane, ///< resolved while waiting for a slot; its lane entry frees it
        AwaitingClaim,     ///< a task on the task board: no session has claimed it yet
        AwaitingRetry,     ///< its attempt failed; the next one is due later (SPEC J4)
    };

    RunId id = 0;
    TimeMs queuedAt = 0; ///< orders admission (SPEC P1)
    TimeMs startedAt = 0;
    union {
        RunRecord *next = nullptr; ///< SessionQueued: the next run of its session queue
        RunTicket *ticket;         ///< Executing, BetweenSteps, AwaitingReturn
    };
    SessionQueue *queue = nullptr;      ///< Not owning. nullptr for runs bound to no session.
    std::unique_ptr<RunDetail> detail;  ///< Owning; nullptr while every cold field is empty.
    quint16 attempt = 1;
    quint16 maxAttempts = 3;
    quint16 handler = 0; ///< HandlerTable id
    quint16 lane = 0;    ///< LaneSet index
    Priority priority = Priority::Normal;
    RunState state = RunState::Queued;
    Stage stage = Stage::SessionQueued;
    /// Where a preemption of this run stands (SPEC P2).
    enum class Preempt : quint8 {
        None,    ///< not asked
        Pending, ///< interrupted; its grace period runs
        Refused, ///< did not yield within the grace period: it runs to completion, never asked again
    };

    bool holdsSlot = false;
    bool keysChanged = false; ///< session, lane or priority differ from the stored row (revived)
    bool preemptible = true;  ///< the run (and its handler) may be interrupted for urgent work
    Preempt preempt = Preempt::None;
    bool timedOut = false;    ///< its job's timeout expired: this attempt ends `timeout` (SPEC J5)

    RunDetail &details()
    {
        if (!detail)
            detail = std::make_unique<RunDetail>();
        return *detail;
    }
    SessionId sessionId() const;
    MessageId messageId() const { return detail ? detail->messageId : 0; }
    TimeMs createdAt() const { return detail && detail->createdAt ? detail->createdAt : queuedAt; }
    /// The task part of a task run (SPEC D3), or nullptr for session work.
    TaskInfo *task() const { return detail ? detail->task.get() : nullptr; }
    RunTicket *ticketIfAny() const
    {
        return stage == Stage::Executing || stage == Stage::BetweenSteps || stage == Stage::AwaitingReturn
                   ? ticket
                   : nullptr;
    }

    /// The durable row of this run at time `now`, with its handler and lane names.
    Run toRun(const QString &handlerName, const QString &laneName, TimeMs now) const;
    /// Takes the fields of a stored run (restart, requeue). Names are resolved by the caller.
    void assignFrom(Run &&run);
};
static_assert(sizeof(RunRecord) == 64, "a live run should stay within one cache line");

} // namespace Yard
