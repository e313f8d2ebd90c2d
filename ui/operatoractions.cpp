// SPDX-License-Identifier: GPL-3.0-or-later
#include "operatoractions.h"

#include "engine/scheduler.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

namespace {

struct Outcome
{
    QString summary;
    QString error;
    QVector<RunId> rejected;
};

QString runList(const QVector<RunId> &runs)
{
    QStringList ids;
    for (int i = 0; i < runs.size() && i < 8; ++i)
        ids << u"#%1"_s.arg(runs[i]);
    if (runs.size() > 8)
        ids << u"…"_s;
    return (runs.size() == 1 ? u"run "_s : u"%1 runs "_s.arg(runs.size())) + ids.join(u", "_s);
}

} // namespace

OperatorActions::OperatorActions(Scheduler *scheduler, QString actor, QObject *parent)
    : QObject(parent)
    , m_scheduler(scheduler)
    , m_actor(std::move(actor))
{}

void OperatorActions::setReadOnly(bool readOnly)
{
    if (m_readOnly == readOnly)
        return;
    m_readOnly = readOnly;
    Q_EMIT readOnlyChanged(readOnly);
}

bool OperatorActions::refusedReadOnly()
{
    if (!m_readOnly)
        return false;
    Q_EMIT actionFailed(tr("read-only mode: the console shows everything but changes nothing "
                           "(started with --read-only, or View ▸ Read-only)"));
    return true;
}

template<typename Fn>
static void run(Scheduler *s, OperatorActions *self, Fn fn)
{
    s->call(self, std::move(fn), [self](const Outcome &o) {
        if (!o.error.isEmpty())
            Q_EMIT self->actionFailed(o.error);
        if (!o.summary.isEmpty())
            Q_EMIT self->actionDone(o.summary);
        if (!o.rejected.isEmpty())
            Q_EMIT self->cancelRejected(o.rejected);
    });
}

void OperatorActions::pause(const QString &reason)
{
    if (refusedReadOnly())
        return;
    run(m_scheduler, this, [actor = m_actor, reason](Engine &e) {
        e.batch([&] {
            e.pause(reason, actor);
            e.audit(actor, u"pause"_s, u"scheduler"_s, reason);
        });
        return Outcome{tr("Scheduler paused: %1").arg(reason), {}, {}};
    });
}

void OperatorActions::resume(const QString &reason)
{
    if (refusedReadOnly())
        return;
    run(m_scheduler, this, [actor = m_actor, reason](Engine &e) {
        e.batch([&] {
            e.resume(actor);
            e.audit(actor, u"resume"_s, u"scheduler"_s, reason);
        });
        return Outcome{tr("Scheduler resumed"), {}, {}};
    });
}

void OperatorActions::drain(const QString &reason)
{
    if (refusedReadOnly())
        return;
    run(m_scheduler, this, [actor = m_actor, reason](Engine &e) {
        const int running = e.runningCount();
        e.batch([&] {
            e.drain(-1, actor);
            e.audit(actor, u"drain"_s, u"scheduler"_s, reason, u"%1 runs in flight"_s.arg(running));
        });
        return Outcome{tr("Draining: waiting for %1 running runs").arg(running), {}, {}};
    });
}

void OperatorActions::cancelRuns(const QVector<RunId> &runs, const QString &reason)
{
    if (refusedReadOnly())
        return;
    if (runs.isEmpty())
        return;
    Q_EMIT cancelRequested(runs);
    run(m_scheduler, this, [actor = m_actor, runs, reason](Engine &e) {
        Outcome o;
        int done = 0;
        QStringList errors;
        e.batch([&] {
            for (RunId id : runs) {
                const Error err = e.cancelRun(id, reason.isEmpty() ? QString() : u"cancelled by %1: %2"_s.arg(actor, reason));
                if (err.isError()) {
                    o.rejected << id;
                    errors << err.message;
                } else {
                    ++done;
                }
            }
            e.audit(actor, u"cancel_runs"_s, runList(runs), reason,
                    u"%1 cancelled, %2 not running or queued"_s.arg(done).arg(o.rejected.size()));
        });
        o.summary = tr("Cancelling %n run(s)", nullptr, done);
        if (!errors.isEmpty())
            o.error = errors.size() == 1 ? errors.first()
                                         : tr("%n run(s) could not be cancelled (already finished)", nullptr,
                                              int(errors.size()));
        return o;
    });
}

