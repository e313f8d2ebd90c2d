// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clock.h"
#include "runrecord.h"

#include "model/errors.h"
#include "model/queueconfig.h"

#include <vector>

namespace Yard {

class SessionQueue;

/// What a SessionQueue asks of the engine. Calls never re-enter the queue.
class SessionQueueHost
{
public:
    virtual ~SessionQueueHost() = default;
    /// Ends a run that is still waiting in the queue.
    virtual void resolveQueued(RunRecord *run, ErrorCode code, const QString &why) = 0;
    /// Ends an active run (waiting for a lane slot or executing). The queue already removed it.
    virtual void cancelActive(RunRecord *run, ErrorCode code, const QString &why) = 0;
    /// Folds `merged` into `carrier` (collect mode); `merged` is already out of the queue.
    virtual void merge(RunRecord *carrier, RunRecord *merged) = 0;
    /// Hands a run the session made active to its lane.
    virtual void admitToLane(RunRecord *run) = 0;
    /// (Re)arms the session's debounce timer for time `at` (-1 cancels it).
    virtual void armDebounce(SessionQueue *queue, TimeMs at) = 0;
    /// Effective concurrency right now (SPEC Q6 adaptive throttle).
    virtual int effectiveConcurrency(const SessionQueue &queue) const = 0;
    /// The stale cutoff was set or cleared (0): keep it with the session.
    virtual void staleCutoffChanged(SessionQueue *queue, TimeMs cutoff) = 0;
    virtual TimeMs now() const = 0;
};

/// One session's queue policy (SPEC Q1–Q5, Q9): modes, cap and drop, debounce, concurrency and
/// the stale cutoff. Plain C++ on the engine thread; no thread per session (Q11).
///
/// Waiting runs are linked through their records (RunRecord::next), so a queue costs no
/// allocation per run and a live session queue is a few dozen bytes.
class SessionQueue final
{
    Q_DISABLE_COPY_MOVE(SessionQueue)

public:
    enum class Admission { Accepted, Rejected, Stale };

    SessionQueue(SessionId id, SessionQueueHost *host);

    SessionId id() const { return m_id; }
    const QueueConfig &config() const { return m_config; }
    /// Live edit (SPEC Q2); takes effect at the next admission.
    void setConfig(const QueueConfig &config);
    bool isPaused() const { return m_paused; }
    void setPaused(bool paused);
    /// Cancel-all's cutoff, as the session keeps it (restart, eviction); 0 = none.
    TimeMs staleCutoff() const { return m_staleCutoff; }
    void setStaleCutoff(TimeMs cutoff) { m_staleCutoff = cutoff; }

    int queuedCount() const { return m_pendingCount; }
    int activeCount() const { return int(m_active.size()); }
    bool isIdle() const { return m_pendingCount == 0 && m_active.empty(); }
    TimeMs lastActivity() const { return m_lastActivity; }
    /// Changed since the last snapshot (set and cleared by the engine).
    bool isDirty() const { return m_dirty; }
    void setDirty(bool dirty) { m_dirty = dirty; }
    /// Calls fn(const RunRecord *) for each waiting run, in start order (for views).
    template<typename Fn>
    void forEachPending(Fn fn) const;
    const std::vector<RunRecord *> &active() const { return m_active; }

    /// Applies mode, cap and drop policy to a new run. On Rejected, `code` says why and the run
    /// was not taken; on Stale the run was not taken either and must be resolved message_stale.
    Admission admit(RunRecord *run, ErrorCode *code);
    /// Puts a run back (restart recovery, preemption) without mode/cap checks, in queued order.
    void restore(RunRecord *run);
    /// Starts what capacity and the debounce window allow.
    void pump();
    /// The debounce timer fired.
    void debounceFired();
    /// An active run ended (for any reason); frees its place and starts the next.
    void activeFinished(RunRecord *run);
    /// Removes an active run without starting the next (the caller pumps). False if absent.
    bool takeActive(RunRecord *run);
    /// Removes a queued run (operator cancel of one run). False if it is not queued here.
    bool removeQueued(RunRecord *run);

    /// Cancels the oldest active run; the queue is untouched. False if nothing was active.
    bool cancelOne();
    /// Sets the stale cutoff, cancels active runs and resolves queued ones as cancelled.
    int cancelAll();
    /// Cancels active runs (their late results are ignored) and resolves queued ones as
    /// lane_cleared (SPEC Q9 Reset).
    int reset();
    /// Resolves every queued run with `code` (drain / shutdown of a session); active untouched.
    int clearQueued(ErrorCode code, const QString &why);

private:
    void startAvailable();
    bool isStale(const RunRecord *run) const;
    void pushBack(RunRecord *run);
    RunRecord *popFront();
    /// Unlinks every waiting run and returns the first (the rest follow through next).
    RunRecord *takeAllPending();

    SessionId m_id;
    SessionQueueHost *m_host; ///< Not owning.
    QueueConfig m_config;
    RunRecord *m_head = nullptr; ///< Not owning: waiting runs, linked through RunRecord::next
    RunRecord *m_tail = nullptr;
    int m_pendingCount = 0;
    std::vector<RunRecord *> m_active; ///< oldest first
    TimeMs m_staleCutoff = 0;          ///< 0 = none
    TimeMs m_lastEnqueue = 0;
    TimeMs m_lastActivity = 0;
    bool m_paused = false;
    bool m_debounceArmed = false;
    bool m_dirty = false;
};

template<typename Fn>
void SessionQueue::forEachPending(Fn fn) const
{
    for (const RunRecord *r = m_head; r; r = r->next)
        fn(r);
}

} // namespace Yard
