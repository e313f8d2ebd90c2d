// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "admissionpump.h"

#include "exec/runrequest.h"
#include "exec/runticket.h"
#include "model/errors.h"
#include "model/runstate.h"

#include <vector>

namespace Yard {

class Executor;
class HandlerTable;
class Inbox;
class LaneSet;
class RunResolver;
class RunTable;
class RunTicket;
class SessionChanges;
class SessionManager;
class Preemption;
class TaskBoard;
class TurnClock;
class TurnTimers;
struct RunRecord;

/// The runs that hold a lane slot: started, executing on a worker or waiting between steps
/// (SPEC L3, Q8, Q10, Q12). It fills their tickets, hands them to the executor in one batch per
/// pump, and ends them: on an outcome, on a cancel, at a yield or at shutdown. Engine thread
/// only.
class ActiveRuns final : public AdmissionHost
{
    Q_DISABLE_COPY_MOVE(ActiveRuns)

public:
    struct Parts
    {
        const TurnClock *time;
        TurnTimers *timers;
        RunResolver *resolver;
        RunTable *runs;
        LaneSet *lanes;
        AdmissionPump *pump;
        HandlerTable *handlers;
        SessionChanges *changes;
        SessionManager *sessions;
        Executor *executor;
        Inbox *inbox;
        const PreExecuteHook *const *hook; ///< the current hook, or nullptr
    };
    explicit ActiveRuns(const Parts &parts); ///< Not owning any of them.
    ~ActiveRuns() override;

    // AdmissionHost
    void startAdmitted(RunRecord *run) override;

    /// Hands the tickets started since the last call to the executor, in one batch.
    void dispatchStarted();
    /// Tickets handed to the executor and not reported back yet.
    int executing() const { return m_executing; }
    /// Of those, the runs already resolved or parked, whose result nobody waits for.
    int awaitingReturn() const { return m_awaitingReturn; }
    /// Runs in flight: executing (and wanted) or waiting between steps.
    int inFlight() const { return m_executing - m_awaitingReturn + m_betweenSteps; }

    /// A worker reported this ticket back. Returns its run.
    RunRecord *returned(RunTicket *ticket);
    /// Ends a run that holds a slot with its outcome: the slot and the session's place go to
    /// the next run. False (nothing changed) if the resolver refused.
    bool end(RunRecord *run, RunState outcome, ErrorCode code, const QString &text);
    /// The handler asked to be called again after `delayMs`; the run keeps its slot.
    void continueAfter(RunRecord *run, qint64 delayMs);
    /// The handler yielded after an interrupt (SPEC P2): back to its lane with its saved state,
    /// or completed if it asked not to be rescheduled.
    void yielded(RunRecord *run);
    /// Resolves an active run (waiting for a slot, executing or between steps) as cancelled with
    /// `code`; a worker still running it finds its ticket cancelled, and its late result is
    /// ignored. Its session already let it go.
    void cancel(RunRecord *run, ErrorCode code, const QString &why);
    /// Shutdown: the run goes back to the durable queue (not an outcome) and resumes on the next
    /// start. Its session lets it go.
    void park(RunRecord *run);
    /// The worker of a run resolved or parked while it executed returned: free what it held.
    void discard(RunRecord *run);
    /// The worker went silent (Outcome::Vanished): the run keeps its slot, with no step
    /// pending and no heartbeat, until its lease expires.
    void vanished(RunRecord *run);

    // Leases (SPEC D2) ---------------------------------------------------------------------------
    /// Where tasks go back to (a yield) and whose leases every step renews. Not owning.
    void setTaskBoard(TaskBoard *board) { m_board = board; }
    /// Told when a run gives its slot back on an interrupt. Not owning.
    void setPreemption(Preemption *preemption) { m_preemption = preemption; }
    /// Asks a running run to yield (SPEC P2): its handler sees isInterrupted(). A run waiting
    /// between steps is woken at once to see it. False if the run has no step to take (a worker
    /// that went silent, a run already returning).
    bool interrupt(RunRecord *run);
    /// Calls fn(RunRecord *, RunTicket *) for every run holding a ticket (executing, between
    /// steps, or returning after it was resolved): at most as many as there are slots.
    template<typename Fn>
    void forEachTicketHolder(Fn fn) const
    {
        for (RunTicket *t : m_allTickets) {
            if (t->owner)
                fn(static_cast<RunRecord *>(t->owner), t);
        }
    }
    /// The lease of a run that holds a slot expired. Between steps nothing holds it: it lets go
    /// of its slot and its session's place at once (true). A worker that still has it is told
    /// to stop, and the run is let go of when the worker returns (false).
    bool expire(RunRecord *run);
    /// Lets go of the slot, ticket and session place of a run that stays alive without them:
    /// its lease expired, or it waits for a retry (SPEC D2, J4). Its worker returned, or it was
    /// between steps (whose timer is cancelled).
    void letGo(RunRecord *run);

    /// Frees every ticket (engine teardown, once no worker can touch one).
    void freeTickets();

private:
    RunTicket *takeTicket();
    /// The run's session and transcript for RunRequest::transcriptJson.
    QByteArray transcriptJson(RunRecord *run);
    void recycle(RunRecord *run);
    void dispatchStep(RunRecord *run);
    /// A run resolved or parked while its worker has it: the slot follows the worker's return.
    void awaitReturn(RunRecord *run);
    /// A run resolved or parked between steps: nothing holds it any more.
    void endBetweenSteps(RunRecord *run);

    Parts m_p;
    TaskBoard *m_board = nullptr;
    Preemption *m_preemption = nullptr;
    std::vector<RunTicket *> m_freeTickets;
    std::vector<RunTicket *> m_allTickets; ///< Owning.
    std::vector<RunTicket *> m_started;
    int m_executing = 0;
    int m_awaitingReturn = 0;
    int m_betweenSteps = 0;
};

} // namespace Yard