void OperatorActions::retryRuns(const QVector<RunId> &runs, const QString &reason)
{
    if (refusedReadOnly())
        return;
    if (runs.isEmpty())
        return;
    run(m_scheduler, this, [actor = m_actor, runs, reason](Engine &e) {
        Outcome o;
        QStringList errors, created;
        e.batch([&] {
            for (RunId id : runs) {
                Expected<RunId> r = e.retryRun(id);
                if (r)
                    created << u"#%1"_s.arg(r.value());
                else
                    errors << r.error().message;
            }
            e.audit(actor, u"retry_runs"_s, runList(runs), reason,
                    created.isEmpty() ? u"nothing retried"_s : u"new runs "_s + created.join(u", "_s));
        });
        if (!created.isEmpty())
            o.summary = tr("Retried as %1").arg(created.join(u", "_s));
        if (!errors.isEmpty())
            o.error = errors.first() + (errors.size() > 1 ? tr(" (and %1 more)").arg(errors.size() - 1) : QString());
        return o;
    });
}

void OperatorActions::requeueRuns(const QVector<RunId> &runs, const QString &reason)
{
    if (refusedReadOnly())
        return;
    if (runs.isEmpty())
        return;
    run(m_scheduler, this, [actor = m_actor, runs, reason](Engine &e) {
        Outcome o;
        QStringList errors;
        int done = 0;
        e.batch([&] {
            for (RunId id : runs) {
                const Error err = e.requeueRun(id);
                if (err.isError())
                    errors << err.message;
                else
                    ++done;
            }
            e.audit(actor, u"requeue_runs"_s, runList(runs), reason, u"%1 requeued"_s.arg(done));
        });
        if (done)
            o.summary = tr("Requeued %n run(s)", nullptr, done);
        if (!errors.isEmpty())
            o.error = errors.first();
        return o;
    });
}

void OperatorActions::sendMessage(SessionId session, const QString &text)
{
    if (refusedReadOnly())
        return;
    run(m_scheduler, this, [actor = m_actor, session, text](Engine &e) {
        Outcome o;
        MessageRequest req;
        req.sessionId = session;
        req.content = text;
        req.priority = Priority::Interactive;
        Expected<SubmitReceipt> r = e.submitMessage(req);
        if (r)
            o.summary = tr("Message sent as run #%1").arg(r->runId);
        else
            o.error = r.error().toString();
        const Session *s = e.sessions().find(session);
        e.audit(actor, u"send_message"_s, u"session "_s + (s ? s->key : QString::number(session)), {},
                r ? u"run #%1"_s.arg(r->runId) : r.error().toString());
        return o;
    });
}

void OperatorActions::cancelOldest(SessionId session, const QString &key)
{
    if (refusedReadOnly())
        return;
    run(m_scheduler, this, [actor = m_actor, session, key](Engine &e) {
        Outcome o;
        Expected<bool> r = e.cancelOne(session);
        if (!r)
            o.error = r.error().toString();
        else
            o.summary = r.value() ? tr("Cancelled the oldest run of %1").arg(key)
                                  : tr("%1 has no running run").arg(key);
        e.audit(actor, u"cancel_oldest"_s, u"session "_s + key, {},
                r && r.value() ? u"1 run cancelled"_s : u"nothing running"_s);
        return o;
    });
}

