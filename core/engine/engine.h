// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clock.h"
#include "enginestatus.h"
#include "laneset.h"
#include "sessionmanager.h"
#include "sessionqueue.h"
#include "statscollector.h"

#include "exec/inbox.h"
#include "exec/runrequest.h"
#include "model/event.h"
#include "model/run.h"

#include <QObject>
#include <QSet>

#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

namespace Yard {

class Executor;
class HandlerRegistry;
class RunTicket;
class Store;
struct RunRecord;

/// Token estimate of a session against its agent's context window (SPEC Q6).
struct TokenEstimate
{
    qint64 tokens = 0;
    qint64 contextWindow = 0;
    double ratio() const { return contextWindow > 0 ? double(tokens) / double(contextWindow) : 0; }
};
using TokenEstimator = std::function<TokenEstimate(const Session &session)>;

struct EngineOptions
{
    QueueConfig defaultQueue;
    /// Handler for session messages when the request names none.
    QString messageHandler = QStringLiteral("simulate");
    /// Idle session queues leave memory after this long (SPEC Q11).
    int idleEvictMs = 30'000;
    /// Context window (tokens) per agent name, and for agents not listed.
    QHash<QString, qint64> contextWindows;
    qint64 defaultContextWindow = 200'000;
    /// Throttle threshold (SPEC Q6): concurrency drops to 1 at or above this ratio.
    double throttleRatio = 0.6;
    int drainTimeoutMs = 60'000;
    /// Lane limits from the config file (SPEC L1); environment and operator changes win.
    QHash<QString, int> laneLimits;
    int sessionCacheCapacity = 100;
};

/// A message to a session (SPEC S1, Q1).
struct MessageRequest
{
    SessionId sessionId = 0; ///< either this…
    QString sessionKey;      ///< …or this; an unknown key creates the session
    QString role = QStringLiteral("user");
    QString content;
    QByteArray metadataJson;
    QString handler; ///< empty = EngineOptions::messageHandler
    QString lane;    ///< empty = the session's lane
    Priority priority = Priority::Normal;
    QByteArray payloadJson;
    TimeMs submittedAt = 0; ///< when the sender sent it (stale detection); 0 = now
};

/// A run without a transcript message: bound to a session's queue, or free (sessionId 0).
struct RunSubmission
{
    SessionId sessionId = 0;
    QString handler;
    QString input;
    QByteArray payloadJson;
    QString lane;
    Priority priority = Priority::Normal;
    TimeMs submittedAt = 0;
};

struct SubmitReceipt
{
    RunId runId = 0;
    SessionId sessionId = 0;
    MessageId messageId = 0;
};

/// The scheduler core (SPEC S, Q, L, D1). Owns all scheduling state and is its only writer: every
/// method runs on the engine's thread. Work is admitted here and executed by an Executor;
/// handlers report back through the Inbox. Every accepted run gets exactly one outcome (Q12).
///
/// Each public call is one "turn": at its end the engine admits what can start, hands the
/// store its mutations and emits the turn's events as one batch.
class Engine final : public QObject, private SessionQueueHost
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Engine)

