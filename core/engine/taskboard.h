// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cycle/cycletypes.h"
#include "cycle/taskindex.h"
#include "model/errors.h"

#include <functional>

namespace Yard {

class ActiveRuns;
class AdmissionPump;
class ClaimLedger;
class RunResolver;
class RunTable;
class SessionManager;
class SessionQueues;
class TurnClock;
struct CycleOptions;
struct RunRecord;
struct Session;

/// Tasks, claims and leases (SPEC D2, D3). A task waits on the board, indexed by what it
/// requires, until a capable session claims it; the claim takes it to its lane. A claimed or
/// running run holds a lease that every step and report of its handler renews; the sweep puts
/// runs whose lease ran out back on the board (attempt + 1), or fails them once their attempts
/// are spent. A previous process's runs are recovered through the same path at start, so a
/// crash and a dead worker are handled alike. Engine thread only.
class TaskBoard final
{
    Q_DISABLE_COPY_MOVE(TaskBoard)

public:
    struct Parts
    {
        const TurnClock *time;
        RunTable *runs;
        RunResolver *resolver;
        AdmissionPump *pump;
        ActiveRuns *active;
        SessionManager *sessions;
        SessionQueues *queues;
        ClaimLedger *claims;
        const CycleOptions *options;
        /// Puts a recovered run that is not a task where it waits (its session's queue).
        std::function<void(RunRecord *)> placeSessionRun;
    };
    explicit TaskBoard(const Parts &parts); ///< Not owning any of them.
    ~TaskBoard();

    // The board --------------------------------------------------------------------------------
    /// A queued task waits for a claim (stage AwaitingClaim).
    void add(RunRecord *run);
    /// Takes a task off the board (it was cancelled or needs attention). False if it was not on it.
    bool take(RunRecord *run);
    const TaskIndex &index() const { return m_index; }
    /// Tasks waiting for a claim.
    int waiting() const { return m_index.size(); }

    // Claims (SPEC D3) ---------------------------------------------------------------------------
    /// `session` claims task `run`, or with run 0 the first task it may take in wake order. The
    /// task goes to its lane; `session` holds it (and is not woken) until the run ends or goes
    /// back to the board. invalid_request says why the session may not take it.
    Expected<RunId> claim(SessionId session, RunId run = 0);
    /// Why `session` may not take a task needing `needs` now; no error if it may.
    Error eligibility(const Session &session, const TaskRequirements &needs) const;
    /// The session holds a claimed or running task, or runs work of its own queue.
    bool isBusy(SessionId session) const;
    /// The session as the cycle sees it.
    CycleSession cycleSession(const Session &session) const;
    /// Tasks claimed or running.
    int claimed() const;

    // Leases (SPEC D2) ---------------------------------------------------------------------------
    // A running run's lease is renewed with every step handed to a worker and every report it
    // sends (RunTicket::leaseBeatAt); between steps with a step pending the engine holds it.
    /// Recovers runs whose lease expired, at most `limit`; returns their ids. A run whose worker
    /// still has it is told to stop and recovered when the worker returns.
    QVector<RunId> sweepExpired(int limit, Error *error);
    /// A run whose owner is gone (its lease expired, or it was claimed or running when the
    /// previous process stopped) and that holds nothing: queued again with attempt + 1 and
    /// reported as lease.recovered, or failed with `exhausted` once its attempts are spent.
    /// Returns false if it ended failed (and was destroyed).
    bool recover(RunRecord *run, const QString &why, const QString &exhausted);
    /// Expired leases found so far whose worker has not returned yet.
    int awaitingRecovery() const { return m_awaitingRecovery; }
    /// The worker of a run whose lease expired returned (its result is not wanted).
    void returnedAfterExpiry(RunRecord *run);

private:
    /// Why the session may not take any task now (not active, prompting, busy); or no error.
    Error sessionRefusal(const Session &session) const;
    static Error refusal(const Session &session, const QString &why);

    Parts m_p;
    TaskIndex m_index;
    int m_awaitingRecovery = 0;
};

} // namespace Yard
