// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clock.h"
#include "runresolver.h"

#include "model/job.h"

#include <QHash>

#include <functional>
#include <map>

namespace Yard {

class ActiveRuns;
class AdmissionPump;
class Intake;
class RunTable;
class SessionManager;
class SessionQueues;
class Store;
class TaskBoard;
class TurnClock;
class TurnEvents;
class TurnTimers;
struct RunRecord;

/// Jobs (SPEC J1-J7): recurring and one-off work an operator defines. Fires on the engine's
/// clock (TurnTimers), each fire a run in the job's lane (or its session, or a task for the
/// cycle when it requires capabilities). The durable cursor (next fire) is written in the same
/// commit as the fire's run, so a restart never fires twice; fires missed while the process was
/// down are caught up once or skipped, per job. Failed runs are retried with the job's backoff
/// (retry_wait, run.retry_scheduled), every attempt recorded; a run past its timeout is cancelled
/// and its attempt ends `timeout`. after_job jobs fire after a successful run of their trigger.
class JobBook final : public RunResolver::JobRunObserver
{
    Q_DISABLE_COPY_MOVE(JobBook)

public:
    struct Parts
    {
        const TurnClock *time;
        TurnTimers *timers;
        Store *store;
        Intake *intake;
        RunTable *runs;
        RunResolver *resolver;
        TurnEvents *events;
        SessionManager *sessions;
        SessionQueues *queues;
        AdmissionPump *pump;
        ActiveRuns *active;
        TaskBoard *board;
        /// Puts a run whose retry is due back where it waits (its lane, session or the board).
        std::function<void(RunRecord *)> place;
    };
    explicit JobBook(const Parts &parts); ///< Not owning any of them.
    ~JobBook() override;

    /// The stored jobs, at start.
    void restore(const QVector<Job> &jobs, JobId maxId);
    /// Misfires after downtime (SPEC J7), then the timers.
    void start();
    /// No more fires (shutdown).
    void stop();

    Expected<Job> create(const JobSpec &spec);
    Error update(JobId id, const JobSpec &spec);
    Error setEnabled(JobId id, bool enabled);
    /// Fires now, whatever the schedule (its cursor does not move). Returns the run.
    Expected<RunId> runNow(JobId id);
    /// Deletes the job; its runs waiting for a retry are cancelled (nothing it scheduled fires
    /// after this: the seed's cancel left a run in the heap).
    Error remove(JobId id);

    QVector<Job> jobs() const;
    const Job *job(JobId id) const;
    int count() const { return int(m_jobs.size()); }
    /// Changes with every change of a job (snapshots send the jobs again when it moved).
    quint64 version() const { return m_version; }

    /// A job's run failed (`retryable` as the handler said): true if it waits for another
    /// attempt (retry_wait), false if the failure is final.
    bool retry(RunRecord *run, ErrorCode code, const QString &text, bool retryable);
    /// At start: a job's run was waiting for its next attempt when the previous process
    /// stopped (its attempt failed at `failedAt`). Its backoff is computed again (the jitter is
    /// a function of run and attempt) and the next attempt starts when it ends, at once if that
    /// time has passed. False when its job is gone: the caller queues it.
    bool resumeRetry(RunRecord *run, TimeMs failedAt);
    /// A job's run whose timeout expired came back from its worker: its attempt ends `timeout`.
    void timedOutRunReturned(RunRecord *run);

    // RunResolver::JobRunObserver
    void jobRunStarted(RunRecord *run) override;
    void jobRunFinished(RunRecord *run, RunState outcome, ErrorCode code, const QString &text) override;

private:
    struct Live
    {
        Job job;
        Clock::TimerId timer = 0;
    };
    /// The fire after `now` by the schedule; 0 = none.
    TimeMs nextAfter(const Job &job, TimeMs now) const;
    void arm(Live &live);
    void fire(Live &live, bool manual);
    Expected<RunId> submit(const Job &job);
    void save(const Job &job);
    void recordAttempt(const RunRecord *run, const QString &outcome, ErrorCode code, const QString &error);
    void retryDue(RunId run, int attempt);
    void timeoutDue(RunId run, int attempt);
    /// Takes the run off its worker's slot and its session's active list while it waits.
    void releaseForRetry(RunRecord *run);

    Parts m_p;
    std::map<JobId, Live> m_jobs;
    JobId m_nextId = 1;
    bool m_started = false;
    bool m_stopped = false;
    quint64 m_version = 1;
    QHash<RunId, Clock::TimerId> m_retryTimers;
    QHash<RunId, Clock::TimerId> m_timeoutTimers;
};

} // namespace Yard