public:
    Engine(Clock *clock, Store *store, Executor *executor, HandlerRegistry *handlers,
           EngineOptions options = {}, QObject *parent = nullptr);
    ~Engine() override;

    /// Loads durable state and resumes queued work. stopped after shutdown().
    Error start();
    bool isStarted() const { return m_started; }

    // Sessions -------------------------------------------------------------------------------
    Expected<Session> createSession(const SessionSpec &spec);
    SessionManager &sessions() { return m_sessions; }
    Error closeSession(SessionId id);
    Error setSessionQueueConfig(SessionId id, const QueueConfigOverride &override);
    Error setSessionPaused(SessionId id, bool paused);
    void setDefaultQueueConfig(const QueueConfig &config);
    const QueueConfig &defaultQueueConfig() const { return m_options.defaultQueue; }
    /// Effective queue config of a session (defaults + overrides).
    QueueConfig queueConfig(SessionId id) const;

    // Work -----------------------------------------------------------------------------------
    Expected<SubmitReceipt> submitMessage(const MessageRequest &request);
    Expected<RunId> submitRun(const RunSubmission &submission);

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
    /// Records an operator action in the audit log (SPEC E2) and reports it as an event.
    void audit(const QString &actor, const QString &action, const QString &target,
               const QString &reason, const QString &details = {});
    void pause(const QString &reason, const QString &actor);
    void resume(const QString &actor);
    /// Pauses, rejects new work with `draining`, and reports scheduler.drained when nothing
    /// runs (or the timeout passed). Resume ends it.
    void drain(int timeoutMs = -1, const QString &actor = {});
    Error setLaneLimit(const QString &name, int limit);
    Error setLanePaused(const QString &name, bool paused);
    void setPreExecuteHook(PreExecuteHook hook) { m_hook = std::move(hook); }
    void setTokenEstimator(TokenEstimator estimator);
    /// Context window (tokens) of an agent, live (SPEC Q6).
    void setContextWindow(const QString &agent, qint64 tokens);
    /// Graceful shutdown (SPEC Q12): stops admitting, lets in-flight runs finish until the
    /// deadline, then cancels them and records them as queued so they resume on the next start.
    /// `done` is called once everything is durable.
    void shutdown(int deadlineMs, std::function<void()> done = {});
    bool isStopping() const { return m_stopping; }

    // State ----------------------------------------------------------------------------------
    const PauseState &pauseState() const { return m_pause; }
    bool isDraining() const { return m_draining; }
    const EngineCounters &counters() const { return m_counters; }
    QVector<LaneStats> laneStats() const;
    std::optional<LaneStats> laneStats(const QString &name) const;
    std::optional<SessionStatus> sessionStatus(SessionId id) const;
    std::optional<SessionDetail> sessionDetail(SessionId id) const;
    /// A run the engine still holds (not yet resolved), or nullopt.
    std::optional<Run> liveRun(RunId id) const;
    int runningCount() const;
    int queuedCount() const;
    int liveQueueCount() const { return int(m_live.size()); }
    Clock *clock() const { return m_clock; }

    /// Snapshot for views; `full` lists every session, otherwise only changed ones.
    EngineSnapshot snapshot(bool full);

    /// Runs `fn` as one turn: its admissions, store writes and events are flushed together.
    void batch(const std::function<void()> &fn);

    /// Handles worker reports now. Normally driven by the inbox event.
    void processInbox();
    /// Tests: processes reports and fires due timers until nothing is left to do right now.
    void settle();

Q_SIGNALS:
    /// One batch per turn (SPEC E1). Emitted on the engine thread.
    void eventsReady(const Yard::EventBatch &events);

protected:
    bool event(QEvent *event) override;

