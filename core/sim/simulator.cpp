// SPDX-License-Identifier: GPL-3.0-or-later
#include "simulator_p.h"

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
