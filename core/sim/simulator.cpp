// SPDX-License-Identifier: GPL-3.0-or-later
#include "simulator.h"

#include "engine/clock.h"
#include "engine/engine.h"
#include "exec/executor.h"
#include "exec/handlerregistry.h"
#include "model/isotime.h"
#include "model/jsonwriter.h"
#include "store/sqlitestore.h"

#include <QJsonDocument>
#include <QTemporaryDir>

#include <limits>

using namespace Qt::StringLiterals;

namespace Yard::Sim {

namespace {

constexpr qint64 kNever = std::numeric_limits<qint64>::max();
const QString kActor = QStringLiteral("scenario");

} // namespace

QByteArray Summary::line() const
{
    JsonWriter w;
    w.add("event", "summary")
        .add("runs", runs)
        .add("completed", completed)
        .add("failed", failed)
        .add("cancelled", cancelled)
        .add("dropped", dropped)
        .add("rejected", rejected)
        .add("stale", stale)
        .add("merged", merged)
        .add("needs_attention", needsAttention)
        .add("cycles", cycles)
        .add("wakes", wakes)
        .add("preemptions", preemptions)
        .add("preemptions_refused", preemptionsRefused)
        .add("recovered_leases", recoveredLeases)
        .add("retries", retries);
    return w.finish();
}

class Simulator::Private
{
public:
    explicit Private(Scenario s)
        : scenario(std::move(s))
    {}

    Scenario scenario;
    Sink out;
    QStringList *notes = nullptr;
    Summary summary;
    QTemporaryDir dir;

    // One incarnation of the scheduler (a crash ends it).
    std::unique_ptr<VirtualClock> clock;
    std::unique_ptr<Store> store;
    HandlerRegistry handlers;
    InlineExecutor executor;
    std::unique_ptr<Engine> engine;

    // What the scenario names, kept across crashes (the simulator's memory, not the engine's).
    QHash<RunId, QString> runRefs;
    QHash<QString, RunId> runIds;
    QHash<QString, qint64> jobIds;
    QHash<qint64, QString> jobRefs;
    QHash<qint64, int> jobFires;
    QHash<SessionId, QString> sessionKeys;
    QHash<RunId, int> attempts; ///< the attempt each run last started
    QSet<RunId> queuedRuns;
    QHash<QString, qint64> tokens;
    QHash<QString, qint64> contextWindows; ///< by session key
    bool deferring = false;
    QString currentRef; ///< the action whose events are being written
    QVector<EventBatch> deferred;
    quint64 refusedBefore = 0; ///< preemptions refused by incarnations that crashed

    TimeMs origin() const { return scenario.startMs; }
    qint64 elapsed() const { return clock->now() - origin(); }

    void note(const QString &text)
    {
        if (notes)
            notes->append(u"at %1 ms: %2"_s.arg(elapsed()).arg(text));
    }

    Error boot(TimeMs at)
    {
        clock = std::make_unique<VirtualClock>(at);
        Expected<std::unique_ptr<SqliteStore>> opened = SqliteStore::open(dir.filePath(u"simulation.db"_s));
        if (!opened)
            return opened.error();
        store = std::move(opened).value();
        engine = std::make_unique<Engine>(clock.get(), store.get(), &executor, &handlers, scenario.engine);
        QObject::connect(engine.get(), &Engine::eventsReady, engine.get(), [this](const EventBatch &batch) {
            if (deferring)
                deferred.append(batch);
            else
                write(batch);
        });
        engine->setTokenEstimator([this](const Session &s) {
            TokenEstimate e;
            e.tokens = tokens.value(s.key, s.transcriptChars / 4);
            e.contextWindow = contextWindows.value(s.key, 0);
            if (e.contextWindow <= 0)
                e.contextWindow = scenario.engine.contextWindows.value(s.agent, scenario.engine.defaultContextWindow);
            return e;
        });
        const Error started = engine->start();
        settle();
        return started;
    }

    void crash(qint64 downMs)
    {
        // As kill -9 at a turn boundary: what the engine handed the store is committed (the
        // simulation's store commits every turn); nothing in memory survives.
        store->flush();
        refusedBefore += engine->counters().preemptionsRefused;
        const TimeMs resumeAt = clock->now() + downMs;
        engine.reset();
        store.reset();
        clock.reset();
        if (const Error e = boot(resumeAt); e.isError())
            note(u"restart failed: %1"_s.arg(e.toString()));
    }