private:
    class Turn;
    struct LiveSession
    {
        std::unique_ptr<SessionQueue> queue;
        Clock::TimerId debounceTimer = 0;
    };

    // SessionQueueHost
    void resolveQueued(RunRecord *run, ErrorCode code, const QString &why) override;
    void cancelActive(RunRecord *run, ErrorCode code, const QString &why) override;
    void merge(RunRecord *carrier, RunRecord *merged) override;
    void admitToLane(RunRecord *run) override;
    void armDebounce(SessionQueue *queue, TimeMs at) override;
    int effectiveConcurrency(const SessionQueue &queue) const override;
    /// Time of the current turn (one clock read per turn or inbox batch); the clock otherwise.
    TimeMs now() const override { return m_turnDepth > 0 ? m_turnNow : m_clock->now(); }

    void endTurn();
    bool drainInbox();
    void pumpLanes();
    void pumpLane(int index);
    void startRun(RunRecord *rec);
    void dispatchStep(RunRecord *rec);
    void flushDispatch();
    void onFinished(RunTicket *ticket);
    void onReport(InboxItem &item);
    void finishRun(RunRecord *rec, RunState state, ErrorCode code, const QString &text);
    void requeueAfterYield(RunRecord *rec);
    void resolve(RunRecord *rec, RunState state, ErrorCode code, const QString &text);
    void releaseSlot(RunRecord *rec);
    void recycle(RunTicket *ticket);
    void destroy(RunRecord *rec);
    void persist(const RunRecord *rec);
    void emitEvent(EventType type, const RunRecord *rec, ErrorCode code = ErrorCode::None,
                   const QString &text = {}, qint64 value = 0);
    void emitEvent(Event &&event);
    RunRecord *findRun(RunId id) const;
    RunRecord *newRecord(SessionId session, const QString &handler, const QString &input,
                         const QString &lane, Priority priority, TimeMs queuedAt,
                         const QByteArray &payload);
    Expected<SessionQueue *> queueFor(SessionId id);
    SessionQueue *liveQueue(SessionId id) const;
    Expected<RunId> enqueueSessionRun(RunRecord *rec, SessionQueue *queue,
                                      const MessageRequest *message = nullptr, MessageId *messageId = nullptr);
    Error reject(ErrorCode code, SessionId session, const QString &why);
    Error checkAccepting(SessionId session);
    Error changeSession(SessionId id, EventType type, const std::function<void(Session &)> &change,
                        const std::function<QString()> &describe = {});
    Event newEvent(EventType type) const;
    void markSessionDirty(SessionId id);
    void markSessionDirty(SessionQueue *queue);
    SessionStatus statusOf(const Session &session, const SessionQueue *queue) const;
    void evictIdleQueues();
    void persistPause();
    void checkDrain();
    void checkShutdown();
    void interruptForShutdown(RunRecord *rec);
    void markAllLanesDirty();
    void statsTick();
    void admitRestored(RunRecord *rec);

    Clock *m_clock;
    Store *m_store;
    Executor *m_executor;
    HandlerRegistry *m_handlers;
    EngineOptions m_options;
    SessionManager m_sessions;
    LaneSet m_lanes;
    Inbox m_inbox;
    PreExecuteHook m_hook;
    TokenEstimator m_estimator;

    std::unordered_map<RunId, RunRecord *> m_runs;
    std::unordered_map<SessionId, LiveSession> m_live;
    std::vector<RunTicket *> m_freeTickets;
    std::vector<RunTicket *> m_allTickets;
    std::vector<InboxItem> m_inboxScratch;
    std::vector<RunTicket *> m_toDispatch;
    std::vector<int> m_dirtyLanes;
    std::vector<bool> m_laneDirtyFlags;
    QSet<SessionId> m_dirtySessions;   ///< changed sessions without a live queue
    std::vector<SessionId> m_dirtyQueues; ///< live queues flagged dirty
    QVector<SessionId> m_removedSessions;
    EventBatch m_events;
    StatsCollector m_stats;
    StatsSeries m_newSamples;
    Clock::TimerId m_statsTimer = 0;
    TimeMs m_minuteStart = 0;

    RunId m_lastRunId = 0;
    PauseState m_pause;
    EngineCounters m_counters;
    int m_turnDepth = 0;
    TimeMs m_turnNow = 0;
    int m_executing = 0; ///< tickets handed to the executor and not yet reported back
    int m_zombies = 0;
    int m_parkedAtShutdown = 0;
    Clock::TimerId m_idleTimer = 0;
    Clock::TimerId m_drainTimer = 0;
    Clock::TimerId m_shutdownTimer = 0;
    std::function<void()> m_shutdownDone;
    bool m_started = false;
    bool m_stopping = false;
    bool m_stopped = false;
    bool m_draining = false;
    bool m_drainReported = false;
    bool m_persistRuns = false;
    bool m_recordEvents = true;
};

} // namespace Yard
