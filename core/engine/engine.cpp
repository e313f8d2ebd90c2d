// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine.h"

#include "runrecord.h"

#include "exec/executor.h"
#include "exec/handlerregistry.h"
#include "exec/runticket.h"
#include "logging.h"
#include "store/store.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaMethod>

using namespace Qt::StringLiterals;

namespace Yard {

namespace {

const QString kPauseKey = u"scheduler.pause"_s;
const QString kQueueDefaultsKey = u"queue.defaults"_s;

EventType eventForResolution(RunState state, ErrorCode code)
{
    switch (state) {
    case RunState::Completed:
        return EventType::RunCompleted;
    case RunState::Failed:
        return EventType::RunFailed;
    case RunState::Merged:
        return EventType::RunMerged;
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

} // namespace

/// Brackets one engine turn; the outermost one flushes admission, store and events.
class Engine::Turn
{
public:
    explicit Turn(Engine *engine)
        : m_engine(engine)
    {
        if (m_engine->m_turnDepth++ == 0) {
            m_timer.start();
            m_engine->m_turnNow = m_engine->m_clock->now();
            static const QMetaMethod signal = QMetaMethod::fromSignal(&Engine::eventsReady);
            m_engine->m_recordEvents = m_engine->isSignalConnected(signal);
        }
    }
    ~Turn()
    {
        if (--m_engine->m_turnDepth == 0) {
            m_engine->endTurn();
            EngineCounters &c = m_engine->m_counters;
            ++c.turns;
            c.longestTurnNs = qMax(c.longestTurnNs, m_timer.nsecsElapsed());
        }
    }

private:
    Engine *m_engine;
    QElapsedTimer m_timer;
};

Engine::Engine(Clock *clock, Store *store, Executor *executor, HandlerRegistry *handlers,
               EngineOptions options, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
    , m_store(store)
    , m_executor(executor)
    , m_handlers(handlers)
    , m_options(std::move(options))
    , m_sessions(store, clock, m_options.sessionCacheCapacity)
    , m_inbox(this)
    , m_persistRuns(store->persistsRuns())
{
    qRegisterMetaType<Yard::EventBatch>();
    qRegisterMetaType<Yard::EngineSnapshot>();
    // Precedence (SPEC L1): defaults < config file < environment < operator (stored, live).
    for (auto it = m_options.laneLimits.cbegin(); it != m_options.laneLimits.cend(); ++it)
        m_lanes.define(it.key(), it.value());
    m_lanes.applyEnvironment();
    setTokenEstimator({});
}

Engine::~Engine()
{
    // Workers may still hold tickets: never free what they could touch.
    if (!m_executor->waitForDone(5000)) {
        qCWarning(lcEngine) << "handlers still running at engine destruction; leaking their tickets";
        return;
    }
    for (Lane &lane : m_lanes.all()) {
        lane.clearCandidates([](void *owner) {
            auto *rec = static_cast<RunRecord *>(owner);
            if (rec->stage == RunRecord::Stage::Tombstone)
                delete rec; // not in m_runs any more
        });
    }
    for (auto &[id, rec] : m_runs)
        delete rec;
    for (RunTicket *t : m_allTickets)
        delete t;
}

void Engine::setTokenEstimator(TokenEstimator estimator)
{
    if (estimator) {
        m_estimator = std::move(estimator);
        return;
    }
    m_estimator = [this](const Session &s) {
        return TokenEstimate{s.transcriptChars / 4,
                             m_options.contextWindows.value(s.agent, m_options.defaultContextWindow)};
    };
}

void Engine::setContextWindow(const QString &agent, qint64 tokens)
{
    Turn turn(this);
    m_options.contextWindows.insert(agent, qMax<qint64>(1, tokens));
    for (auto &[id, live] : m_live) {
        const Session *s = m_sessions.find(id);
        if (s && s->agent == agent) {
            markSessionDirty(live.queue.get());
            live.queue->pump(); // the throttle may allow more now
        }
    }
}

// Lifecycle -----------------------------------------------------------------------------------

Error Engine::start()
{
    if (m_stopping || m_stopped)
        return Error::make(ErrorCode::Stopped, u"the scheduler was shut down and cannot start again"_s);
    if (m_started)
        return {};
    Turn turn(this);
    Expected<StoredState> loaded = m_store->loadState();
    if (!loaded)
        return loaded.error();
    StoredState &state = loaded.value();

    m_sessions.restore(state.sessions, state.maxSessionId, state.maxMessageId);
    m_lastRunId = qMax(m_lastRunId, state.maxRunId);
    for (const LaneSetting &l : std::as_const(state.lanes)) {
        m_lanes.define(l.name, l.limit);
        const int index = m_lanes.find(l.name);
        if (index >= 0)
            m_lanes.at(index).setPaused(l.paused);
    }
    if (state.settings.contains(kQueueDefaultsKey)) {
        const auto o = QueueConfigOverride::fromJson(
            QJsonDocument::fromJson(state.settings.value(kQueueDefaultsKey).toUtf8()).object());
        if (o)
            m_options.defaultQueue = o->applyTo(m_options.defaultQueue);
    }
    if (state.settings.contains(kPauseKey)) {
        const QJsonObject p = QJsonDocument::fromJson(state.settings.value(kPauseKey).toUtf8()).object();
        m_pause = PauseState{true, p.value(u"reason"_s).toString(), p.value(u"actor"_s).toString(),
                             p.value(u"since"_s).toInteger()};
    }

    int recovered = 0;
    for (Run &run : state.openRuns) {
        const bool wasRunning = run.state == RunState::Running || run.state == RunState::Claimed;
        if (wasRunning) {
            // Its worker died with the previous process: run it again (at least once, SPEC R1).
            ++run.attempt;
            ++recovered;
        }
        run.state = RunState::Queued;
        auto *rec = new RunRecord;
        rec->run = std::move(run);
        rec->laneIndex = m_lanes.resolve(rec->run.lane);
        rec->run.lane = m_lanes.at(rec->laneIndex).name();
        rec->laneId = m_lanes.at(rec->laneIndex).id();
        m_runs.emplace(rec->run.id, rec);
        if (wasRunning) {
            persist(rec);
            emitEvent(EventType::RunRecovered, rec, ErrorCode::Interrupted,
                      u"was running when the previous process stopped"_s, rec->run.attempt);
        }
        if (rec->run.sessionId != 0) {
            Expected<SessionQueue *> q = queueFor(rec->run.sessionId);
            if (!q) {
                resolve(rec, RunState::Failed, ErrorCode::SessionNotFound, q.error().message);
                destroy(rec);
                continue;
            }
            rec->queue = q.value();
            q.value()->restore(rec);
            markSessionDirty(rec->run.sessionId);
        } else {
            admitToLane(rec);
        }
    }
    for (auto &[id, live] : m_live)
        live.queue->pump();
    if (recovered > 0 || !state.openRuns.isEmpty())
        qCInfo(lcEngine) << "resumed" << state.openRuns.size() << "runs from the store,"
                         << recovered << "of them interrupted mid-run";

    m_idleTimer = m_clock->callAfter(qMax(1000, m_options.idleEvictMs / 2), [this] {
        Turn t(this);
        evictIdleQueues();
    });
    // Samples close on whole seconds (and minutes) of the clock.
    const TimeMs t0 = now();
    m_minuteStart = t0 - t0 % 60'000;
    m_statsTimer = m_clock->callAt(t0 - t0 % 1000 + 1000, [this] {
        Turn t(this);
        statsTick();
    });
    m_started = true;
    return {};
}

void Engine::shutdown(int deadlineMs, std::function<void()> done)
{
    Turn turn(this);
    if (m_stopped) {
        if (done)
            done();
        return;
    }
    m_shutdownDone = std::move(done);
    if (m_stopping)
        return;
    m_stopping = true;
    m_clock->cancel(m_idleTimer);
    m_clock->cancel(m_drainTimer);
    m_clock->cancel(m_statsTimer);
    // Runs between steps hold no thread: park them now, with their saved state.
    std::vector<RunRecord *> waiting;
    for (auto &[id, rec] : m_runs) {
        if (rec->stage == RunRecord::Stage::StepWaiting)
            waiting.push_back(rec);
    }
    for (RunRecord *rec : waiting)
        interruptForShutdown(rec);
    m_parkedAtShutdown = int(waiting.size());
    m_shutdownTimer = m_clock->callAfter(qMax(0, deadlineMs), [this] {
        Turn t(this);
        m_shutdownTimer = 0;
        std::vector<RunRecord *> executing;
        for (auto &[id, rec] : m_runs) {
            if (rec->stage == RunRecord::Stage::Executing)
                executing.push_back(rec);
        }
        for (RunRecord *rec : executing)
            interruptForShutdown(rec);
        m_parkedAtShutdown += int(executing.size());
    });
}

void Engine::interruptForShutdown(RunRecord *rec)
{
    // Not an outcome: the run goes back to the durable queue and resumes on the next start.
    rec->run.state = RunState::Queued;
    rec->run.errorCode = ErrorCode::Interrupted;
    rec->run.error = u"interrupted by shutdown; resumes on the next start"_s;
    persist(rec);
    emitEvent(EventType::RunInterrupted, rec, ErrorCode::Interrupted, rec->run.error);
    if (rec->stage == RunRecord::Stage::StepWaiting) {
        m_clock->cancel(rec->stepTimer);
        rec->stepTimer = 0;
        releaseSlot(rec);
        recycle(rec->ticket);
        rec->ticket = nullptr;
        if (rec->queue)
            rec->queue->takeActive(rec);
        destroy(rec);
        return;
    }
    if (rec->queue)
        rec->queue->takeActive(rec);
    rec->ticket->cancelled.store(true, std::memory_order_release);
    rec->stage = RunRecord::Stage::Zombie;
    ++m_zombies;
}

void Engine::checkShutdown()
{
    if (!m_stopping || m_stopped)
        return;
    for (const auto &[id, rec] : m_runs) {
        if (rec->stage == RunRecord::Stage::Executing)
            return;
    }
    m_clock->cancel(m_shutdownTimer);
    m_stopped = true;
    m_store->handOver();
    if (Error e = m_store->flush(); e.isError())
        qCWarning(lcEngine).noquote() << "shutdown: final store flush failed:" << e.toString();
    qCInfo(lcEngine) << "shut down;" << queuedCount() + m_parkedAtShutdown
                     << "unfinished runs stay queued for the next start";
    if (m_shutdownDone) {
        auto done = std::move(m_shutdownDone);
        done();
    }
}

Event Engine::newEvent(EventType type) const
{
    Event e;
    e.type = type;
    e.time = now();
    return e;
}

// Sessions ------------------------------------------------------------------------------------

Expected<Session> Engine::createSession(const SessionSpec &spec)
{
    Turn turn(this);
    Expected<Session> s = m_sessions.create(spec);
    if (s) {
        Event e = newEvent(EventType::SessionCreated);
        e.session = s->id;
        e.text = s->key;
        emitEvent(std::move(e));
        markSessionDirty(s->id);
    }
    return s;
}

Error Engine::closeSession(SessionId id)
{
    Turn turn(this);
    return changeSession(id, EventType::SessionClosed, [&](Session &s) {
        s.state = SessionState::Closed;
        if (SessionQueue *q = liveQueue(id))
            q->clearQueued(ErrorCode::SessionClosed, u"session closed"_s);
    });
}

QueueConfig Engine::queueConfig(SessionId id) const
{
    const Session *s = m_sessions.find(id);
    return s ? s->queueOverride.applyTo(m_options.defaultQueue) : m_options.defaultQueue;
}

Error Engine::changeSession(SessionId id, EventType type, const std::function<void(Session &)> &change,
                            const std::function<QString()> &describe)
{
    const Session *found = m_sessions.find(id);
    if (!found)
        return Error::make(ErrorCode::SessionNotFound, u"session %1 does not exist"_s.arg(id));
    Session s = *found;
    change(s);
    if (Error e = m_sessions.update(s); e.isError())
        return e;
    Event e = newEvent(type);
    e.session = id;
    if (describe)
        e.text = describe();
    emitEvent(std::move(e));
    markSessionDirty(id);
    return {};
}

Error Engine::setSessionQueueConfig(SessionId id, const QueueConfigOverride &override)
{
    Turn turn(this);
    return changeSession(id, EventType::QueueConfigChanged, [&](Session &s) {
        s.queueOverride = override;
        if (SessionQueue *q = liveQueue(id))
            q->setConfig(override.applyTo(m_options.defaultQueue));
    }, [&] { return QString::fromUtf8(QJsonDocument(queueConfig(id).toJson()).toJson(QJsonDocument::Compact)); });
}

Error Engine::setSessionPaused(SessionId id, bool paused)
{
    Turn turn(this);
    return changeSession(id, EventType::SessionUpdated, [&](Session &s) {
        s.paused = paused;
        if (SessionQueue *q = liveQueue(id))
            q->setPaused(paused);
    }, [paused] { return paused ? u"paused"_s : u"resumed"_s; });
}

void Engine::setDefaultQueueConfig(const QueueConfig &config)
{
    Turn turn(this);
    m_options.defaultQueue = config;
    m_store->append(SettingSet{kQueueDefaultsKey, QString::fromUtf8(QJsonDocument(config.toJson()).toJson(
                                                      QJsonDocument::Compact))});
    for (auto &[id, live] : m_live) {
        const Session *s = m_sessions.find(id);
        live.queue->setConfig(s ? s->queueOverride.applyTo(config) : config);
        markSessionDirty(id);
    }
}

SessionQueue *Engine::liveQueue(SessionId id) const
{
    auto it = m_live.find(id);
    return it == m_live.end() ? nullptr : it->second.queue.get();
}

Expected<SessionQueue *> Engine::queueFor(SessionId id)
{
    if (SessionQueue *q = liveQueue(id))
        return q;
    const Session *s = m_sessions.find(id);
    if (!s) {
        // Not in the index: ask the store (it may have been created by another process).
        Expected<CachedSession *> c = m_sessions.get(id);
        if (!c)
            return c.error();
        s = m_sessions.find(id);
        if (!s)
            return Error::make(ErrorCode::SessionNotFound, u"session %1 does not exist"_s.arg(id));
    }
    auto queue = std::make_unique<SessionQueue>(id, static_cast<SessionQueueHost *>(this));
    SessionQueue *raw = queue.get();
    raw->setConfig(s->queueOverride.applyTo(m_options.defaultQueue));
    raw->setPaused(s->paused);
    m_live.emplace(id, LiveSession{std::move(queue), 0});
    return raw;
}

void Engine::evictIdleQueues()
{
    const TimeMs t = now();
    std::vector<SessionId> victims;
    for (const auto &[id, live] : m_live) {
        if (live.queue->isIdle() && live.debounceTimer == 0
            && t - live.queue->lastActivity() >= m_options.idleEvictMs)
            victims.push_back(id);
    }
    for (SessionId id : victims) {
        m_live.erase(id);
        Event e;
        e.type = EventType::SessionEvicted;
        e.time = t;
        e.session = id;
        emitEvent(std::move(e));
    }
    const int sweepEvery = qMax(1000, m_options.idleEvictMs / 2);
    if (!m_stopping)
        m_idleTimer = m_clock->callAfter(sweepEvery, [this] {
            Turn turn(this);
            evictIdleQueues();
        });
}

// Work ----------------------------------------------------------------------------------------

RunRecord *Engine::newRecord(SessionId session, const QString &handler, const QString &input,
                             const QString &lane, Priority priority, TimeMs queuedAt,
                             const QByteArray &payload)
{
    auto *rec = new RunRecord;
    Run &r = rec->run;
    r.id = ++m_lastRunId;
    r.sessionId = session;
    r.handler = handler;
    r.input = input;
    r.payloadJson = payload;
    rec->laneIndex = m_lanes.resolve(lane);
    r.lane = m_lanes.at(rec->laneIndex).name();
    rec->laneId = m_lanes.at(rec->laneIndex).id();
    r.priority = priority;
    r.state = RunState::Queued;
    r.createdAt = r.updatedAt = now();
    r.queuedAt = queuedAt > 0 ? queuedAt : r.createdAt;
    return rec;
}

Expected<SubmitReceipt> Engine::submitMessage(const MessageRequest &request)
{
    Turn turn(this);
    if (Error e = checkAccepting(request.sessionId); e.isError())
        return e;

    SessionId sid = request.sessionId;
    if (sid == 0) {
        const QString key = request.sessionKey.trimmed();
        if (key.isEmpty())
            return Error::make(ErrorCode::InvalidRequest, u"a message needs a session id or key"_s);
        if (const Session *s = m_sessions.findByKey(key)) {
            sid = s->id;
        } else {
            SessionSpec spec;
            spec.key = key;
            Expected<Session> created = createSession(spec);
            if (!created)
                return created.error();
            sid = created->id;
        }
    }
    const Session *session = m_sessions.find(sid);
    if (!session)
        return Error::make(ErrorCode::SessionNotFound, u"session %1 does not exist"_s.arg(sid));
    if (session->state == SessionState::Closed)
        return reject(ErrorCode::SessionClosed, sid, u"session \"%1\" is closed"_s.arg(session->key));

    Expected<SessionQueue *> queue = queueFor(sid);
    if (!queue)
        return queue.error();
    const QString handler = request.handler.isEmpty() ? m_options.messageHandler : request.handler;
    RunRecord *rec = newRecord(sid, handler, request.content,
                               request.lane.isEmpty() ? session->lane : request.lane,
                               request.priority, request.submittedAt, request.payloadJson);
    MessageId messageId = 0;
    Expected<RunId> run = enqueueSessionRun(rec, queue.value(), &request, &messageId);
    if (!run)
        return run.error();
    return SubmitReceipt{run.value(), sid, messageId};
}

Expected<RunId> Engine::submitRun(const RunSubmission &submission)
{
    Turn turn(this);
    if (Error e = checkAccepting(submission.sessionId); e.isError())
        return e;
    if (submission.handler.isEmpty())
        return Error::make(ErrorCode::InvalidRequest, u"a run needs a handler type"_s);

    if (submission.sessionId == 0) {
        RunRecord *rec = newRecord(0, submission.handler, submission.input, submission.lane,
                                   submission.priority, submission.submittedAt, submission.payloadJson);
        m_runs.emplace(rec->run.id, rec);
        ++m_counters.accepted;
        persist(rec);
        emitEvent(EventType::RunQueued, rec);
        admitToLane(rec);
        return rec->run.id;
    }
    const Session *session = m_sessions.find(submission.sessionId);
    if (!session)
        return Error::make(ErrorCode::SessionNotFound,
                           u"session %1 does not exist"_s.arg(submission.sessionId));
    if (session->state == SessionState::Closed)
        return Error::make(ErrorCode::SessionClosed, u"session \"%1\" is closed"_s.arg(session->key));
    Expected<SessionQueue *> queue = queueFor(submission.sessionId);
    if (!queue)
        return queue.error();
    RunRecord *rec = newRecord(submission.sessionId, submission.handler, submission.input,
                               submission.lane.isEmpty() ? session->lane : submission.lane,
                               submission.priority, submission.submittedAt, submission.payloadJson);
    return enqueueSessionRun(rec, queue.value());
}

Error Engine::reject(ErrorCode code, SessionId session, const QString &why)
{
    ++m_counters.rejected;
    Event e = newEvent(EventType::RunRejected);
    e.code = code;
    e.session = session;
    e.text = why;
    emitEvent(std::move(e));
    return Error::make(code, why);
}

Error Engine::checkAccepting(SessionId session)
{
    if (m_stopping)
        return reject(ErrorCode::Stopped, session, u"the scheduler is shutting down"_s);
    if (m_draining)
        return reject(ErrorCode::Draining, session, u"the scheduler is draining; resume it to accept work"_s);
    return {};
}

Expected<RunId> Engine::enqueueSessionRun(RunRecord *rec, SessionQueue *queue, const MessageRequest *message,
                                          MessageId *messageId)
{
    ErrorCode code = ErrorCode::None;
    const SessionQueue::Admission admission = queue->admit(rec, &code);
    if (admission == SessionQueue::Admission::Rejected) {
        delete rec;
        const Session *session = m_sessions.find(queue->id());
        return reject(code, queue->id(),
                      u"session \"%1\" queue is full (cap %2, drop new)"_s
                          .arg(session ? session->key : QString::number(queue->id()))
                          .arg(queue->config().cap));
    }
    if (message) {
        Expected<Message> stored =
            m_sessions.addMessage(queue->id(), message->role, message->content, message->metadataJson);
        if (stored)
            rec->run.messageId = stored->id;
        if (messageId)
            *messageId = rec->run.messageId;
    }
    rec->queue = queue;
    m_runs.emplace(rec->run.id, rec);
    ++m_counters.accepted;
    persist(rec);
    emitEvent(EventType::RunQueued, rec);
    markSessionDirty(queue);
    const RunId id = rec->run.id;
    if (admission == SessionQueue::Admission::Stale) {
        resolveQueued(rec, ErrorCode::MessageStale, u"enqueued before a cancel-all"_s);
        return Error::make(ErrorCode::MessageStale,
                           u"run %1 was sent before the session's cancel-all"_s.arg(id));
    }
    queue->pump();
    return id;
}

// Control -------------------------------------------------------------------------------------

Expected<bool> Engine::cancelOne(SessionId id)
{
    Turn turn(this);
    if (!m_sessions.find(id))
        return Error::make(ErrorCode::SessionNotFound, u"session %1 does not exist"_s.arg(id));
    SessionQueue *q = liveQueue(id);
    markSessionDirty(id);
    return q ? q->cancelOne() : false;
}

Expected<int> Engine::cancelAll(SessionId id)
{
    Turn turn(this);
    if (!m_sessions.find(id))
        return Error::make(ErrorCode::SessionNotFound, u"session %1 does not exist"_s.arg(id));
    Expected<SessionQueue *> q = queueFor(id); // the cutoff must exist even if nothing is live
    if (!q)
        return q.error();
    markSessionDirty(id);
    return q.value()->cancelAll();
}

Expected<int> Engine::reset(SessionId id)
{
    Turn turn(this);
    if (!m_sessions.find(id))
        return Error::make(ErrorCode::SessionNotFound, u"session %1 does not exist"_s.arg(id));
    Expected<SessionQueue *> q = queueFor(id);
    if (!q)
        return q.error();
    markSessionDirty(id);
    return q.value()->reset();
}

Error Engine::cancelRun(RunId id, const QString &reason)
{
    Turn turn(this);
    RunRecord *rec = findRun(id);
    if (!rec || rec->stage == RunRecord::Stage::Zombie)
        return Error::make(ErrorCode::RunNotFound, u"run %1 is not queued or running"_s.arg(id));
    const QString why = reason.isEmpty() ? u"cancelled by operator"_s : reason;
    if (rec->stage == RunRecord::Stage::SessionQueued) {
        rec->queue->removeQueued(rec);
        markSessionDirty(rec->queue);
        resolveQueued(rec, ErrorCode::RunCancelled, why);
        return {};
    }
    if (SessionQueue *q = rec->queue) {
        // Active in its session: free the session's place, end the run, start the next.
        q->takeActive(rec);
        cancelActive(rec, ErrorCode::RunCancelled, why);
        q->pump();
        return {};
    }
    cancelActive(rec, ErrorCode::RunCancelled, why);
    return {};
}

void Engine::audit(const QString &actor, const QString &action, const QString &target,
                   const QString &reason, const QString &details)
{
    Turn turn(this);
    AuditEntry entry{0, now(), actor, action, target, reason, details};
    m_store->append(AuditInsert{entry});
    Event e;
    e.type = EventType::OperatorAction;
    e.time = entry.time;
    QString text = actor + u": "_s + action;
    if (!target.isEmpty())
        text += u" "_s + target;
    if (!reason.isEmpty())
        text += u" — "_s + reason;
    if (!details.isEmpty())
        text += u" ("_s + details + u")"_s;
    e.text = text;
    emitEvent(std::move(e));
}

Expected<RunId> Engine::retryRun(RunId id)
{
    Turn turn(this);
    if (findRun(id))
        return Error::make(ErrorCode::InvalidTransition,
                           u"run %1 has not finished; cancel it first to retry it"_s.arg(id));
    std::optional<Run> old = m_store->loadRun(id);
    if (!old)
        return Error::make(ErrorCode::RunNotFound, u"run %1 does not exist"_s.arg(id));
    if (!old->isTerminal() || old->state == RunState::Merged)
        return Error::make(ErrorCode::InvalidTransition,
                           u"run %1 is %2; only completed, failed or cancelled runs can be retried"_s
                               .arg(id)
                               .arg(runStateName(old->state)));
    RunSubmission sub;
    sub.sessionId = old->sessionId;
    sub.handler = old->handler;
    sub.input = old->input;
    sub.payloadJson = old->payloadJson;
    sub.lane = old->lane;
    sub.priority = old->priority;
    if (old->sessionId != 0 && !m_sessions.find(old->sessionId))
        sub.sessionId = 0; // its session is gone: run it free
    const RunId before = m_lastRunId;
    Expected<RunId> created = submitRun(sub);
    if (created && created.value() > before) {
        if (RunRecord *rec = findRun(created.value())) {
            rec->run.retryOf = id;
            rec->run.messageId = old->messageId;
            persist(rec);
        }
    }
    return created;
}

Error Engine::requeueRun(RunId id)
{
    Turn turn(this);
    if (findRun(id))
        return Error::make(ErrorCode::InvalidTransition, u"run %1 is already queued or running"_s.arg(id));
    std::optional<Run> run = m_store->loadRun(id);
    if (!run)
        return Error::make(ErrorCode::RunNotFound, u"run %1 does not exist"_s.arg(id));
    if (!canTransition(run->state, RunState::Queued))
        return Error::make(ErrorCode::InvalidTransition,
                           u"run %1 is %2 and cannot be requeued"_s.arg(id).arg(runStateName(run->state)));
    run->state = RunState::Queued;
    run->errorCode = ErrorCode::None;
    run->error.clear();
    run->queuedAt = now();
    auto *rec = new RunRecord;
    rec->run = std::move(*run);
    rec->laneIndex = m_lanes.resolve(rec->run.lane);
    rec->run.lane = m_lanes.at(rec->laneIndex).name();
    rec->laneId = m_lanes.at(rec->laneIndex).id();
    m_runs.emplace(rec->run.id, rec);
    persist(rec);
    emitEvent(EventType::RunRecovered, rec, ErrorCode::None, u"requeued by operator"_s);
    admitRestored(rec);
    return {};
}

void Engine::admitRestored(RunRecord *rec)
{
    if (rec->run.sessionId != 0) {
        Expected<SessionQueue *> q = queueFor(rec->run.sessionId);
        if (q) {
            rec->queue = q.value();
            q.value()->restore(rec);
            markSessionDirty(q.value());
            q.value()->pump();
            return;
        }
        rec->run.sessionId = 0;
    }
    admitToLane(rec);
}

std::optional<SessionDetail> Engine::sessionDetail(SessionId id) const
{
    const Session *s = m_sessions.find(id);
    if (!s)
        return std::nullopt;
    SessionDetail d;
    d.session = *s;
    d.config = s->queueOverride.applyTo(m_options.defaultQueue);
    d.tokenRatio = m_estimator(*s).ratio();
    const SessionQueue *q = liveQueue(id);
    if (!q)
        return d;
    auto brief = [](const RunRecord *r) {
        RunBrief b;
        b.id = r->run.id;
        b.priority = r->run.priority;
        b.queuedAt = r->run.queuedAt;
        b.startedAt = r->run.startedAt;
        b.handler = r->run.handler;
        b.preview = r->run.input.left(120);
        b.progress = r->run.progress;
        switch (r->stage) {
        case RunRecord::Stage::SessionQueued:
            b.stage = u"queued"_s;
            break;
        case RunRecord::Stage::LaneWaiting:
            b.stage = u"waiting for a lane slot"_s;
            break;
        case RunRecord::Stage::StepWaiting:
            b.stage = u"running (between steps)"_s;
            break;
        default:
            b.stage = u"running"_s;
            break;
        }
        return b;
    };
    for (const RunRecord *r : q->active()) {
        if (r->stage == RunRecord::Stage::LaneWaiting)
            d.queued.append(brief(r));
        else
            d.running.append(brief(r));
    }
    for (const RunRecord *r : q->pending())
        d.queued.append(brief(r));
    return d;
}

void Engine::pause(const QString &reason, const QString &actor)
{
    Turn turn(this);
    if (m_pause.paused && m_pause.reason == reason)
        return;
    m_pause = PauseState{true, reason, actor, now()};
    persistPause();
    Event e;
    e.type = EventType::SchedulerPaused;
    e.time = m_pause.since;
    e.text = reason;
    emitEvent(std::move(e));
    qCInfo(lcEngine).noquote() << "paused by" << (actor.isEmpty() ? u"?"_s : actor) << "-" << reason;
}

void Engine::resume(const QString &actor)
{
    Turn turn(this);
    if (!m_pause.paused && !m_draining)
        return;
    m_pause = PauseState{};
    m_draining = false;
    m_clock->cancel(m_drainTimer);
    m_drainTimer = 0;
    persistPause();
    Event e = newEvent(EventType::SchedulerResumed);
    e.text = actor;
    emitEvent(std::move(e));
    markAllLanesDirty();
    qCInfo(lcEngine).noquote() << "resumed by" << (actor.isEmpty() ? u"?"_s : actor);
}

void Engine::drain(int timeoutMs, const QString &actor)
{
    Turn turn(this);
    if (!m_pause.paused)
        pause(u"draining"_s, actor);
    m_draining = true;
    m_drainReported = false;
    Event e = newEvent(EventType::SchedulerDraining);
    e.value = runningCount();
    e.text = actor;
    emitEvent(std::move(e));
    m_clock->cancel(m_drainTimer);
    const int timeout = timeoutMs < 0 ? m_options.drainTimeoutMs : timeoutMs;
    m_drainTimer = m_clock->callAfter(timeout, [this] {
        Turn t(this);
        m_drainTimer = 0;
        if (!m_draining || m_drainReported)
            return;
        m_drainReported = true;
        Event d;
        d.type = EventType::SchedulerDrained;
        d.time = now();
        d.code = ErrorCode::Timeout;
        d.value = runningCount();
        d.text = u"drain timed out with %1 runs still running"_s.arg(runningCount());
        emitEvent(std::move(d));
    });
}

void Engine::checkDrain()
{
    if (!m_draining || m_drainReported || runningCount() > 0)
        return;
    m_drainReported = true;
    m_clock->cancel(m_drainTimer);
    m_drainTimer = 0;
    Event e = newEvent(EventType::SchedulerDrained);
    emitEvent(std::move(e));
}

void Engine::persistPause()
{
    if (!m_pause.paused) {
        m_store->append(SettingSet{kPauseKey, QString()});
        return;
    }
    const QJsonObject o{{u"reason"_s, m_pause.reason},
                        {u"actor"_s, m_pause.actor},
                        {u"since"_s, m_pause.since}};
    m_store->append(SettingSet{kPauseKey, QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact))});
}

Error Engine::setLaneLimit(const QString &name, int limit)
{
    Turn turn(this);
    const int index = m_lanes.find(name);
    if (index < 0)
        return Error::make(ErrorCode::InvalidRequest, u"unknown lane \"%1\"; known lanes: %2"_s.arg(
                                                          name, m_lanes.names().join(u", "_s)));
    m_lanes.define(name, limit);
    Lane &lane = m_lanes.at(index);
    m_store->append(LaneUpsert{name, lane.limit(), lane.isPaused()});
    Event e = newEvent(EventType::LaneChanged);
    e.lane = LaneNames::intern(name);
    e.value = lane.limit();
    e.text = u"limit %1"_s.arg(lane.limit());
    emitEvent(std::move(e));
    markAllLanesDirty();
    return {};
}

Error Engine::setLanePaused(const QString &name, bool paused)
{
    Turn turn(this);
    const int index = m_lanes.find(name);
    if (index < 0)
        return Error::make(ErrorCode::InvalidRequest, u"unknown lane \"%1\"; known lanes: %2"_s.arg(
                                                          name, m_lanes.names().join(u", "_s)));
    Lane &lane = m_lanes.at(index);
    lane.setPaused(paused);
    m_store->append(LaneUpsert{name, lane.limit(), paused});
    Event e = newEvent(EventType::LaneChanged);
    e.lane = LaneNames::intern(name);
    e.value = lane.limit();
    e.text = paused ? u"paused"_s : u"resumed"_s;
    emitEvent(std::move(e));
    markAllLanesDirty();
    return {};
}

// Queue host ----------------------------------------------------------------------------------

void Engine::resolveQueued(RunRecord *run, ErrorCode code, const QString &why)
{
    resolve(run, RunState::Cancelled, code, why);
    if (run->queue)
        markSessionDirty(run->queue);
    destroy(run);
}

void Engine::cancelActive(RunRecord *rec, ErrorCode code, const QString &why)
{
    if (rec->queue)
        markSessionDirty(rec->queue);
    switch (rec->stage) {
    case RunRecord::Stage::SessionQueued:
        resolve(rec, RunState::Cancelled, code, why);
        destroy(rec);
        return;
    case RunRecord::Stage::LaneWaiting:
        m_lanes.at(rec->laneIndex).forget();
        rec->laneSeq = 0;
        resolve(rec, RunState::Cancelled, code, why);
        // Its lane entry still points here: keep the memory until the entry pops.
        m_runs.erase(rec->run.id);
        rec->stage = RunRecord::Stage::Tombstone;
        return;
    case RunRecord::Stage::Executing:
        rec->ticket->cancelled.store(true, std::memory_order_release);
        resolve(rec, RunState::Cancelled, code, why);
        rec->stage = RunRecord::Stage::Zombie; // keeps its lane slot until the worker returns
        ++m_zombies;
        return;
    case RunRecord::Stage::StepWaiting:
        m_clock->cancel(rec->stepTimer);
        rec->stepTimer = 0;
        resolve(rec, RunState::Cancelled, code, why);
        releaseSlot(rec);
        recycle(rec->ticket);
        rec->ticket = nullptr;
        destroy(rec);
        return;
    case RunRecord::Stage::Zombie:
    case RunRecord::Stage::Tombstone:
        return;
    }
}

void Engine::merge(RunRecord *carrier, RunRecord *merged)
{
    Run &c = carrier->run;
    c.input += u"\n"_s + merged->run.input;
    if (c.mergedCount == 0)
        c.mergedCount = 1;
    ++c.mergedCount;
    persist(carrier);
    merged->run.mergedInto = c.id;
    resolve(merged, RunState::Merged, ErrorCode::None, u"merged into run %1"_s.arg(c.id));
    destroy(merged);
}

void Engine::admitToLane(RunRecord *rec)
{
    Lane &lane = m_lanes.at(rec->laneIndex);
    rec->stage = RunRecord::Stage::LaneWaiting;
    rec->laneSeq = lane.push(rec->run.priority, rec->run.queuedAt, rec->run.id, rec);
    if (rec->laneIndex >= int(m_laneDirtyFlags.size()))
        m_laneDirtyFlags.resize(size_t(rec->laneIndex) + 1, false);
    if (!m_laneDirtyFlags[size_t(rec->laneIndex)]) {
        m_laneDirtyFlags[size_t(rec->laneIndex)] = true;
        m_dirtyLanes.push_back(rec->laneIndex);
    }
}

void Engine::armDebounce(SessionQueue *queue, TimeMs at)
{
    auto it = m_live.find(queue->id());
    if (it == m_live.end())
        return;
    LiveSession &live = it->second;
    if (live.debounceTimer)
        m_clock->cancel(live.debounceTimer);
    live.debounceTimer = 0;
    if (at < 0)
        return;
    const SessionId id = queue->id();
    live.debounceTimer = m_clock->callAt(at, [this, id] {
        Turn turn(this);
        auto found = m_live.find(id);
        if (found == m_live.end())
            return;
        found->second.debounceTimer = 0;
        found->second.queue->debounceFired();
        markSessionDirty(id);
    });
}

int Engine::effectiveConcurrency(const SessionQueue &queue) const
{
    const int max = queue.config().effectiveMaxConcurrent();
    if (max <= 1)
        return 1;
    const Session *s = m_sessions.find(queue.id());
    if (s && m_estimator(*s).ratio() >= m_options.throttleRatio)
        return 1;
    return max;
}

// Admission and execution ---------------------------------------------------------------------

void Engine::markAllLanesDirty()
{
    for (int i = 0; i < m_lanes.count(); ++i) {
        if (i >= int(m_laneDirtyFlags.size()))
            m_laneDirtyFlags.resize(size_t(i) + 1, false);
        if (!m_laneDirtyFlags[size_t(i)]) {
            m_laneDirtyFlags[size_t(i)] = true;
            m_dirtyLanes.push_back(i);
        }
    }
}

void Engine::endTurn()
{
    ++m_turnDepth; // work done while flushing belongs to this turn
    // Reports that arrived during the turn (all of them, for inline executors) are handled now,
    // at the current instant, so virtual time stays exact.
    do {
        pumpLanes();
    } while (drainInbox());
    checkDrain();
    checkShutdown();
    --m_turnDepth;
    m_store->handOver();
    if (!m_events.isEmpty()) {
        if (m_recordEvents)
            Q_EMIT eventsReady(m_events);
        m_events.clear(); // keeps its capacity unless a receiver kept a shared copy
    }
}

void Engine::pumpLanes()
{
    // Admission is one pump over lanes in a fixed order (SPEC Q7); slots freed in this turn
    // were released before it runs, so a finishing run never waits on its own lane (DESIGN trap).
    while (!m_dirtyLanes.empty()) {
        std::vector<int> lanes;
        lanes.swap(m_dirtyLanes);
        for (int index : lanes) {
            m_laneDirtyFlags[size_t(index)] = false;
            pumpLane(index);
        }
    }
    flushDispatch();
}

void Engine::pumpLane(int index)
{
    if (m_pause.paused || m_stopping)
        return;
    Lane &lane = m_lanes.at(index);
    while (!lane.isPaused() && lane.hasFreeSlot() && lane.hasCandidates()) {
        const Lane::Entry entry = lane.popCandidate();
        auto *rec = static_cast<RunRecord *>(entry.owner);
        if (rec->stage == RunRecord::Stage::Tombstone) {
            delete rec; // cancelled while waiting; this was its last reference
            continue;
        }
        if (rec->stage != RunRecord::Stage::LaneWaiting || rec->laneSeq != entry.seq)
            continue; // invalidated entry; already forgotten
        lane.taken();
        rec->laneSeq = 0;
        startRun(rec);
    }
}

void Engine::startRun(RunRecord *rec)
{
    Lane &lane = m_lanes.at(rec->laneIndex);
    lane.acquire();
    rec->holdsSlot = true;
    Run &r = rec->run;
    r.state = RunState::Running;
    r.startedAt = r.updatedAt = now();
    r.errorCode = ErrorCode::None;
    r.error.clear();
    ++m_counters.started;
    m_stats.runStarted(r.startedAt - r.queuedAt);
    persist(rec);
    emitEvent(EventType::RunStarted, rec, ErrorCode::None, {}, r.attempt);
    if (rec->queue)
        markSessionDirty(rec->queue);

    RunTicket *ticket;
    if (!m_freeTickets.empty()) {
        ticket = m_freeTickets.back();
        m_freeTickets.pop_back();
    } else {
        ticket = new RunTicket;
        m_allTickets.push_back(ticket);
    }
    ticket->request.runId = r.id;
    ticket->request.sessionId = r.sessionId;
    ticket->request.handler = r.handler;
    ticket->request.lane = r.lane;
    ticket->request.priority = r.priority;
    ticket->request.attempt = r.attempt;
    ticket->request.input = r.input;
    ticket->request.payloadJson = r.payloadJson;
    ticket->handler = m_handlers->find(r.handler);
    ticket->hook = &m_hook;
    ticket->inbox = &m_inbox;
    ticket->clock = m_clock;
    ticket->owner = rec;
    ticket->savedState = r.savedState;
    ticket->step = 0;
    rec->ticket = ticket;
    dispatchStep(rec);
}

void Engine::dispatchStep(RunRecord *rec)
{
    rec->stage = RunRecord::Stage::Executing;
    rec->ticket->outcome = Outcome();
    ++m_executing;
    m_toDispatch.push_back(rec->ticket); // handed over in one batch by flushDispatch()
}

void Engine::flushDispatch()
{
    if (m_toDispatch.empty())
        return;
    std::vector<RunTicket *> batch;
    batch.swap(m_toDispatch);
    m_executor->dispatch(batch);
}

bool Engine::event(QEvent *e)
{
    if (e->type() == QEvent::Type(Inbox::eventType())) {
        processInbox();
        return true;
    }
    return QObject::event(e);
}

void Engine::batch(const std::function<void()> &fn)
{
    Turn turn(this);
    fn();
}

void Engine::processInbox()
{
    Turn turn(this);
    drainInbox();
}

bool Engine::drainInbox()
{
    bool any = false;
    m_inbox.beginDraining(); // workers need not post wake-ups while we are here
    for (;;) {
        if (!m_inbox.takeOrFinish(m_inboxScratch) && m_executing > 0 && any
            && !m_clock->isVirtual()) {
            // Under load the next report is usually microseconds away: a short spin is far
            // cheaper than sleeping in the event loop and being woken for it.
            if (m_inbox.waitBriefly()) {
                m_inbox.beginDraining();
                m_inbox.takeOrFinish(m_inboxScratch);
            }
        }
        if (m_inboxScratch.empty())
            return any;
        any = true;
        if (m_turnDepth > 0)
            m_turnNow = m_clock->now();
        for (InboxItem &item : m_inboxScratch) {
            if (item.kind == InboxItem::Kind::Finished)
                onFinished(item.ticket);
            else
                onReport(item);
        }
        m_inboxScratch.clear();
        // Admit right away so the workers get the next runs while we read further reports.
        pumpLanes();
    }
}

void Engine::settle()
{
    for (int guard = 0; guard < 100000; ++guard) {
        const bool inboxEmpty = m_inbox.isEmpty();
        const TimeMs due = m_clock->nextDue();
        const bool timersDue = m_clock->isVirtual() && due >= 0 && due <= now();
        if (inboxEmpty && !timersDue)
            return;
        processInbox();
        if (timersDue)
            static_cast<VirtualClock *>(m_clock)->fireReady();
    }
}

void Engine::onReport(InboxItem &item)
{
    RunRecord *rec = findRun(item.runId);
    if (!rec || rec->ticket != item.ticket || rec->stage == RunRecord::Stage::Zombie)
        return;
    switch (item.kind) {
    case InboxItem::Kind::StateSaved:
        rec->run.savedState = item.data;
        persist(rec);
        break;
    case InboxItem::Kind::Progress: {
        rec->run.progress = item.fraction;
        rec->run.progressText = item.text;
        emitEvent(EventType::RunProgress, rec, ErrorCode::None, item.text, qint64(item.fraction * 1000));
        break;
    }
    case InboxItem::Kind::Log: {
        // A bounded tail: the newest kLogTailChars characters of the run's log.
        constexpr qsizetype kLogTailChars = 64 * 1024;
        QString &log = rec->run.log;
        log += item.text;
        if (!item.text.endsWith(u'\n'))
            log += u'\n';
        if (log.size() > kLogTailChars)
            log = log.right(kLogTailChars);
        persist(rec);
        break;
    }
    case InboxItem::Kind::Heartbeat:
    case InboxItem::Kind::Finished:
        break;
    }
}

void Engine::onFinished(RunTicket *ticket)
{
    --m_executing;
    auto *rec = static_cast<RunRecord *>(ticket->owner);
    if (rec->stage == RunRecord::Stage::Zombie) {
        --m_zombies;
        releaseSlot(rec);
        recycle(ticket);
        rec->ticket = nullptr;
        m_runs.erase(rec->run.id);
        delete rec;
        return;
    }
    const Outcome outcome = ticket->outcome;
    switch (outcome.kind) {
    case Outcome::Kind::Succeeded:
        finishRun(rec, RunState::Completed, ErrorCode::None, outcome.text);
        return;
    case Outcome::Kind::Failed:
        finishRun(rec, RunState::Failed, outcome.code == ErrorCode::None ? ErrorCode::HandlerFailed : outcome.code,
                  outcome.text);
        return;
    case Outcome::Kind::ContinueAfter:
        if (m_stopping) {
            interruptForShutdown(rec);
            return;
        }
        rec->stage = RunRecord::Stage::StepWaiting;
        rec->stepTimer = m_clock->callAfter(qMax<qint64>(0, outcome.delayMs), [this, rec] {
            Turn turn(this);
            rec->stepTimer = 0;
            ++rec->ticket->step;
            dispatchStep(rec);
        });
        return;
    case Outcome::Kind::Yielded:
        requeueAfterYield(rec);
        return;
    }
}

void Engine::requeueAfterYield(RunRecord *rec)
{
    if (rec->ticket->noReschedule) {
        finishRun(rec, RunState::Completed, ErrorCode::None, u"stopped on interrupt (no reschedule)"_s);
        return;
    }
    rec->run.savedState = rec->ticket->savedState;
    releaseSlot(rec);
    recycle(rec->ticket);
    rec->ticket = nullptr;
    rec->run.state = RunState::Queued;
    persist(rec);
    emitEvent(EventType::RunRescheduled, rec);
    admitToLane(rec); // keeps its session place and its original enqueue time
}

void Engine::finishRun(RunRecord *rec, RunState state, ErrorCode code, const QString &text)
{
    resolve(rec, state, code, text);
    if (state == RunState::Completed && rec->run.messageId != 0 && !text.isEmpty())
        m_sessions.addMessage(rec->run.sessionId, u"assistant"_s, text);
    releaseSlot(rec);
    recycle(rec->ticket);
    rec->ticket = nullptr;
    SessionQueue *queue = rec->queue;
    if (queue)
        queue->takeActive(rec);
    destroy(rec);
    if (queue) {
        queue->pump();
        markSessionDirty(queue);
    }
}

void Engine::resolve(RunRecord *rec, RunState state, ErrorCode code, const QString &text)
{
    Run &r = rec->run;
    if (!canTransition(r.state, state)) {
        qCWarning(lcEngine).noquote() << u"invalid_transition: run %1 %2 -> %3"_s.arg(r.id).arg(
            runStateName(r.state), runStateName(state));
    }
    r.state = state;
    r.errorCode = code;
    if (state == RunState::Completed)
        r.result = text;
    else
        r.error = text;
    r.finishedAt = r.updatedAt = now();
    r.progress = state == RunState::Completed ? 1.0 : r.progress;
    persist(rec);
    if (state != RunState::Merged)
        m_stats.runFinished(state == RunState::Completed, state == RunState::Failed,
                            r.startedAt > 0 ? r.finishedAt - r.startedAt : -1);
    switch (state) {
    case RunState::Completed:
        ++m_counters.completed;
        break;
    case RunState::Failed:
        ++m_counters.failed;
        break;
    case RunState::Merged:
        ++m_counters.merged;
        break;
    default:
        ++m_counters.cancelled;
        break;
    }
    emitEvent(eventForResolution(state, code), rec, code, text,
              state == RunState::Merged ? r.mergedInto : 0);
}

void Engine::releaseSlot(RunRecord *rec)
{
    if (!rec->holdsSlot)
        return;
    rec->holdsSlot = false;
    m_lanes.at(rec->laneIndex).release();
    if (!m_laneDirtyFlags[size_t(rec->laneIndex)]) {
        m_laneDirtyFlags[size_t(rec->laneIndex)] = true;
        m_dirtyLanes.push_back(rec->laneIndex);
    }
}

void Engine::recycle(RunTicket *ticket)
{
    if (!ticket)
        return;
    ticket->reset();
    m_freeTickets.push_back(ticket);
}

void Engine::destroy(RunRecord *rec)
{
    m_runs.erase(rec->run.id);
    delete rec;
}

RunRecord *Engine::findRun(RunId id) const
{
    auto it = m_runs.find(id);
    return it == m_runs.end() ? nullptr : it->second;
}

void Engine::persist(const RunRecord *rec)
{
    if (m_persistRuns)
        m_store->append(RunUpsert{rec->run});
}

void Engine::emitEvent(EventType type, const RunRecord *rec, ErrorCode code, const QString &text,
                       qint64 value)
{
    if (!m_recordEvents)
        return;
    Event e = newEvent(type);
    e.run = rec->run.id;
    e.session = rec->run.sessionId;
    e.code = code;
    e.priority = rec->run.priority;
    e.value = value;
    e.lane = rec->laneId;
    e.text = text;
    m_events.append(std::move(e));
}

void Engine::emitEvent(Event &&event)
{
    if (m_recordEvents)
        m_events.append(std::move(event));
}

// Statistics ----------------------------------------------------------------------------------

void Engine::statsTick()
{
    const TimeMs t = now();
    const TimeMs second = t - t % 1000;
    QVector<LaneUtilisation> lanes;
    for (const Lane &lane : m_lanes.all())
        lanes.append(LaneUtilisation{lane.id(), float(lane.stats().utilisation())});
    StatsSample sample = m_stats.closeSecond(second - 1000, queuedCount(), runningCount(), lanes);
    if (m_persistRuns)
        m_store->append(StatsInsert{sample});
    m_newSamples.append(std::move(sample));
    if (m_newSamples.size() > 120) // nobody is reading snapshots: keep the newest two minutes
        m_newSamples.remove(0, m_newSamples.size() - 120);
    if (second - m_minuteStart >= 60'000) {
        StatsSample minute = m_stats.closeMinute(m_minuteStart);
        m_minuteStart = second - second % 60'000;
        if (m_persistRuns) {
            m_store->append(StatsInsert{minute});
            // Retention: seconds for two hours, minutes for thirty days.
            m_store->append(StatsPrune{second - 2 * 3600'000LL, second - 30LL * 86400'000LL});
        }
    }
    if (!m_stopping)
        m_statsTimer = m_clock->callAt(second + 1000, [this] {
            Turn turn(this);
            statsTick();
        });
}

// Views ---------------------------------------------------------------------------------------

void Engine::markSessionDirty(SessionId id)
{
    if (SessionQueue *q = liveQueue(id))
        markSessionDirty(q);
    else
        m_dirtySessions.insert(id);
}

void Engine::markSessionDirty(SessionQueue *queue)
{
    if (queue->isDirty())
        return;
    queue->setDirty(true);
    m_dirtyQueues.push_back(queue->id());
}

int Engine::runningCount() const
{
    int n = 0;
    for (int i = 0; i < m_lanes.count(); ++i)
        n += m_lanes.at(i).active();
    return n;
}

int Engine::queuedCount() const
{
    return int(m_runs.size()) - runningCount();
}

QVector<LaneStats> Engine::laneStats() const
{
    QVector<LaneStats> list;
    for (const QString &name : m_lanes.names())
        list.append(m_lanes.stats(name));
    return list;
}

std::optional<LaneStats> Engine::laneStats(const QString &name) const
{
    if (!m_lanes.isDefined(name))
        return std::nullopt;
    return m_lanes.stats(name);
}

SessionStatus Engine::statusOf(const Session &s, const SessionQueue *queue) const
{
    SessionStatus st;
    st.id = s.id;
    st.key = s.key;
    st.agent = s.agent;
    st.state = s.state;
    st.paused = s.paused;
    st.lastActivity = s.lastActivityAt;
    st.mode = s.queueOverride.applyTo(m_options.defaultQueue).mode;
    if (queue) {
        // A run its session admitted but that waits for a lane slot is still "queued" to an
        // operator; "active" means it holds a slot.
        int waiting = 0;
        for (const RunRecord *r : queue->active())
            waiting += r->stage == RunRecord::Stage::LaneWaiting;
        st.active = queue->activeCount() - waiting;
        st.queued = queue->queuedCount() + waiting;
        st.lastActivity = qMax(st.lastActivity, queue->lastActivity());
    }
    st.tokenRatio = m_estimator(s).ratio();
    return st;
}

std::optional<SessionStatus> Engine::sessionStatus(SessionId id) const
{
    const Session *s = m_sessions.find(id);
    if (!s)
        return std::nullopt;
    return statusOf(*s, liveQueue(id));
}

std::optional<Run> Engine::liveRun(RunId id) const
{
    const RunRecord *rec = findRun(id);
    if (!rec || rec->stage == RunRecord::Stage::Zombie)
        return std::nullopt;
    return rec->run;
}

EngineSnapshot Engine::snapshot(bool full)
{
    EngineSnapshot snap;
    snap.time = now();
    snap.pause = m_pause;
    snap.draining = m_draining;
    snap.stopping = m_stopping;
    snap.running = runningCount();
    snap.queued = queuedCount();
    snap.sessions = m_sessions.sessionCount();
    snap.counters = m_counters;
    snap.lanes = laneStats();
    snap.fullSessionList = full;
    if (full) {
        for (SessionId id : m_sessions.ids()) {
            if (const Session *s = m_sessions.find(id))
                snap.changedSessions.append(statusOf(*s, liveQueue(id)));
        }
    } else {
        for (SessionId id : m_dirtyQueues)
            m_dirtySessions.insert(id);
        for (SessionId id : std::as_const(m_dirtySessions)) {
            if (const Session *s = m_sessions.find(id))
                snap.changedSessions.append(statusOf(*s, liveQueue(id)));
        }
    }
    for (SessionId id : m_dirtyQueues) {
        if (SessionQueue *q = liveQueue(id))
            q->setDirty(false);
    }
    m_dirtyQueues.clear();
    m_dirtySessions.clear();
    snap.newSamples.swap(m_newSamples);
    snap.removedSessions.swap(m_removedSessions);
    return snap;
}

} // namespace Yard