void OperatorActions::cancelAll(SessionId session, const QString &key, const QString &reason)
{
    if (refusedReadOnly())
        return;
    run(m_scheduler, this, [actor = m_actor, session, key, reason](Engine &e) {
        Outcome o;
        Expected<int> r = e.cancelAll(session);
        if (!r)
            o.error = r.error().toString();
        else
            o.summary = tr("Cancelled %n run(s) of %1", nullptr, r.value()).arg(key);
        e.audit(actor, u"cancel_all"_s, u"session "_s + key, reason,
                r ? u"%1 runs cancelled"_s.arg(r.value()) : r.error().toString());
        return o;
    });
}

void OperatorActions::resetSession(SessionId session, const QString &key, const QString &reason)
{
    if (refusedReadOnly())
        return;
    run(m_scheduler, this, [actor = m_actor, session, key, reason](Engine &e) {
        Outcome o;
        Expected<int> r = e.reset(session);
        if (!r)
            o.error = r.error().toString();
        else
            o.summary = tr("Reset %1: %n run(s) cleared", nullptr, r.value()).arg(key);
        e.audit(actor, u"reset_session"_s, u"session "_s + key, reason,
                r ? u"%1 runs cleared"_s.arg(r.value()) : r.error().toString());
        return o;
    });
}

void OperatorActions::setSessionPaused(SessionId session, const QString &key, bool paused)
{
    if (refusedReadOnly())
        return;
    run(m_scheduler, this, [actor = m_actor, session, key, paused](Engine &e) {
        Outcome o;
        const Error err = e.setSessionPaused(session, paused);
        if (err.isError())
            o.error = err.toString();
        else
            o.summary = paused ? tr("Paused session %1").arg(key) : tr("Resumed session %1").arg(key);
        e.audit(actor, paused ? u"pause_session"_s : u"resume_session"_s, u"session "_s + key, {});
        return o;
    });
}

void OperatorActions::setQueueConfig(SessionId session, const QString &key,
                                     const QueueConfigOverride &config)
{
    if (refusedReadOnly())
        return;
    run(m_scheduler, this, [actor = m_actor, session, key, config](Engine &e) {
        Outcome o;
        const Error err = e.setSessionQueueConfig(session, config);
        if (err.isError())
            o.error = err.toString();
        else
            o.summary = tr("Queue settings of %1 updated").arg(key);
        e.audit(actor, u"set_queue_config"_s, u"session "_s + key, {},
                QString::fromUtf8(QJsonDocument(config.toJson()).toJson(QJsonDocument::Compact)));
        return o;
    });
}

void OperatorActions::setLaneLimit(const QString &lane, int limit)
{
    if (refusedReadOnly())
        return;
    run(m_scheduler, this, [actor = m_actor, lane, limit](Engine &e) {
        Outcome o;
        const Error err = e.setLaneLimit(lane, limit);
        if (err.isError())
            o.error = err.toString();
        else
            o.summary = tr("Lane %1 limit set to %2").arg(lane).arg(limit);
        e.audit(actor, u"set_lane_limit"_s, u"lane "_s + lane, {}, u"limit %1"_s.arg(limit));
        return o;
    });
}

void OperatorActions::setLanePaused(const QString &lane, bool paused)
{
    if (refusedReadOnly())
        return;
    run(m_scheduler, this, [actor = m_actor, lane, paused](Engine &e) {
        Outcome o;
        const Error err = e.setLanePaused(lane, paused);
        if (err.isError())
            o.error = err.toString();
        else
            o.summary = paused ? tr("Lane %1 paused").arg(lane) : tr("Lane %1 resumed").arg(lane);
        e.audit(actor, paused ? u"pause_lane"_s : u"resume_lane"_s, u"lane "_s + lane, {});
        return o;
    });
}

