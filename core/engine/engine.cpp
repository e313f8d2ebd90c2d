// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine.h"

#include "engineparts.h"
#include "engineturn.h"
#include "runrecord.h"
#include "startuprestore.h"

#include "exec/executor.h"
#include "logging.h"
#include "store/store.h"

#include <QEvent>
#include <QMetaMethod>

using namespace Qt::StringLiterals;

namespace Yard {

Engine::Engine(Clock *clock, Store *store, Executor *executor, HandlerRegistry *handlers,
               EngineOptions options, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<EngineParts>(
          this, clock, store, executor, handlers, std::move(options),
          [this](const EventBatch &batch) { Q_EMIT eventsReady(batch); },
          [this] {
              static const QMetaMethod signal = QMetaMethod::fromSignal(&Engine::eventsReady);
              return isSignalConnected(signal);
          }))
{
    qRegisterMetaType<Yard::EventBatch>();
    qRegisterMetaType<Yard::EngineSnapshot>();
}

Engine::~Engine()
{
    // Workers may still hold tickets and records: never free what they could touch.
    if (!d->executor->waitForDone(5000)) {
        qCWarning(lcEngine) << "handlers still running at engine destruction; leaking their runs";
        (void)d.release();
        return;
    }
}

bool Engine::event(QEvent *e)
{
    if (e->type() == QEvent::Type(Inbox::eventType())) {
        processInbox();
        return true;
    }
    return QObject::event(e);
}

// Lifecycle -----------------------------------------------------------------------------------

Error Engine::start()
{
    if (d->shutdown.isStopping() || d->shutdown.isStopped())
        return Error::make(ErrorCode::Stopped, u"the scheduler was shut down and cannot start again"_s);
    if (d->started)
        return {};
    if (d->configError.isError())
        return d->configError;
    Turn turn(this);
    StartupRestore restore({d->store, &d->sessions, &d->lanes, &d->pause, &d->options, &d->control,
                            &d->resolver, &d->runs, &d->board, &d->jobs});
    if (Error e = restore.restore(); e.isError())
        return e;
    if (Error e = d->intake.prepareIds(); e.isError())
        return e;
    d->executor->setAdmittedCapacity(d->lanes.totalLimit()); // lanes as configured and stored
    d->storeHealth.attach();
    d->queues.startEviction();
    d->statsTicker.start();
    d->cycles.start();
    d->jobs.start();
    d->started = true;
    return {};
}

bool Engine::isStarted() const
{
    return d->started;
}

void Engine::shutdown(int deadlineMs, std::function<void()> done)
{
    Turn turn(this);
    if (!d->shutdown.isStopping()) {
        d->queues.stopEviction();
        d->statsTicker.stop();
        d->drain.stop();
        d->cycles.stop();
        d->jobs.stop();
    }
    d->shutdown.begin(deadlineMs, std::move(done));
}

bool Engine::isStopping() const
{
    return d->shutdown.isStopping();
}

Error Engine::shutdownResult() const
{
    return d->shutdown.result();
}

void Engine::batch(const std::function<void()> &fn)
{
    Turn turn(this);
    fn();
}

void Engine::processInbox()
{
    Turn turn(this);
    d->reports.read();
}

bool Engine::hasPendingReports() const
{
    return d->reports.pending();
}

void Engine::setEventSink(EventSink *sink)
{
    d->events.setSink(sink);
}

// Sessions ------------------------------------------------------------------------------------

Expected<Session> Engine::createSession(const SessionSpec &spec)
{
    Turn turn(this);
    return d->intake.createSession(spec);
}

SessionManager &Engine::sessions()
{
    return d->sessions;
}

Error Engine::closeSession(SessionId id)
{
    Turn turn(this);
    return d->settings.closeSession(id);
}

Error Engine::setSessionQueueConfig(SessionId id, const QueueConfigOverride &override)
{
    Turn turn(this);
    return d->settings.setSessionQueueConfig(id, override);
}

Error Engine::setSessionPaused(SessionId id, bool paused)
{
    Turn turn(this);
    return d->settings.setSessionPaused(id, paused);
}

void Engine::setDefaultQueueConfig(const QueueConfig &config)
{
    Turn turn(this);
    d->settings.setDefaultQueueConfig(config);
}

const QueueConfig &Engine::defaultQueueConfig() const
{
    return d->options.defaultQueue;
}

QueueConfig Engine::queueConfig(SessionId id) const
{
    return d->settings.queueConfig(id);
}

void Engine::setTokenEstimator(TokenEstimator estimator)
{
    d->queues.setTokenEstimator(std::move(estimator));
}

void Engine::setContextWindow(const QString &agent, qint64 tokens)
{
    Turn turn(this);
    d->queues.setContextWindow(agent, tokens);
}

// Work ----------------------------------------------------------------------------------------

Expected<SubmitReceipt> Engine::submitMessage(const MessageRequest &request)
{
    Turn turn(this);
    return d->intake.submitMessage(request);
}

Expected<RunId> Engine::submitRun(const RunSubmission &submission)
{
    Turn turn(this);
    return d->intake.submitRun(submission);
}

Expected<RunId> Engine::submitTask(const TaskSubmission &submission)
{
    Turn turn(this);
    return d->intake.submitTask(submission);
}

Expected<RunId> Engine::claimTask(SessionId session, RunId run)
{
    Turn turn(this);
    return d->board.claim(session, run);
}

Error Engine::setSessionActivity(SessionId id, SessionState state, bool prompting)
{
    Turn turn(this);
    const Session *current = d->sessions.find(id);
    if (!current)
        return Errors::sessionNotFound(id);
    if (state == SessionState::Closed)
        return Error::make(ErrorCode::InvalidRequest, u"use closeSession to close a session"_s);
    if (current->state == SessionState::Closed)
        return Error::make(ErrorCode::SessionClosed, u"session %1 is closed"_s.arg(id));
    if (current->state == state && current->prompting == prompting)
        return {};
    Session s = *current;
    s.state = state;
    s.prompting = prompting;
    if (Error e = d->sessions.update(s); e.isError())
        return e;
    Event e = d->events.make(EventType::SessionUpdated);
    e.session = id;
    e.text = u"%1%2"_s.arg(sessionStateName(state), prompting ? u", prompting"_s : QString());
    d->events.add(std::move(e));
    d->changes.mark(id);
    return {};
}

AttentionOutcome Engine::resolveAttention(AttentionAction action, const QVector<RunId> &runs,
                                          const NeedsAttentionFilter &filter, const QString &actor,
                                          const QString &note)
{
    Turn turn(this);
    const QVector<RunId> ids = runs.isEmpty() ? d->store->needsAttentionRuns(filter) : runs;
    AttentionOutcome out;
    for (RunId id : ids) {
        if (Error e = d->control.resolveAttention(id, action, actor, note); e.isError()) {
            ++out.failed;
            if (out.errors.size() < 5)
                out.errors << u"run %1: %2"_s.arg(id).arg(e.message);
        } else {
            ++out.done;
        }
    }
    static const char16_t *const kNames[] = {u"requeue", u"cancel", u"acknowledge"};
    QStringList listed;
    for (qsizetype i = 0; i < ids.size() && i < 200; ++i)
        listed << QString::number(ids[i]);
    if (ids.size() > 200)
        listed << u"… %1 more"_s.arg(ids.size() - 200);
    const QString target = runs.isEmpty() ? u"%1 needs_attention runs matching %2"_s.arg(out.done).arg(filter.describe())
                                          : u"%1 needs_attention runs"_s.arg(out.done);
    if (!ids.isEmpty())
        d->audit.record(actor, QString::fromUtf16(kNames[int(action)]), target, note,
                        u"runs: "_s + listed.join(u", "_s)
                            + (out.failed ? u"; %1 failed: %2"_s.arg(out.failed).arg(out.errors.join(u"; "_s)) : QString()));
    return out;
}

// Control -------------------------------------------------------------------------------------

Expected<bool> Engine::cancelOne(SessionId id)
{
    Turn turn(this);
    return d->control.cancelOne(id);
}

Expected<int> Engine::cancelAll(SessionId id)
{
    Turn turn(this);
    return d->control.cancelAll(id);
}

Expected<int> Engine::reset(SessionId id)
{
    Turn turn(this);
    return d->control.reset(id);
}

Error Engine::cancelRun(RunId id, const QString &reason)
{
    Turn turn(this);
    return d->control.cancelRun(id, reason);
}

Expected<RunId> Engine::retryRun(RunId id)
{
    Turn turn(this);
    return d->control.retryRun(id);
}

Error Engine::requeueRun(RunId id)
{
    Turn turn(this);
    return d->control.requeueRun(id);
}

void Engine::audit(const QString &actor, const QString &action, const QString &target,
                   const QString &reason, const QString &details)
{
    Turn turn(this);
    d->audit.record(actor, action, target, reason, details);
}

void Engine::whenDurable(std::function<void()> fn)
{
    Turn turn(this);
    d->durability.whenDurable(std::move(fn));
}

bool Engine::isStoreFailing() const
{
    return d->storeHealth.isFailing();
}

void Engine::pause(const QString &reason, const QString &actor)
{
    Turn turn(this);
    d->pause.pause(reason, actor);
}

void Engine::resume(const QString &actor)
{
    Turn turn(this);
    const bool wasDraining = d->drain.stop();
    if (d->pause.isPaused() || wasDraining)
        d->pause.resume(actor);
}

void Engine::drain(int timeoutMs, const QString &actor)
{
    Turn turn(this);
    d->drain.drain(timeoutMs < 0 ? d->options.drainTimeoutMs : timeoutMs, actor);
}

void Engine::setPreExecuteHook(PreExecuteHook hook)
{
    if (!hook) {
        d->hook = nullptr;
        return;
    }
    d->hooks.push_back(std::make_unique<const PreExecuteHook>(std::move(hook)));
    d->hook = d->hooks.back().get();
}

// State ---------------------------------------------------------------------------------------

const PauseState &Engine::pauseState() const
{
    return d->pause.state();
}

bool Engine::isDraining() const
{
    return d->drain.isDraining();
}

const EngineCounters &Engine::counters() const
{
    return d->counters;
}

QVector<LaneStats> Engine::laneStats() const
{
    return d->snapshots.laneStats();
}

std::optional<LaneStats> Engine::laneStats(const QString &name) const
{
    if (!d->lanes.isDefined(name))
        return std::nullopt;
    return d->lanes.stats(name);
}

std::optional<SessionStatus> Engine::sessionStatus(SessionId id) const
{
    return d->snapshots.sessionStatus(id);
}

std::optional<SessionDetail> Engine::sessionDetail(SessionId id) const
{
    return d->snapshots.sessionDetail(id);
}

std::optional<Run> Engine::liveRun(RunId id) const
{
    const RunRecord *run = d->runs.find(id);
    if (!run || run->stage == RunRecord::Stage::AwaitingReturn)
        return std::nullopt;
    return run->toRun(d->handlers.name(run->handler), d->lanes.at(run->lane).name(), d->time.now());
}

int Engine::runningCount() const
{
    return d->lanes.running();
}

int Engine::queuedCount() const
{
    return d->queued();
}

int Engine::liveRunCount() const
{
    return d->runs.size();
}

int Engine::liveQueueCount() const
{
    return d->queues.liveCount();
}

Clock *Engine::clock() const
{
    return d->time.clock();
}

EngineSnapshot Engine::snapshot(bool full)
{
    return d->snapshots.snapshot(full);
}

} // namespace Yard
