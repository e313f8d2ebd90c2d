// SPDX-License-Identifier: GPL-3.0-or-later
#include "apicommands.h"

#include "engine/scheduler.h"
#include "jobs/cronexpression.h"
#include "model/isotime.h"
#include "store/storereader.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>

#include <memory>

using namespace Qt::StringLiterals;

namespace Yard::Api {

namespace {

constexpr int kMaxBulk = 10'000; ///< runs one filter may act on at once

Error invalid(const QString &what)
{
    return Error::make(ErrorCode::InvalidRequest, what);
}

QString iso(TimeMs t)
{
    return t > 0 ? isoUtc(t) : QString();
}

QJsonValue isoOrNull(TimeMs t)
{
    return t > 0 ? QJsonValue(iso(t)) : QJsonValue(QJsonValue::Null);
}

/// A time parameter: ISO-8601, or milliseconds since the epoch.
Expected<TimeMs> timeParam(const Params &p, const QString &key)
{
    const QJsonValue v = p.json().value(key);
    if (v.isUndefined() || v.isNull())
        return TimeMs(0);
    if (v.isDouble())
        return TimeMs(v.toDouble());
    const QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
    if (!v.isString() || !t.isValid())
        return invalid(u"\"%1\" must be an ISO-8601 time or milliseconds since the epoch"_s.arg(key));
    return t.toMSecsSinceEpoch();
}

QJsonObject runJson(const RunRow &r)
{
    QJsonObject o{{u"id"_s, r.id},
                  {u"state"_s, runStateName(r.state)},
                  {u"session"_s, r.sessionKey},
                  {u"type"_s, r.handler},
                  {u"lane"_s, r.lane},
                  {u"priority"_s, priorityName(r.priority)},
                  {u"attempt"_s, r.attempt},
                  {u"queued_at"_s, isoOrNull(r.queuedAt)},
                  {u"started_at"_s, isoOrNull(r.startedAt)},
                  {u"finished_at"_s, isoOrNull(r.finishedAt)},
                  {u"input"_s, r.preview}};
    if (r.errorCode != ErrorCode::None) {
        o.insert(u"error"_s, errorCodeName(r.errorCode));
        o.insert(u"detail"_s, r.error);
    }
    if (r.progress > 0)
        o.insert(u"progress"_s, r.progress);
    return o;
}

QJsonObject jobJson(const Job &j)
{
    QJsonObject o{{u"id"_s, j.id},
                  {u"job"_s, j.spec.toJson()},
                  {u"enabled"_s, j.spec.enabled},
                  {u"schedule"_s, j.spec.schedule.summary()},
                  {u"created_at"_s, iso(j.createdAt)},
                  {u"next_fire_at"_s, isoOrNull(j.nextFireAt)},
                  {u"last_fire_at"_s, isoOrNull(j.lastFireAt)},
                  {u"fires"_s, qint64(j.fires)},
                  {u"last_run"_s, j.lastRunId},
                  {u"last_outcome"_s, j.lastOutcome},
                  {u"last_error"_s, j.lastError},
                  {u"completed"_s, qint64(j.completed)},
                  {u"failed"_s, qint64(j.failed)}};
    if (j.spec.schedule.kind == Schedule::Kind::Cron) {
        Expected<CronExpression> c = CronExpression::parse(j.spec.schedule.cron, j.spec.schedule.timeZone);
        if (c)
            o.insert(u"reads"_s, c->describe());
    }
    return o;
}

QJsonObject laneJson(const LaneStats &l)
{
    return {{u"name"_s, l.name},        {u"limit"_s, l.limit},        {u"running"_s, l.active},
            {u"waiting"_s, l.pending},  {u"paused"_s, l.paused},      {u"started"_s, qint64(l.started)},
            {u"preemptions"_s, qint64(l.preemptions)}, {u"preemptions_refused"_s, qint64(l.preemptionsRefused)},
            {u"preempt_grace_ms"_s, l.preemptGraceMs}};
}

Expected<RunFilter> runFilter(const Params &p, const QHash<QString, SessionId> *sessions = nullptr)
{
    RunFilter f;
    Expected<QStringList> states = p.strings(u"state"_s);
    if (!states)
        return states.error();
    for (const QString &s : states.value()) {
        const auto st = runStateFromName(s);
        if (!st)
            return invalid(u"unknown run state \"%1\" (queued, running, completed, failed, cancelled, needs_attention, …)"_s.arg(s));
        f.states << *st;
    }
    Expected<QStringList> lanes = p.strings(u"lane"_s);
    if (!lanes)
        return lanes.error();
    f.lanes = lanes.value();
    Expected<QStringList> types = p.strings(u"type"_s);
    if (!types)
        return types.error();
    f.handlers = types.value();
    Expected<QStringList> priorities = p.strings(u"priority"_s);
    if (!priorities)
        return priorities.error();
    for (const QString &s : priorities.value()) {
        const auto pr = priorityFromName(s);
        if (!pr)
            return invalid(u"unknown priority \"%1\""_s.arg(s));
        f.priorities << *pr;
    }
    Expected<qint64> job = p.integer(u"job"_s, 0, 0, std::numeric_limits<qint32>::max());
    if (!job)
        return job.error();
    f.job = job.value();
    Expected<TimeMs> after = timeParam(p, u"created_after"_s);
    if (!after)
        return after.error();
    f.queuedAfter = after.value();
    Expected<TimeMs> before = timeParam(p, u"created_before"_s);
    if (!before)
        return before.error();
    f.queuedBefore = before.value();
    Expected<QString> text = p.string(u"text"_s);
    if (!text)
        return text.error();
    f.text = text.value();
    Expected<QString> session = p.string(u"session"_s);
    if (!session)
        return session.error();
    if (!session->isEmpty())
        f.session = sessions ? sessions->value(session.value(), -1) : -1;
    return f;
}

} // namespace

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

void Commands::readRuns(const RunFilter &filter, RunId before, int limit, std::function<void(const RunPage &)> answer)
{
    // The answer comes back queued to this thread, so it cannot overtake this registration.
    m_pendingRuns.insert(m_reader->requestRuns(filter, before, limit), std::move(answer));
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

void Commands::runsList(quint64 client, const Request &r)
{
    if (!m_reader) {
        fail(client, r.id, invalid(u"run history needs a database: this scheduler runs in memory"_s));
        return;
    }
    const Params p(r.params);
    Expected<qint64> limit = p.integer(u"limit"_s, 100, 1, 1000);
    Expected<qint64> before = p.integer(u"before"_s, 0, 0, std::numeric_limits<qint64>::max());
    Expected<QString> session = p.string(u"session"_s);
    if (const Error e = firstError(limit, before, session); e.isError()) {
        fail(client, r.id, e);
        return;
    }
    const QJsonValue id = r.id;
    const Request request = r;
    // A session is named by its key; the engine knows the ids.
    m_scheduler->call(
        m_context,
        [key = session.value()](Engine &e) {
            QHash<QString, SessionId> ids;
            if (!key.isEmpty())
                if (const Session *s = e.sessions().findByKey(key))
                    ids.insert(key, s->id);
            return ids;
        },
        [this, client, id, request, limit = int(limit.value()), before = before.value()](const QHash<QString, SessionId> &ids) {
            Expected<RunFilter> f = runFilter(Params(request.params), &ids);
            if (!f) {
                fail(client, id, f.error());
                return;
            }
            readRuns(f.value(), before, limit, [this, client, id](const RunPage &page) {
                if (page.error.isError()) {
                    fail(client, id, page.error);
                    return;
                }
                QJsonArray runs;
                for (const RunRow &row : page.rows)
                    runs.append(runJson(row));
                QJsonObject o{{u"runs"_s, runs}, {u"more"_s, page.more}};
                if (page.more && !page.rows.isEmpty())
                    o.insert(u"next_before"_s, page.rows.last().id);
                ok(client, id, o);
            });
        });
}

void Commands::runsAct(quint64 client, const QString &user, const Request &r, const QString &action)
{
    const Params p(r.params);
    Expected<QString> reason = p.string(u"reason"_s);
    Expected<bool> dryRun = p.boolean(u"dry_run"_s, false);
    Expected<QJsonObject> filterJson = p.object(u"filter"_s);
    if (const Error e = firstError(reason, dryRun, filterJson); e.isError()) {
        fail(client, r.id, e);
        return;
    }
    QVector<RunId> ids;
    const QJsonValue list = r.params.value(u"ids"_s);
    if (list.isArray()) {
        for (const QJsonValue &v : list.toArray()) {
            if (!v.isDouble() || v.toDouble() < 1) {
                fail(client, r.id, invalid(u"\"ids\" must be a list of run ids"_s));
                return;
            }
            ids << RunId(v.toDouble());
        }
    } else if (!list.isUndefined()) {
        fail(client, r.id, invalid(u"\"ids\" must be a list of run ids"_s));
        return;
    }
    const bool byFilter = !filterJson->isEmpty();
    {
        static const QStringList kRunKeys{u"state"_s, u"session"_s, u"lane"_s, u"type"_s, u"priority"_s,
                                          u"job"_s, u"text"_s, u"created_after"_s, u"created_before"_s};
        static const QStringList kAttentionKeys{u"capability"_s, u"workspace"_s, u"text"_s};
        const QStringList &known = action == u"recover" || action == u"ack" ? kAttentionKeys : kRunKeys;
        for (auto it = filterJson->begin(); it != filterJson->end(); ++it) {
            if (!known.contains(it.key())) {
                fail(client, r.id, invalid(u"unknown filter \"%1\" for %2 (known: %3)"_s.arg(it.key(), r.command, known.join(u", "_s))));
                return;
            }
        }
    }
    if (ids.isEmpty() == !byFilter) {
        fail(client, r.id, invalid(u"%1 needs either \"ids\" or a \"filter\""_s.arg(r.command)));
        return;
    }
    if (action == u"ack" && reason->trimmed().isEmpty()) {
        fail(client, r.id, invalid(u"an acknowledgement needs a \"reason\" (the note kept with the runs)"_s));
        return;
    }
    const QJsonValue id = r.id;
    const QString actor = u"api:"_s + user;
    const QString why = reason.value();
    const bool dry = dryRun.value();
    // Needs-attention actions (SPEC D8) resolve their filter in the engine, on every match.
    if (action == u"recover" || action == u"ack") {
        const Params fp(filterJson.value());
        Expected<QString> capability = fp.string(u"capability"_s);
        Expected<QString> workspace = fp.string(u"workspace"_s);
        Expected<QString> text = fp.string(u"text"_s);
        if (const Error e = firstError(capability, workspace, text); e.isError()) {
            fail(client, id, e);
            return;
        }
        NeedsAttentionFilter f;
        f.capability = capability.value();
        f.workspace = workspace.value();
        f.text = text.value();
        m_scheduler->call(
            m_context,
            [f, ids, dry, action, actor, why](Engine &e) -> QJsonObject {
                if (dry)
                    return {{u"dry_run"_s, true},
                            {u"matches"_s, ids.isEmpty() ? e.needsAttentionPage(f, 0, 1).total : int(ids.size())}};
                const AttentionOutcome o = e.resolveAttention(action == u"ack" ? AttentionAction::Acknowledge : AttentionAction::Requeue,
                                                              ids, f, actor, why);
                return {{u"done"_s, o.done}, {u"failed"_s, o.failed}, {u"errors"_s, QJsonArray::fromStringList(o.errors)}};
            },
            [this, client, id](const QJsonObject &o) { ok(client, id, o); });
        return;
    }
    auto act = [this, client, id, action, actor, why, dry](const QVector<RunId> &runs, bool truncated) {
        if (dry) {
            ok(client, id, QJsonObject{{u"dry_run"_s, true}, {u"matches"_s, int(runs.size())}, {u"more"_s, truncated}});
            return;
        }
        if (truncated) {
            fail(client, id, invalid(u"the filter matches more than %1 runs: narrow it (or act in steps)"_s.arg(kMaxBulk)));
            return;
        }
        m_scheduler->call(
            m_context,
            [runs, action, actor, why](Engine &e) {
                int done = 0;
                QJsonArray errors;
                QJsonArray created;
                e.batch([&] {
                    for (RunId run : runs) {
                        Error err;
                        if (action == u"cancel") {
                            err = e.cancelRun(run, why.isEmpty() ? QString() : u"cancelled by %1: %2"_s.arg(actor, why));
                        } else if (action == u"retry") {
                            Expected<RunId> n = e.retryRun(run);
                            if (n)
                                created.append(n.value());
                            else
                                err = n.error();
                        } else {
                            err = e.requeueRun(run);
                        }
                        if (err.isError()) {
                            if (errors.size() < 20)
                                errors.append(u"run %1: %2"_s.arg(run).arg(err.toString()));
                        } else {
                            ++done;
                        }
                    }
                    e.audit(actor, u"%1_runs"_s.arg(action), u"%1 runs"_s.arg(runs.size()), why,
                            u"%1 done, %2 not"_s.arg(done).arg(runs.size() - done));
                });
                QJsonObject o{{u"done"_s, done}, {u"failed"_s, int(runs.size()) - done}, {u"errors"_s, errors}};
                if (!created.isEmpty())
                    o.insert(u"created"_s, created);
                return o;
            },
            [this, client, id](const QJsonObject &o) { ok(client, id, o); });
    };
    if (!byFilter) {
        act(ids, false);
        return;
    }
    if (!m_reader) {
        fail(client, id, invalid(u"acting on a filter needs a database: this scheduler runs in memory"_s));
        return;
    }
    const QJsonObject fj = filterJson.value();
    m_scheduler->call(
        m_context,
        [key = fj.value(u"session"_s).toString()](Engine &e) {
            QHash<QString, SessionId> sessions;
            if (!key.isEmpty())
                if (const Session *s = e.sessions().findByKey(key))
                    sessions.insert(key, s->id);
            return sessions;
        },
        [this, client, id, fj, act](const QHash<QString, SessionId> &sessions) {
            Expected<RunFilter> f = runFilter(Params(fj), &sessions);
            if (!f) {
                fail(client, id, f.error());
                return;
            }
            readRuns(f.value(), 0, kMaxBulk, [this, client, id, act](const RunPage &page) {
                if (page.error.isError()) {
                    fail(client, id, page.error);
                    return;
                }
                QVector<RunId> runs;
                for (const RunRow &row : page.rows)
                    runs << row.id;
                act(runs, page.more);
            });
        });
}

void Commands::jobsAct(quint64 client, const QString &user, const Request &r, const QString &action)
{
    const Params p(r.params);
    const QJsonValue id = r.id;
    const QString actor = u"api:"_s + user;
    if (action == u"list") {
        // Paged like sessions.list: offset and limit over the jobs that match, in id order.
        Expected<qint64> offset = p.integer(u"offset"_s, 0, 0, std::numeric_limits<qint32>::max());
        Expected<qint64> limit = p.integer(u"limit"_s, 100, 1, 1000);
        Expected<QString> search = p.string(u"search"_s);
        Expected<QString> type = p.string(u"type"_s);
        Expected<qint64> only = p.integer(u"job_id"_s, 0, 0, std::numeric_limits<qint32>::max());
        Expected<bool> enabled = p.boolean(u"enabled"_s, true);
        if (const Error e = firstError(offset, limit, search, type, only, enabled); e.isError()) {
            fail(client, id, e);
            return;
        }
        const bool byEnabled = r.params.contains(u"enabled"_s);
        m_scheduler->call(
            m_context,
            [offset = int(offset.value()), limit = int(limit.value()), search = search.value(), type = type.value(),
             only = only.value(), byEnabled, enabled = enabled.value()](Engine &e) {
                QJsonArray list;
                int matched = 0;
                for (const Job &j : e.jobs()) {
                    if ((only && j.id != only) || (!type.isEmpty() && j.spec.type != type)
                        || (byEnabled && j.spec.enabled != enabled)
                        || (!search.isEmpty() && !j.spec.name.contains(search, Qt::CaseInsensitive)))
                        continue;
                    if (matched++ < offset || list.size() >= limit)
                        continue;
                    list.append(jobJson(j));
                }
                return QJsonObject{{u"jobs"_s, list}, {u"total"_s, matched}, {u"offset"_s, offset}};
            },
            [this, client, id](const QJsonObject &o) { ok(client, id, o); });
        return;
    }
    static const QStringList kActions{u"create"_s, u"update"_s, u"enable"_s, u"disable"_s, u"run"_s, u"delete"_s};
    if (!kActions.contains(action)) {
        fail(client, id, invalid(u"unknown command \"jobs.%1\" (known: jobs.list, jobs.create, jobs.update, jobs.enable, "
                                 "jobs.disable, jobs.run, jobs.delete)"_s.arg(action)));
        return;
    }
    Expected<qint64> jobId = p.integer(u"job_id"_s, 0, 0, std::numeric_limits<qint32>::max());
    Expected<QString> reason = p.string(u"reason"_s);
    if (const Error e = firstError(jobId, reason); e.isError()) {
        fail(client, id, e);
        return;
    }
    std::optional<JobSpec> spec;
    if (action == u"create" || action == u"update") {
        Expected<QJsonObject> json = p.object(u"job"_s);
        if (!json || json->isEmpty()) {
            fail(client, id, json ? invalid(u"\"job\" must hold the job's definition"_s) : json.error());
            return;
        }
        Expected<JobSpec> s = JobSpec::fromJson(json.value());
        if (!s) {
            fail(client, id, s.error());
            return;
        }
        spec = s.value();
    }
    if (action != u"create" && jobId.value() == 0) {
        fail(client, id, invalid(u"jobs.%1 needs \"job_id\""_s.arg(action)));
        return;
    }
    m_scheduler->call(
        m_context,
        [action, spec, job = jobId.value(), actor, why = reason.value()](Engine &e) -> QJsonObject {
            Error err;
            QJsonObject result;
            if (action == u"create") {
                Expected<Job> j = e.createJob(*spec);
                if (j)
                    result = jobJson(j.value());
                else
                    err = j.error();
            } else if (action == u"update") {
                err = e.updateJob(job, *spec);
            } else if (action == u"enable" || action == u"disable") {
                err = e.setJobEnabled(job, action == u"enable");
            } else if (action == u"run") {
                Expected<RunId> run = e.runJobNow(job);
                if (run)
                    result = {{u"run"_s, run.value()}};
                else
                    err = run.error();
            } else {
                err = e.deleteJob(job);
            }
            e.audit(actor, u"%1_job"_s.arg(action), u"job %1"_s.arg(job ? job : result.value(u"id"_s).toInteger()), why,
                    err.isError() ? err.toString() : QString());
            if (err.isError())
                return {{u"error"_s, QJsonObject{{u"code"_s, errorCodeName(err.code)}, {u"message"_s, err.message}}}};
            if (result.isEmpty() && action != u"delete")
                if (const auto j = e.job(job))
                    result = jobJson(*j);
            return result.isEmpty() ? QJsonObject{{u"deleted"_s, job}} : result;
        },
        [this, client, id](const QJsonObject &o) {
            if (o.contains(u"error"_s)) {
                const QJsonObject e = o.value(u"error"_s).toObject();
                fail(client, id, Error::make(errorCodeFromName(e.value(u"code"_s).toString()).value_or(ErrorCode::InvalidRequest),
                                             e.value(u"message"_s).toString()));
                return;
            }
            ok(client, id, o);
        });
}

void Commands::lanes(quint64 client, const QString &user, const Request &r, bool set)
{
    const Params p(r.params);
    const QJsonValue id = r.id;
    if (!set) {
        m_scheduler->call(
            m_context,
            [](Engine &e) {
                QJsonArray list;
                for (const LaneStats &l : e.laneStats())
                    list.append(laneJson(l));
                return QJsonObject{{u"lanes"_s, list}};
            },
            [this, client, id](const QJsonObject &o) { ok(client, id, o); });
        return;
    }
    Expected<QString> name = p.requiredString(u"name"_s);
    Expected<qint64> limit = p.integer(u"limit"_s, 0, 0, 100'000);
    Expected<qint64> grace = p.integer(u"grace_ms"_s, -1, -1, 3'600'000);
    Expected<QString> reason = p.string(u"reason"_s);
    const QJsonValue paused = r.params.value(u"paused"_s);
    Error bad = firstError(name, limit, grace, reason);
    if (!bad.isError() && !paused.isUndefined() && !paused.isBool())
        bad = invalid(u"\"paused\" must be true or false"_s);
    if (bad.isError()) {
        fail(client, id, bad);
        return;
    }
    if (limit.value() == 0 && paused.isUndefined() && grace.value() < 0) {
        fail(client, id, invalid(u"lanes.set needs \"limit\", \"paused\" or \"grace_ms\""_s));
        return;
    }
    m_scheduler->call(
        m_context,
        [name = name.value(), limit = int(limit.value()), grace = int(grace.value()), paused, actor = u"api:"_s + user,
         why = reason.value()](Engine &e) -> QJsonObject {
            Error err;
            e.batch([&] {
                if (limit > 0)
                    err = e.setLaneLimit(name, limit);
                if (!err.isError() && paused.isBool())
                    err = e.setLanePaused(name, paused.toBool());
                if (!err.isError() && grace >= 0)
                    err = e.setLanePreemptGrace(name, grace);
                e.audit(actor, u"set_lane"_s, u"lane "_s + name, why, err.isError() ? err.toString() : QString());
            });
            if (err.isError())
                return {{u"error"_s, QJsonObject{{u"code"_s, errorCodeName(err.code)}, {u"message"_s, err.message}}}};
            return laneJson(e.laneStats(name).value_or(LaneStats{}));
        },
        [this, client, id](const QJsonObject &o) {
            if (o.contains(u"error"_s)) {
                fail(client, id, Error::make(ErrorCode::InvalidRequest, o.value(u"error"_s)[u"message"_s].toString()));
                return;
            }
            ok(client, id, o);
        });
}

} // namespace Yard::Api
