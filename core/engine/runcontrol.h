// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "submission.h"

#include "model/errors.h"

namespace Yard {

class ActiveRuns;
class AdmissionPump;
class HandlerTable;
class Intake;
class LaneSet;
class RunResolver;
class RunTable;
class SessionChanges;
class SessionManager;
class SessionQueues;
class Store;
class TaskBoard;
class TurnClock;
struct Run;
struct RunRecord;

/// What an operator does to runs and session queues (SPEC Q9, D8, U3, U4): cancel one run, the
/// oldest of a session or all of it, reset a session, retry a finished run, requeue one that
/// needs attention. Engine thread only.
class RunControl final
{
    Q_DISABLE_COPY_MOVE(RunControl)

public:
    struct Parts
    {
        const TurnClock *time;
        Store *store;
        SessionManager *sessions;
        SessionQueues *queues;
        RunTable *runs;
        RunResolver *resolver;
        ActiveRuns *active;
        AdmissionPump *pump;
        LaneSet *lanes;
        HandlerTable *handlers;
        SessionChanges *changes;
        Intake *intake;
        TaskBoard *board;
    };
    explicit RunControl(const Parts &parts); ///< Not owning any of them.

    Expected<bool> cancelOne(SessionId id);
    Expected<int> cancelAll(SessionId id);
    Expected<int> reset(SessionId id);
    Error cancelRun(RunId id, const QString &reason);
    /// A finished run (failed, cancelled, completed) again, as a new run in the same session and
    /// lane pointing back with retryOf.
    Expected<RunId> retryRun(RunId id);
    /// A needs_attention run back in its queue (SPEC D8); a task with a fresh budget.
    Error requeueRun(RunId id);
    /// D8 on one stored needs_attention run: requeue, cancel (with `note` as the reason) or
    /// acknowledge (`note` required).
    Error resolveAttention(RunId id, AttentionAction action, const QString &actor, const QString &note);

    /// A stored run becomes live again (restart, requeue): the record takes `run`'s fields and
    /// its session's queue. `sessionGone` tells when it had a session that no longer exists.
    RunRecord *revive(Run &&run, bool *sessionGone);
    /// Puts a revived run where it waits: a task on the task board, a session's run in its
    /// session's queue, in order, a free run in its lane.
    void place(RunRecord *run);

private:
    /// needs_attention and not acknowledged: it counts in the console's badge.
    static bool isOpenAttention(const Run &run);

    Parts m_p;
};

} // namespace Yard
