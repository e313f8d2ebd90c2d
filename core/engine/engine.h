// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clock.h"
#include "engineoptions.h"
#include "enginestatus.h"
#include "lane.h"
#include "sessionmanager.h"
#include "submission.h"

#include "exec/runrequest.h"
#include "model/event.h"
#include "model/job.h"
#include "model/run.h"
#include "store/runquery.h"

#include <QObject>

#include <functional>
#include <memory>
#include <optional>

namespace Yard {

class EngineParts;
class EventSink;
class Executor;
class HandlerRegistry;
class Store;

/// The scheduler core (SPEC S, Q, L, D1): a thin front over the parts that hold the scheduling
/// state (see docs/architecture.md). It owns the turn and is the only way in: every method runs
/// on the engine's thread and is one turn. At the end of a turn the engine admits what can
/// start, commits the store's writes and hands the turn's events on as one batch. Work is
/// executed by an Executor; handlers report back through the engine's inbox. Every accepted run
/// gets exactly one outcome (Q12).
class Engine final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Engine)

public:
    Engine(Clock *clock, Store *store, Executor *executor, HandlerRegistry *handlers,
           EngineOptions options = {}, QObject *parent = nullptr);
    ~Engine() override;

    /// Loads durable state and resumes queued work. stopped after shutdown().
    Error start();
    bool isStarted() const;

    // Sessions -------------------------------------------------------------------------------
    Expected<Session> createSession(const SessionSpec &spec);
    SessionManager &sessions();
    Error closeSession(SessionId id);
    Error setSessionQueueConfig(SessionId id, const QueueConfigOverride &override);
    Error setSessionPaused(SessionId id, bool paused);
    void setDefaultQueueConfig(const QueueConfig &config);
    const QueueConfig &defaultQueueConfig() const;
    /// Effective queue config of a session (defaults + overrides).
    QueueConfig queueConfig(SessionId id) const;

    // Work -----------------------------------------------------------------------------------
    Expected<SubmitReceipt> submitMessage(const MessageRequest &request);
    Expected<RunId> submitRun(const RunSubmission &submission);
    /// A task (SPEC D3): bound to no session, it waits until a capable session claims it.
    Expected<RunId> submitTask(const TaskSubmission &submission);
    /// The claim API (SPEC D3): `session` takes task `run`, or with 0 the first one it may take
    /// in wake order. invalid_request names why it may not.
    Expected<RunId> claimTask(SessionId session, RunId run = 0);

    // Control --------------------------------------------------------------------------------
    Expected<bool> cancelOne(SessionId id);
    Expected<int> cancelAll(SessionId id);
    Expected<int> reset(SessionId id);
    Error cancelRun(RunId id, const QString &reason = {});
    /// Runs a finished run (failed, cancelled, completed) again as a new run in the same session
    /// and lane; the new run points back with retryOf. Returns the new run's id.
    Expected<RunId> retryRun(RunId id);
    /// Puts a needs_attention run back in the queue (SPEC D8).
    Error requeueRun(RunId id);
    /// SPEC D8 on needs_attention runs: the listed ones, or with an empty list everything
    /// `filter` matches (bulk on the filter, never only a page). One audit entry names the
    /// actor, the action, the count and the note.
    AttentionOutcome resolveAttention(AttentionAction action, const QVector<RunId> &runs,
                                      const NeedsAttentionFilter &filter, const QString &actor,
                                      const QString &note);
    /// Sets a session's state (active or idle; SPEC S1) and prompting flag, as its agent
    /// reports them. Idle or prompting sessions are not woken for tasks.
    Error setSessionActivity(SessionId id, SessionState state, bool prompting);
    /// Calls `fn` (on the engine thread) once everything accepted so far is on disk: what the
    /// local API waits for before it acknowledges a submission. Immediate for in-memory stores.
    void whenDurable(std::function<void()> fn);
    /// Writes fail: the scheduler is paused and new work is refused with store_failed (SPEC R5).
    bool isStoreFailing() const;
    /// Records an operator action in the audit log (SPEC E2) and reports it as an event.
    void audit(const QString &actor, const QString &action, const QString &target,
               const QString &reason, const QString &details = {});
    void pause(const QString &reason, const QString &actor);
    void resume(const QString &actor);
    /// Pauses, rejects new work with `draining`, and reports scheduler.drained when nothing
    /// runs (or the timeout passed). Resume ends it.
    void drain(int timeoutMs = -1, const QString &actor = {});
    // The mechanical cycle (SPEC D4) ------------------------------------------------------------
    /// Runs a cycle now; stopped after shutdown.
    Expected<CycleResult> runCycleNow();
    /// Live; the next cycle is one interval after the last. <= 0: only on demand.
    void setCycleInterval(qint64 ms);
    qint64 cycleInterval() const;
    const CycleStats &cycleStats() const;
    /// The most recent results, newest last (at most `max`).
    QVector<CycleResult> cycleHistory(int max = 500) const;
    /// Agent templates the starvation ladder spawns workers from (SPEC D6).
    void setAgentTemplates(const QVector<AgentTemplate> &templates);
    const QVector<AgentTemplate> &agentTemplates() const;
    /// A page of needs_attention runs straight from the store (SPEC U5), for consoles without a
    /// StoreReader (the in-memory store). Consoles on a database file read it on their own thread.
    AttentionPage needsAttentionPage(const NeedsAttentionFilter &filter, RunId before, int limit);
    /// needs_attention runs no operator has requeued, cancelled or acknowledged yet.
    int needsAttentionOpen() const;
    /// Tasks waiting for a claim, and claimed or running.
    int waitingTasks() const;
    int claimedTasks() const;

    // Jobs (SPEC J1-J7) ---------------------------------------------------------------------------
    /// A new job; it fires by its schedule (immediate and past once jobs at once).
    Expected<Job> createJob(const JobSpec &spec);
    /// Replaces a job's definition; a new schedule starts from now.
    Error updateJob(JobId id, const JobSpec &spec);
    /// A disabled job keeps its definition and history and does not fire; enabling it does not
    /// catch up what it missed meanwhile.
    Error setJobEnabled(JobId id, bool enabled);
    /// Fires the job now, whatever its schedule; returns its run.
    Expected<RunId> runJobNow(JobId id);
    /// Deletes the job; its runs waiting for a retry are cancelled.
    Error deleteJob(JobId id);
    QVector<Job> jobs() const;
    std::optional<Job> job(JobId id) const;

    /// Sets a lane's limit, live (SPEC L1); a new name creates the lane.
    Error setLaneLimit(const QString &name, int limit);
    Error setLanePaused(const QString &name, bool paused);
    /// How long an interrupted run of this lane has to yield before it is left to finish
    /// (SPEC P2); 0 = the default (EngineOptions::preemptGraceMs). Stored with the lane.
    Error setLanePreemptGrace(const QString &name, int ms);
    void setPreExecuteHook(PreExecuteHook hook);
    void setTokenEstimator(TokenEstimator estimator);
    /// Context window (tokens) of an agent, live (SPEC Q6).
    void setContextWindow(const QString &agent, qint64 tokens);
    /// Graceful shutdown (SPEC Q12): stops admitting, lets in-flight runs finish until the
    /// deadline, then cancels them and records them as queued so they resume on the next start.
    /// `done` is called once everything is durable.
    void shutdown(int deadlineMs, std::function<void()> done = {});
    bool isStopping() const;
    /// After shutdown: an error naming how many accepted runs could not be written, if writes
    /// still failed (the program should exit non-zero).
    Error shutdownResult() const;

    // State ----------------------------------------------------------------------------------
    const PauseState &pauseState() const;
    bool isDraining() const;
    const EngineCounters &counters() const;
    QVector<LaneStats> laneStats() const;
    std::optional<LaneStats> laneStats(const QString &name) const;
    std::optional<SessionStatus> sessionStatus(SessionId id) const;
    std::optional<SessionDetail> sessionDetail(SessionId id) const;
    /// A run the engine still holds (not yet resolved), or nullopt.
    std::optional<Run> liveRun(RunId id) const;
    int runningCount() const;
    int queuedCount() const;
    /// Runs the engine holds, in any state before their outcome (queued, claimed, running,
    /// waiting for a retry): 0 means nothing is left to finish.
    int liveRunCount() const;
    int liveQueueCount() const;
    Clock *clock() const;

    /// Snapshot for views; `full` lists every session, otherwise only changed ones.
    EngineSnapshot snapshot(bool full);

    /// Runs `fn` as one turn: its admissions, store writes and events are flushed together.
    void batch(const std::function<void()> &fn);

    /// Handles worker reports now. Normally driven by the inbox event.
    void processInbox();
    /// Worker reports wait to be handled.
    bool hasPendingReports() const;

    /// Events are written straight into `sink` (and no longer copied per turn), for the
    /// Scheduler's coalescing; nullptr detaches it. eventsReady still fires when connected.
    void setEventSink(EventSink *sink);

Q_SIGNALS:
    /// One batch per turn (SPEC E1). Emitted on the engine thread.
    void eventsReady(const Yard::EventBatch &events);

protected:
    bool event(QEvent *event) override;

private:
    class Turn;

    std::unique_ptr<EngineParts> d;
};

} // namespace Yard