    /// Handles worker reports and timers due now, until nothing is left at this instant.
    void settle()
    {
        for (int guard = 0; guard < 1'000'000; ++guard) {
            const TimeMs due = clock->nextDue();
            const bool timersDue = due >= 0 && due <= clock->now();
            if (!engine->hasPendingReports() && !timersDue)
                return;
            engine->processInbox();
            if (timersDue)
                clock->fireReady();
        }
        note(u"the engine was still busy after a million rounds at one instant"_s);
    }

    /// Moves time to `target` (absolute), instant by instant, settling at each.
    void advanceTo(TimeMs target)
    {
        for (;;) {
            const TimeMs due = clock->nextDue();
            if (due < 0 || due > target)
                break;
            clock->advanceTo(due);
            settle();
        }
        clock->advanceTo(target);
        settle();
    }

    bool idle() const
    {
        if (engine->liveRunCount() > 0)
            return false;
        for (const Job &j : engine->jobs()) {
            if (j.spec.enabled && j.nextFireAt > 0)
                return false;
        }
        return true;
    }

    SessionId sessionId(const QString &key)
    {
        const Session *s = engine->sessions().findByKey(key);
        return s ? s->id : 0;
    }

    /// Calls into the engine with its events held back until `bind` named what it created.
    template<typename Call, typename Bind>
    void act(const Action &a, Call call, Bind bind)
    {
        deferring = true;
        auto result = call();
        deferring = false;
        bind(result);
        // A refusal has no run to name: its line carries the ref of the action refused.
        currentRef = a.ref;
        for (const EventBatch &b : std::exchange(deferred, {}))
            write(b);
        currentRef.clear();
        settle();
    }

    /// The run an action queued (the first run.queued among its events), for one refused
    /// afterwards (a stale message) whose receipt is an error.
    RunId queuedByLastCall() const
    {
        for (const EventBatch &b : deferred) {
            for (const Event &e : b) {
                if (e.type == EventType::RunQueued)
                    return e.run;
            }
        }
        return 0;
    }