void OperatorActions::setLanePreemptGrace(const QString &lane, int ms)
{
    if (refusedReadOnly())
        return;
    run(m_scheduler, this, [actor = m_actor, lane, ms](Engine &e) {
        Outcome o;
        const Error err = e.setLanePreemptGrace(lane, ms);
        if (err.isError())
            o.error = err.toString();
        else
            o.summary = ms > 0 ? tr("Lane %1: interrupted runs get %2 ms to yield").arg(lane).arg(ms)
                               : tr("Lane %1: interrupted runs get the default grace period").arg(lane);
        e.audit(actor, u"set_lane_grace"_s, u"lane "_s + lane, {}, u"%1 ms"_s.arg(ms));
        return o;
    });
}

void OperatorActions::setDemoRunning(bool running)
{
    if (refusedReadOnly())
        return;
    m_scheduler->setDemoRunning(running);
    m_scheduler->post([actor = m_actor, running](Engine &e) {
        e.audit(actor, running ? u"start_demo"_s : u"stop_demo"_s, u"demo workload"_s, {});
    });
    Q_EMIT actionDone(running ? tr("Demo workload started") : tr("Demo workload stopped"));
}

void OperatorActions::resolveAttention(AttentionAction action, const QVector<RunId> &runs,
                                       const NeedsAttentionFilter &filter, const QString &note)
{
    if (refusedReadOnly())
        return;
    m_scheduler->call(
        this,
        [actor = m_actor, action, runs, filter, note](Engine &e) {
            return e.resolveAttention(action, runs, filter, actor, note);
        },
        [this, action](const AttentionOutcome &o) {
            if (o.done > 0) {
                switch (action) {
                case AttentionAction::Requeue:
                    Q_EMIT actionDone(tr("Requeued %n run(s): they wait for a claim again", nullptr, o.done));
                    break;
                case AttentionAction::Cancel:
                    Q_EMIT actionDone(tr("Cancelled %n run(s)", nullptr, o.done));
                    break;
                case AttentionAction::Acknowledge:
                    Q_EMIT actionDone(tr("Acknowledged %n run(s)", nullptr, o.done));
                    break;
                }
            }
            if (o.failed > 0)
                Q_EMIT actionFailed(o.errors.isEmpty() ? tr("%n run(s) could not be changed", nullptr, o.failed)
                                                       : o.errors.first()
                                                             + (o.failed > 1 ? tr(" (and %1 more)").arg(o.failed - 1)
                                                                             : QString()));
            else if (o.done == 0)
                Q_EMIT actionFailed(tr("No run matched: nothing changed"));
            Q_EMIT attentionResolved(o.done, o.failed);
        });
}

void OperatorActions::runCycleNow()
{
    if (refusedReadOnly())
        return;
    run(m_scheduler, this, [actor = m_actor](Engine &e) {
        Outcome o;
        Expected<CycleResult> r = e.runCycleNow();
        if (!r) {
            o.error = r.error().toString();
            return o;
        }
        const CycleResult &c = r.value();
        o.summary = c.paused ? tr("Cycle %1 ran while paused: %n lease(s) recovered, nobody woken", nullptr,
                                  c.recoveredLeases).arg(c.number)
                             : tr("Cycle %1: %2 of %3 wakes sent, %4 recovered, %5 need attention")
                                   .arg(c.number)
                                   .arg(c.wakeSucceeded)
                                   .arg(c.wakeAttempts)
                                   .arg(c.recoveredLeases)
                                   .arg(c.needsAttention);
        if (c.error.isError())
            o.error = tr("Cycle %1: %2").arg(c.number).arg(c.error.message);
        e.audit(actor, u"run_cycle"_s, u"mechanical cycle"_s, {}, u"cycle %1"_s.arg(c.number));
        return o;
    });
}

