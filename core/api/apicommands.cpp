// SPDX-License-Identifier: GPL-3.0-or-later
#include "apicommands.h"
#include "apijson.h"

#include "engine/scheduler.h"
#include "store/storereader.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <memory>

using namespace Qt::StringLiterals;

namespace Yard::Api {


Commands::Commands(Scheduler *scheduler, StoreReader *reader, Replier *replier, QObject *context)
    : m_scheduler(scheduler)
    , m_reader(reader)
    , m_replier(replier)
    , m_context(context)
{
    if (m_reader)
        QObject::connect(m_reader, &StoreReader::runsReady, m_context, [this](const RunPage &page) {
            if (auto answer = m_pendingRuns.take(page.request))
                answer(page);
        });
}


Commands::~Commands() = default;

QStringList Commands::names()
{
    return {u"ping"_s,         u"status"_s,       u"stats"_s,        u"cycles"_s,        u"pause"_s,
            u"resume"_s,       u"drain"_s,        u"submit"_s,       u"task.create"_s,   u"sessions.list"_s,
            u"runs.list"_s,    u"runs.cancel"_s,  u"runs.retry"_s,   u"runs.requeue"_s,  u"runs.recover"_s,
            u"runs.ack"_s,     u"jobs.list"_s,    u"jobs.create"_s,  u"jobs.update"_s,   u"jobs.enable"_s,
            u"jobs.disable"_s, u"jobs.run"_s,     u"jobs.delete"_s,  u"lanes.list"_s,    u"lanes.set"_s,
            u"events.subscribe"_s};
}

void Commands::ok(quint64 client, const QJsonValue &id, const QJsonValue &result)
{
    m_replier->reply(client, okReply(id, result));
}

void Commands::fail(quint64 client, const QJsonValue &id, const Error &e)
{
    m_replier->reply(client, errorReply(id, e));
}

void Commands::learnKeys(const EventBatch &events)
{
    for (const Event &e : events) {
        if (e.type == EventType::SessionCreated && e.session)
            m_sessionKeys.insert(e.session, e.text);
    }
}

QByteArray Commands::eventLine(const Event &e) const
{
    return Api::eventLine(e, m_sessionKeys.value(e.session));
}

void Commands::handle(quint64 client, const QString &user, const QVector<Request> &batch)
{
    // Submits go to the engine together (one turn, one durable wait); everything else in order.
    QVector<Request> submits;
    for (const Request &r : batch) {
        if (r.command == u"submit") {
            submits.append(r);
            continue;
        }
        if (!submits.isEmpty()) {
            submitBatch(client, user, submits);
            submits.clear();
        }
        dispatch(client, user, r);
    }
    if (!submits.isEmpty())
        submitBatch(client, user, submits);
}

void Commands::submitBatch(quint64 client, const QString &user, const QVector<Request> &submits)
{
    struct One
    {
        QJsonValue id;
        MessageRequest request;
        Error error;
        SubmitReceipt receipt;
    };
    auto work = std::make_shared<QVector<One>>();
    for (const Request &r : submits) {
        One one;
        one.id = r.id;
        const Params p(r.params);
        Expected<QString> session = p.requiredString(u"session"_s);
        Expected<QString> text = p.string(u"text"_s);
        Expected<QString> lane = p.string(u"lane"_s);
        Expected<QString> handler = p.string(u"handler"_s);
        Expected<QString> priority = p.string(u"priority"_s, u"normal"_s);
        Expected<QJsonObject> payload = p.object(u"payload"_s);
        one.error = firstError(session, text, lane, handler, priority, payload);
        if (!one.error.isError()) {
            const auto pr = priorityFromName(priority.value());
            if (!pr)
                one.error = invalid(u"unknown priority \"%1\" (interactive, urgent, high, normal, low)"_s.arg(priority.value()));
            else
                one.request.priority = *pr;
            one.request.sessionKey = session.value();
            one.request.content = text.value();
            one.request.lane = lane.value();
            one.request.handler = handler.value();
            if (!payload->isEmpty())
                one.request.payloadJson = QJsonDocument(payload.value()).toJson(QJsonDocument::Compact);
        }
        work->append(one);
    }
    QPointer<QObject> context(m_context);
    Replier *replier = m_replier;
    m_scheduler->post([work, context, replier, client](Engine &e) {
        e.batch([&] {
            for (One &one : *work) {
                if (one.error.isError())
                    continue;
                Expected<SubmitReceipt> r = e.submitMessage(one.request);
                if (r)
                    one.receipt = r.value();
                else
                    one.error = r.error();
            }
        });
        // Acknowledged once the runs are on disk (SPEC I2).
        e.whenDurable([work, context, replier, client] {
            if (!context)
                return;
            QMetaObject::invokeMethod(context.data(), [work, context, replier, client] {
                if (!context)
                    return;
                QByteArray out;
                for (const One &one : std::as_const(*work)) {
                    out += one.error.isError() ? errorReply(one.id, one.error)
                                               : okReply(one.id, QJsonObject{{u"run"_s, one.receipt.runId},
                                                                             {u"session_id"_s, one.receipt.sessionId},
                                                                             {u"message"_s, one.receipt.messageId}});
                }
                replier->reply(client, out);
            }, Qt::QueuedConnection);
        });
    });
}

void Commands::dispatch(quint64 client, const QString &user, const Request &r)
{
    const QString &c = r.command;
    if (c == u"ping") {
        ok(client, r.id, QJsonObject{{u"pong"_s, true}});
    } else if (c == u"status" || c == u"stats" || c == u"cycles") {
        status(client, r);
    } else if (c == u"pause" || c == u"resume" || c == u"drain") {
        control(client, user, r, c);
    } else if (c == u"task.create") {
        taskCreate(client, user, r);
    } else if (c == u"sessions.list") {
        sessionsList(client, r);
    } else if (c == u"runs.list") {
        runsList(client, r);
    } else if (c.startsWith(u"runs.")) {
        const QString action = c.mid(5);
        if (action != u"cancel" && action != u"retry" && action != u"requeue" && action != u"recover" && action != u"ack")
            fail(client, r.id, invalid(u"unknown command \"%1\" (known: %2)"_s.arg(c, names().join(u", "_s))));
        else
            runsAct(client, user, r, action);
    } else if (c.startsWith(u"jobs.")) {
        jobsAct(client, user, r, c.mid(5));
    } else if (c == u"lanes.list" || c == u"lanes.set") {
        lanes(client, user, r, c == u"lanes.set");
    } else if (c == u"events.subscribe") {
        Expected<QJsonObject> filter = Params(r.params).object(u"filter"_s);
        Expected<EventSubscription> s = filter ? EventSubscription::fromJson(filter.value()) : Expected<EventSubscription>(filter.error());
        if (!s) {
            fail(client, r.id, s.error());
            return;
        }
        // Events name sessions by key: learn every key first, then subscribe.
        m_scheduler->call(
            m_context,
            [](Engine &e) {
                QHash<SessionId, QString> keys;
                for (SessionId id : e.sessions().ids())
                    if (const Session *s = e.sessions().find(id))
                        keys.insert(id, s->key);
                return keys;
            },
            [this, client, id = r.id, s = s.value()](const QHash<SessionId, QString> &keys) {
                m_sessionKeys.insert(keys);
                m_replier->subscribe(client, s);
                ok(client, id, QJsonObject{{u"subscribed"_s, true}});
            });
    } else {
        fail(client, r.id, invalid(u"unknown command \"%1\" (known: %2)"_s.arg(c, names().join(u", "_s))));
    }
}

void Commands::status(quint64 client, const Request &r)
{
    const QJsonValue id = r.id;
    const bool cycles = r.command == u"cycles";
    const Params p(r.params);
    Expected<qint64> limit = p.integer(u"limit"_s, 20, 1, 500);
    if (!limit) {
        fail(client, id, limit.error());
        return;
    }
    const int max = int(limit.value());
    m_scheduler->call(
        m_context,
        [cycles, max](Engine &e) {
            QJsonObject o;
            const PauseState &pause = e.pauseState();
            const EngineCounters &c = e.counters();
            const CycleStats &cs = e.cycleStats();
            o.insert(u"paused"_s, pause.paused);
            if (pause.paused) {
                o.insert(u"pause_reason"_s, pause.reason);
                o.insert(u"paused_by"_s, pause.actor);
                o.insert(u"paused_at"_s, iso(pause.since));
            }
            o.insert(u"draining"_s, e.isDraining());
            o.insert(u"store_failing"_s, e.isStoreFailing());
            o.insert(u"running"_s, e.runningCount());
            o.insert(u"queued"_s, e.queuedCount());
            o.insert(u"sessions"_s, e.sessions().sessionCount());
            o.insert(u"tasks_waiting"_s, e.waitingTasks());
            o.insert(u"tasks_claimed"_s, e.claimedTasks());
            o.insert(u"needs_attention"_s, e.needsAttentionOpen());
            o.insert(u"jobs"_s, int(e.jobs().size()));
            o.insert(u"counters"_s, QJsonObject{{u"accepted"_s, qint64(c.accepted)},     {u"started"_s, qint64(c.started)},
                                                {u"completed"_s, qint64(c.completed)},   {u"failed"_s, qint64(c.failed)},
                                                {u"cancelled"_s, qint64(c.cancelled)},   {u"merged"_s, qint64(c.merged)},
                                                {u"rejected"_s, qint64(c.rejected)},     {u"preemptions"_s, qint64(c.preemptions)},
                                                {u"preemptions_refused"_s, qint64(c.preemptionsRefused)}});
            o.insert(u"cycle"_s, QJsonObject{{u"cycles"_s, qint64(cs.cycles)},
                                             {u"interval_ms"_s, e.cycleInterval()},
                                             {u"last_at"_s, isoOrNull(cs.lastCycleAt)},
                                             {u"wake_attempts"_s, qint64(cs.wakeAttempts)},
                                             {u"wake_succeeded"_s, qint64(cs.wakeSucceeded)},
                                             {u"wake_failed"_s, qint64(cs.wakeFailed)},
                                             {u"recovered_leases"_s, qint64(cs.recoveredLeases)},
                                             {u"starved_runs"_s, qint64(cs.starvedRuns)},
                                             {u"spawn_requested"_s, qint64(cs.spawnRequested)},
                                             {u"needs_attention"_s, qint64(cs.needsAttention)},
                                             {u"last_wake_error"_s, cs.lastWakeError},
                                             {u"last_recovery_error"_s, cs.lastRecoveryError}});
            QJsonArray lanes;
            for (const LaneStats &l : e.laneStats())
                lanes.append(laneJson(l));
            o.insert(u"lanes"_s, lanes);
            if (cycles) {
                QJsonArray list;
                for (const CycleResult &r : e.cycleHistory(max)) {
                    list.append(QJsonObject{{u"cycle"_s, qint64(r.number)},        {u"at"_s, iso(r.at)},
                                            {u"duration_us"_s, r.durationUs},     {u"pending_runs"_s, r.pendingRuns},
                                            {u"active_runs"_s, r.activeRuns},     {u"sessions_scanned"_s, r.sessionsScanned},
                                            {u"recovered_leases"_s, r.recoveredLeases}, {u"wake_attempts"_s, r.wakeAttempts},
                                            {u"wake_succeeded"_s, r.wakeSucceeded}, {u"wake_failed"_s, r.wakeFailed},
                                            {u"no_match_runs"_s, r.noMatchRuns}, {u"recently_notified"_s, r.recentlyNotified},
                                            {u"unclaimable_runs"_s, r.unclaimableRuns}, {u"paused"_s, r.paused},
                                            {u"starved_runs"_s, r.starvedRuns}, {u"spawn_requested"_s, r.spawnRequested},
                                            {u"needs_attention"_s, r.needsAttention}, {u"error"_s, r.error.message}});
                }
                o.insert(u"recent"_s, list);
            }
            return o;
        },
        [this, client, id](const QJsonObject &o) { ok(client, id, o); });
}

void Commands::control(quint64 client, const QString &user, const Request &r, const QString &action)
{
    const Params p(r.params);
    Expected<QString> reason = p.string(u"reason"_s);
    Expected<qint64> timeout = p.integer(u"timeout_ms"_s, -1, -1, 24 * 3'600'000);
    if (const Error e = firstError(reason, timeout); e.isError()) {
        fail(client, r.id, e);
        return;
    }
    if (action == u"pause" && reason->trimmed().isEmpty()) {
        fail(client, r.id, invalid(u"pause needs a \"reason\": every operator sees it"_s));
        return;
    }
    const QJsonValue id = r.id;
    const QString actor = u"api:"_s + user;
    m_scheduler->call(
        m_context,
        [action, actor, reason = reason.value(), timeout = timeout.value()](Engine &e) {
            e.batch([&] {
                if (action == u"pause")
                    e.pause(reason, actor);
                else if (action == u"resume")
                    e.resume(actor);
                else
                    e.drain(int(timeout), actor);
                e.audit(actor, action, u"scheduler"_s, reason);
            });
            return QJsonObject{{u"paused"_s, e.pauseState().paused}, {u"draining"_s, e.isDraining()},
                               {u"running"_s, e.runningCount()}};
        },
        [this, client, id](const QJsonObject &o) { ok(client, id, o); });
}

void Commands::taskCreate(quint64 client, const QString &user, const Request &r)
{
    const Params p(r.params);
    TaskSubmission t;
    Expected<QStringList> caps = p.strings(u"requires"_s);
    Expected<QString> handler = p.string(u"handler"_s, u"simulate"_s);
    Expected<QString> input = p.string(u"input"_s);
    Expected<QString> lane = p.string(u"lane"_s);
    Expected<QString> priority = p.string(u"priority"_s, u"normal"_s);
    Expected<QString> workspace = p.string(u"workspace"_s);
    Expected<QString> channel = p.string(u"channel"_s);
    Expected<QString> owner = p.string(u"owner"_s);
    Expected<QJsonObject> payload = p.object(u"payload"_s);
    Expected<qint64> attempts = p.integer(u"max_attempts"_s, 0, 0, 1000);
    if (const Error e = firstError(caps, handler, input, lane, priority, workspace, channel, owner, payload, attempts); e.isError()) {
        fail(client, r.id, e);
        return;
    }
    const auto pr = priorityFromName(priority.value());
    if (!pr) {
        fail(client, r.id, invalid(u"unknown priority \"%1\""_s.arg(priority.value())));
        return;
    }
    t.handler = handler.value();
    t.input = input.value();
    t.lane = lane.value();
    t.priority = *pr;
    t.needs.capabilities = caps.value();
    t.needs.workspace = workspace.value();
    t.needs.channel = channel.value();
    t.needs.owner = owner.value();
    t.maxAttempts = int(attempts.value());
    if (!payload->isEmpty())
        t.payloadJson = QJsonDocument(payload.value()).toJson(QJsonDocument::Compact);
    const QJsonValue id = r.id;
    QPointer<QObject> context(m_context);
    Replier *replier = m_replier;
    m_scheduler->post([t, id, context, replier, client, user](Engine &e) {
        Expected<RunId> run = e.submitTask(t);
        auto answer = [run, id, context, replier, client] {
            if (!context)
                return;
            QMetaObject::invokeMethod(context.data(), [run, id, context, replier, client] {
                if (context)
                    replier->reply(client, run ? okReply(id, QJsonObject{{u"run"_s, run.value()}}) : errorReply(id, run.error()));
            }, Qt::QueuedConnection);
        };
        if (run)
            e.whenDurable(answer);
        else
            answer();
    });
}

void Commands::sessionsList(quint64 client, const Request &r)
{
    const Params p(r.params);
    Expected<qint64> offset = p.integer(u"offset"_s, 0, 0, std::numeric_limits<qint32>::max());
    Expected<qint64> limit = p.integer(u"limit"_s, 100, 1, 1000);
    Expected<QString> search = p.string(u"search"_s);
    if (const Error e = firstError(offset, limit, search); e.isError()) {
        fail(client, r.id, e);
        return;
    }
    const QJsonValue id = r.id;
    m_scheduler->call(
        m_context,
        [offset = int(offset.value()), limit = int(limit.value()), search = search.value()](Engine &e) {
            QJsonArray list;
            int matched = 0;
            for (SessionId sid : e.sessions().ids()) {
                const std::optional<SessionStatus> s = e.sessionStatus(sid);
                if (!s || (!search.isEmpty() && !s->key.contains(search, Qt::CaseInsensitive)))
                    continue;
                if (matched++ < offset || list.size() >= limit)
                    continue;
                list.append(QJsonObject{{u"id"_s, s->id},        {u"key"_s, s->key},
                                        {u"agent"_s, s->agent},  {u"state"_s, sessionStateName(s->state)},
                                        {u"mode"_s, queueModeName(s->mode)}, {u"paused"_s, s->paused},
                                        {u"running"_s, s->active}, {u"queued"_s, s->queued},
                                        {u"last_activity"_s, isoOrNull(s->lastActivity)},
                                        {u"context_used"_s, s->tokenRatio}});
            }
            return QJsonObject{{u"sessions"_s, list}, {u"total"_s, matched}, {u"offset"_s, offset}};
        },
        [this, client, id](const QJsonObject &o) {
            for (const QJsonValue &v : o.value(u"sessions"_s).toArray())
                m_sessionKeys.insert(v[u"id"_s].toInteger(), v[u"key"_s].toString());
            ok(client, id, o);
        });
}

} // namespace Yard::Api