    void apply(const Action &a);
    void write(const EventBatch &batch);
    QByteArray line(const Event &e);
    void createSessions();
};

void Simulator::Private::createSessions()
{
    for (const SessionDef &d : std::as_const(scenario.sessions)) {
        if (d.contextWindow > 0)
            contextWindows.insert(d.key, d.contextWindow);
        SessionSpec spec;
        spec.key = d.key;
        spec.agent = d.agent;
        spec.lane = d.lane;
        spec.workspace = d.workspace;
        spec.channel = d.channel;
        spec.capabilities = d.capabilities;
        spec.queueOverride = d.queue;
        spec.state = d.state;
        spec.prompting = d.prompting;
        spec.claims = d.claims;
        const Expected<Session> s = engine->createSession(spec);
        if (!s)
            note(u"session %1: %2"_s.arg(d.key, s.error().toString()));
        settle();
    }
}

void Simulator::Private::apply(const Action &a)
{
    const QString &v = a.verb;
    auto report = [&](const Error &e) {
        if (e.isError())
            note(u"%1 (actions[%2]): %3"_s.arg(v).arg(a.index).arg(e.toString()));
    };
    auto bindRun = [&](RunId id) {
        if (id > 0 && !a.ref.isEmpty()) {
            runRefs.insert(id, a.ref);
            runIds.insert(a.ref, id);
        }
    };
    if (v == u"message") {
        if (a.tokens >= 0)
            tokens.insert(a.session, a.tokens);
        MessageRequest m;
        m.sessionKey = a.session;
        m.content = a.text;
        m.handler = u"simulate"_s;
        m.lane = a.lane;
        m.priority = priorityFromName(a.priority).value_or(Priority::Normal);
        m.payloadJson = payloadFor(a.outcomes);
        if (a.submittedAtMs >= 0)
            m.submittedAt = origin() + a.submittedAtMs;
        act(a, [&] { return engine->submitMessage(m); },
            [&](const Expected<SubmitReceipt> &r) {
                if (r) {
                    bindRun(r->runId);
                } else {
                    bindRun(queuedByLastCall()); // queued, then refused (stale)
                    report(r.error());
                }
            });
    } else if (v == u"task") {
        TaskSubmission t;
        t.handler = u"simulate"_s;
        t.input = a.text;
        t.payloadJson = payloadFor(a.outcomes);
        t.lane = a.lane;
        t.priority = priorityFromName(a.priority).value_or(Priority::Normal);
        t.needs.capabilities = a.requires_;
        t.needs.workspace = a.workspace;
        t.needs.channel = a.channel;
        t.needs.owner = a.owner;
        act(a, [&] { return engine->submitTask(t); },
            [&](const Expected<RunId> &r) {
                if (r)
                    bindRun(r.value());
                else
                    report(r.error());
            });
    } else if (v == u"job") {
        QJsonObject json = a.job;
        if (!a.afterJob.isEmpty()) {
            QJsonObject schedule = json.value(u"schedule"_s).toObject();
            QJsonObject after = schedule.value(u"after_job"_s).toObject();
            after.insert(u"job"_s, jobIds.value(a.afterJob));
            schedule.insert(u"after_job"_s, after);
            json.insert(u"schedule"_s, schedule);
        }
        const Expected<JobSpec> spec = JobSpec::fromJson(json);
        if (!spec) {
            report(spec.error());
            return;
        }
        // The job is named before it can fire (an immediate job fires within createJob).
        act(a, [&] { return engine->createJob(spec.value()); },
            [&](const Expected<Job> &j) {
                if (!j) {
                    report(j.error());
                    return;
                }
                jobIds.insert(a.ref, j->id);
                jobRefs.insert(j->id, a.ref);
            });
    } else if (v == u"job_enable" || v == u"job_disable") {
        act(a, [&] { return engine->setJobEnabled(jobIds.value(a.jobRef), v == u"job_enable"); }, report);
    } else if (v == u"job_run_now") {
        act(a, [&] { return engine->runJobNow(jobIds.value(a.jobRef)); },
            [&](const Expected<RunId> &r) {
                if (!r)
                    report(r.error());
            });
    } else if (v == u"cancel_one") {
        act(a, [&] { return engine->cancelOne(sessionId(a.session)); },
            [&](const Expected<bool> &r) {
                if (!r)
                    report(r.error());
            });
    } else if (v == u"cancel_all" || v == u"reset") {
        act(a, [&] { return v == u"reset" ? engine->reset(sessionId(a.session)) : engine->cancelAll(sessionId(a.session)); },
            [&](const Expected<int> &r) {
                if (!r)
                    report(r.error());
            });
    } else if (v == u"cancel") {
        act(a, [&] { return engine->cancelRun(runIds.value(a.run), a.reason); }, report);
    } else if (v == u"recover" || v == u"acknowledge") {
        act(a,
            [&] {
                return engine->resolveAttention(v == u"recover" ? AttentionAction::Requeue : AttentionAction::Acknowledge,
                                                {runIds.value(a.run)}, NeedsAttentionFilter{}, kActor, a.reason);
            },
            [&](const AttentionOutcome &o) {
                for (const QString &e : o.errors)
                    note(u"%1 (actions[%2]): %3"_s.arg(v).arg(a.index).arg(e));
            });
    } else if (v == u"pause") {
        act(a, [&] { engine->pause(a.reason, kActor); return 0; }, [](int) {});
    } else if (v == u"resume") {
        act(a, [&] { engine->resume(kActor); return 0; }, [](int) {});
    } else if (v == u"drain") {
        act(a, [&] { engine->drain(int(qMin<qint64>(a.timeoutMs, std::numeric_limits<int>::max())), kActor); return 0; }, [](int) {});
    } else if (v == u"set_lane") {
        act(a,
            [&] {
                Error e;
                engine->batch([&] {
                    if (a.limit > 0)
                        e = engine->setLaneLimit(a.lane, a.limit);
                    if (!e.isError() && a.paused)
                        e = engine->setLanePaused(a.lane, *a.paused);
                });
                return e;
            },
            report);
    } else if (v == u"set_session") {
        const SessionId id = sessionId(a.session);
        const Session *s = engine->sessions().find(id);
        if (!s) {
            report(Errors::sessionNotFound(id));
            return;
        }
        const SessionState state = a.state.value_or(s->state);
        const bool prompting = a.prompting.value_or(s->prompting);
        act(a, [&] { return engine->setSessionActivity(id, state, prompting); }, report);
    } else if (v == u"run_cycle") {
        act(a, [&] { return engine->runCycleNow(); },
            [&](const Expected<CycleResult> &r) {
                if (!r)
                    report(r.error());
            });
    } else if (v == u"crash") {
        crash(a.downMs);
    }
}

void Simulator::Private::write(const EventBatch &batch)
{
    // A job's run is named by its fire: bind the names first, so the run's own lines carry it.
    for (const Event &e : batch) {
        if (e.type == EventType::JobFired && e.run && !runRefs.contains(e.run)) {
            const QString job = jobRefs.value(e.value);
            if (!job.isEmpty()) {
                const QString ref = u"%1#%2"_s.arg(job).arg(++jobFires[e.value]);
                runRefs.insert(e.run, ref);
                runIds.insert(ref, e.run);
            }
        }
        if (e.type == EventType::SessionCreated && e.session)
            sessionKeys.insert(e.session, e.text);
    }
    for (const Event &e : batch) {
        if (e.type == EventType::RunStarted)
            attempts.insert(e.run, int(e.value));
        switch (e.type) {
        case EventType::RunQueued:
            if (!queuedRuns.contains(e.run)) { // a retry or a requeue queues the same run again
                queuedRuns.insert(e.run);
                ++summary.runs;
            }
            break;
        case EventType::RunCompleted: ++summary.completed; break;
        case EventType::RunFailed: ++summary.failed; break;
        case EventType::RunCancelled: ++summary.cancelled; break;
        case EventType::RunDropped: ++summary.dropped; break;
        case EventType::RunRejected: ++summary.rejected; break;
        case EventType::RunStale: ++summary.stale; break;
        case EventType::RunMerged: ++summary.merged; break;
        case EventType::RunNeedsAttention: ++summary.needsAttention; break;
        case EventType::CycleCompleted: ++summary.cycles; break;
        case EventType::WakeSent: ++summary.wakes; break;
        case EventType::RunInterrupted: ++summary.preemptions; break;
        case EventType::LeaseRecovered: ++summary.recoveredLeases; break;
        case EventType::RunRetryScheduled: ++summary.retries; break;
        default: break;
        }
        out(line(e));
    }
}

QByteArray Simulator::Private::line(const Event &e)
{
    JsonWriter w;
    w.add("t", isoUtc(e.time));
    w.add("event", eventTypeName(e.type));
    if (e.run) {
        w.add("run", e.run);
        if (const QString ref = runRefs.value(e.run); !ref.isEmpty())
            w.add("ref", ref);
    } else if (e.type == EventType::RunRejected && !currentRef.isEmpty()) {
        w.add("ref", currentRef);
    }
    if (e.session) {
        QString key = sessionKeys.value(e.session);
        if (key.isEmpty())
            if (const Session *s = engine->sessions().find(e.session))
                key = s->key;
        if (!key.isEmpty())
            w.add("session", key);
        else
            w.add("session_id", e.session);
    }
    if (e.lane)
        w.add("lane", e.laneName());
    const bool runEvent = e.type >= EventType::RunQueued && e.type <= EventType::RunClaimed;
    if (e.type == EventType::RunQueued || e.type == EventType::JobFired || e.type == EventType::RunInterrupted)
        w.add("priority", priorityName(e.priority));
    switch (e.type) {
    case EventType::RunStarted:
        w.add("attempt", e.value);
        break;
    case EventType::RunCompleted:
    case EventType::RunFailed:
    case EventType::RunCancelled:
    case EventType::RunRetryScheduled:
    case EventType::RunInterrupted:
    case EventType::RunRescheduled:
    case EventType::RunNeedsAttention:
    case EventType::LeaseRecovered:
        if (attempts.contains(e.run))
            w.add("attempt", attempts.value(e.run));
        break;
    default:
        break;
    }
    if (e.code != ErrorCode::None)
        w.add("error", errorCodeName(e.code));
    if (!e.text.isEmpty() && e.type != EventType::SpawnRequested && e.type != EventType::SessionCreated
        && e.type != EventType::CycleCompleted)
        w.add("detail", e.text);
    std::optional<Run> live;
    if (runEvent && e.run)
        live = engine->liveRun(e.run);
    switch (e.type) {
    case EventType::RunRetryScheduled:
        w.add("delay_ms", e.value);
        break;
    case EventType::JobFired:
        if (const QString job = jobRefs.value(e.value); !job.isEmpty())
            w.add("job", job);
        else
            w.add("job", e.value);
        break;
    case EventType::RunInterrupted:
    case EventType::RunRescheduled:
        if (live && !live->savedState.isEmpty())
            w.add("saved_state", QString::fromUtf8(live->savedState));
        break;
    case EventType::WakeSent:
        if (e.text.contains(u"fan-out"_s))
            w.add("tier", "fan_out");
        if (live && live->task && live->task->budget.wakeCount > 0)
            w.add("wake_count", live->task->budget.wakeCount);
        break;
    case EventType::RunStarved:
        w.add("tier", "event");
        if (live && live->task)
            w.add("wake_count", live->task->budget.wakeCount);
        break;
    case EventType::SpawnRequested:
        w.add("tier", "spawn");
        w.add("agent", e.text);
        if (live && live->task)
            w.add("wake_count", live->task->budget.wakeCount);
        break;
    case EventType::SpawnUnresolvable:
        w.add("tier", "spawn");
        break;
    case EventType::RunNeedsAttention:
        if (e.code == ErrorCode::None)
            w.add("tier", "needs_attention");
        break;
    case EventType::RunProgress:
        w.add("progress", double(e.value) / 1000.0);
        break;
    case EventType::RunMerged:
        w.add("into", e.value);
        break;
    case EventType::LaneChanged:
        w.add("limit", e.value);
        break;
    case EventType::CycleCompleted: {
        w.add("cycle", e.value);
        const QVector<CycleResult> recent = engine->cycleHistory(4);
        for (const CycleResult &r : recent) {
            if (qint64(r.number) != e.value)
                continue;
            w.add("pending_runs", r.pendingRuns)
                .add("active_runs", r.activeRuns)
                .add("sessions_scanned", r.sessionsScanned)
                .add("recovered_leases", r.recoveredLeases)
                .add("wake_attempts", r.wakeAttempts)
                .add("wake_succeeded", r.wakeSucceeded)
                .add("wake_failed", r.wakeFailed)
                .add("no_match_runs", r.noMatchRuns)
                .add("recently_notified", r.recentlyNotified)
                .add("unclaimable_runs", r.unclaimableRuns)
                .add("paused", r.paused)
                .add("starved_runs", r.starvedRuns)
                .add("spawn_requested", r.spawnRequested)
                .add("needs_attention", r.needsAttention);
            if (r.error.isError())
                w.add("detail", r.error.message);
        }
        break;
    }
    case EventType::SessionCreated:
    case EventType::RunQueued:
    case EventType::RunStarted:
    case EventType::RunCompleted:
    case EventType::RunFailed:
    case EventType::RunCancelled:
    case EventType::LeaseRecovered:
        break;
    default:
        if (e.value)
            w.add("value", e.value);
        break;
    }
    return w.finish();
}

Simulator::Simulator(Scenario scenario)
    : d(std::make_unique<Private>(std::move(scenario)))
{
    d->handlers.addBuiltins();
}

Simulator::~Simulator() = default;

const Summary &Simulator::summary() const
{
    return d->summary;
}

Error Simulator::run(const Sink &out, QStringList *notes)
{
    d->out = out;
    d->notes = notes;
    if (!d->dir.isValid())
        return Error::make(ErrorCode::StoreFailed, u"cannot make a temporary folder for the simulation's store"_s);
    if (const Error e = d->boot(d->origin()); e.isError())
        return e;
    d->createSessions();
    const Scenario &s = d->scenario;
    const qint64 limit = s.untilMs >= 0 ? s.untilMs : kMaxVirtualMs;
    qsizetype next = 0;
    for (;;) {
        const qint64 nextAction = next < s.actions.size() ? s.actions[next].atMs : kNever;
        const TimeMs due = d->clock->nextDue();
        const qint64 nextTimer = due >= 0 ? due - d->origin() : kNever;
        if (s.untilMs < 0 && next >= s.actions.size() && d->idle())
            break;
        const qint64 target = qMin(nextAction, nextTimer);
        if (target == kNever || target > limit) {
            d->advanceTo(d->origin() + limit);
            break;
        }
        d->advanceTo(d->origin() + qMax<qint64>(target, d->elapsed()));
        while (next < s.actions.size() && s.actions[next].atMs <= d->elapsed())
            d->apply(s.actions[next++]);
    }
    d->summary.preemptionsRefused = qint64(d->refusedBefore + d->engine->counters().preemptionsRefused);
    d->store->flush();
    d->engine.reset(); // as it ended: no shutdown's events in the trace
    d->store.reset();
    out(d->summary.line());
    return {};
}

} // namespace Yard::Sim