void OperatorActions::setCycleInterval(qint64 ms)
{
    if (refusedReadOnly())
        return;
    run(m_scheduler, this, [actor = m_actor, ms](Engine &e) {
        const qint64 before = e.cycleInterval();
        e.batch([&] {
            e.setCycleInterval(ms);
            e.audit(actor, u"set_cycle_interval"_s, u"mechanical cycle"_s, {},
                    u"%1 ms (was %2 ms)"_s.arg(qMax<qint64>(0, ms)).arg(before));
        });
        return Outcome{ms > 0 ? tr("Cycle interval set to %1 s").arg(double(ms) / 1000.0)
                              : tr("Cycles now run only on demand"),
                       {}, {}};
    });
}

void OperatorActions::createJob(const JobSpec &spec)
{
    if (refusedReadOnly())
        return;
    m_scheduler->call(
        this,
        [actor = m_actor, spec](Engine &e) {
            Expected<Job> j = e.createJob(spec);
            e.audit(actor, u"create_job"_s, u"job "_s + spec.name, {},
                    j ? u"job %1: %2"_s.arg(j->id).arg(QString::fromUtf8(QJsonDocument(spec.toJson()).toJson(QJsonDocument::Compact)))
                      : j.error().toString());
            return j;
        },
        [this](const Expected<Job> &j) {
            if (!j) {
                Q_EMIT actionFailed(j.error().toString());
                return;
            }
            Q_EMIT actionDone(tr("Job \"%1\" created (#%2)").arg(j->spec.name).arg(j->id));
            Q_EMIT jobSaved(j->id);
        });
}

void OperatorActions::updateJob(JobId id, const JobSpec &spec)
{
    if (refusedReadOnly())
        return;
    run(m_scheduler, this, [actor = m_actor, id, spec](Engine &e) {
        Outcome o;
        const Error err = e.updateJob(id, spec);
        if (err.isError())
            o.error = err.toString();
        else
            o.summary = tr("Job \"%1\" saved").arg(spec.name);
        e.audit(actor, u"update_job"_s, u"job %1"_s.arg(id), {},
                err.isError() ? err.toString() : QString::fromUtf8(QJsonDocument(spec.toJson()).toJson(QJsonDocument::Compact)));
        return o;
    });
}

void OperatorActions::setJobEnabled(JobId id, const QString &name, bool enabled)
{
    if (refusedReadOnly())
        return;
    run(m_scheduler, this, [actor = m_actor, id, name, enabled](Engine &e) {
        Outcome o;
        const Error err = e.setJobEnabled(id, enabled);
        if (err.isError())
            o.error = err.toString();
        else
            o.summary = enabled ? tr("Job \"%1\" enabled").arg(name) : tr("Job \"%1\" disabled: it keeps its history and does not fire").arg(name);
        e.audit(actor, enabled ? u"enable_job"_s : u"disable_job"_s, u"job %1 (%2)"_s.arg(id).arg(name), {});
        return o;
    });
}

void OperatorActions::runJobNow(JobId id, const QString &name)
{
    if (refusedReadOnly())
        return;
    run(m_scheduler, this, [actor = m_actor, id, name](Engine &e) {
        Outcome o;
        Expected<RunId> r = e.runJobNow(id);
        if (r)
            o.summary = tr("Job \"%1\" started as run #%2").arg(name).arg(r.value());
        else
            o.error = r.error().toString();
        e.audit(actor, u"run_job_now"_s, u"job %1 (%2)"_s.arg(id).arg(name), {}, r ? u"run #%1"_s.arg(r.value()) : r.error().toString());
        return o;
    });
}

void OperatorActions::deleteJob(JobId id, const QString &name, const QString &reason)
{
    if (refusedReadOnly())
        return;
    run(m_scheduler, this, [actor = m_actor, id, name, reason](Engine &e) {
        Outcome o;
        const Error err = e.deleteJob(id);
        if (err.isError())
            o.error = err.toString();
        else
            o.summary = tr("Job \"%1\" deleted").arg(name);
        e.audit(actor, u"delete_job"_s, u"job %1 (%2)"_s.arg(id).arg(name), reason);
        return o;
    });
}

} // namespace Yard::Ui
