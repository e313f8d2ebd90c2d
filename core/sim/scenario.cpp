// SPDX-License-Identifier: GPL-3.0-or-later
#include "scenario.h"

#include "jsonreader.h"

#include "jobs/cronexpression.h"
#include "model/job.h"
#include "model/priority.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace Yard::Sim {

namespace {

Outcome readOutcome(Reader r)
{
    r.known({u"duration_ms"_s, u"result"_s, u"error"_s, u"steps"_s, u"save_state"_s, u"yields"_s, u"no_reschedule"_s,
             u"retryable"_s, u"throw"_s, u"restore"_s, u"vanish"_s});
    Outcome o;
    o.durationMs = r.integer(u"duration_ms"_s, o.durationMs, 0, kMaxVirtualMs);
    const QString result = r.oneOf(u"result"_s, {u"ok"_s, u"fail"_s, u"hang"_s}, u"ok"_s);
    o.result = result == u"fail" ? Outcome::Result::Fail : result == u"hang" ? Outcome::Result::Hang : Outcome::Result::Ok;
    o.error = r.string(u"error"_s);
    o.steps = int(r.integer(u"steps"_s, 1, 1, 1000));
    o.saveState = r.boolean(u"save_state"_s, false);
    o.yields = r.boolean(u"yields"_s, true);
    o.noReschedule = r.boolean(u"no_reschedule"_s, false);
    o.retryable = r.boolean(u"retryable"_s, true);
    o.throws = r.boolean(u"throw"_s, false);
    o.restoreCorrupt = r.oneOf(u"restore"_s, {u""_s, u"corrupt"_s}, QString()) == u"corrupt";
    o.vanish = r.boolean(u"vanish"_s, false);
    return o;
}

QVector<Outcome> readOutcomes(const QJsonObject &parent, const QString &path, Error *error)
{
    const QJsonValue v = parent.value(u"outcome"_s);
    QVector<Outcome> list;
    if (v.isUndefined())
        return {Outcome()};
    if (v.isObject()) {
        list << readOutcome(Reader(v.toObject(), path + u".outcome"_s, error));
    } else if (v.isArray() && !v.toArray().isEmpty()) {
        const QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size() && !error->isError(); ++i) {
            const QString at = u"%1.outcome[%2]"_s.arg(path).arg(i);
            if (!a.at(i).isObject()) {
                *error = Error::make(ErrorCode::InvalidRequest, u"%1: expected an object, got %2"_s.arg(at, got(a.at(i))));
                break;
            }
            list << readOutcome(Reader(a.at(i).toObject(), at, error));
        }
    } else {
        *error = Error::make(ErrorCode::InvalidRequest,
                             u"%1.outcome: expected an object or a non-empty list of objects, got %2"_s.arg(path, got(v)));
    }
    return list;
}

std::optional<SessionState> sessionState(const QString &name)
{
    if (name == u"active")
        return SessionState::Active;
    if (name == u"idle")
        return SessionState::Idle;
    return std::nullopt;
}

const QStringList kVerbs{u"message"_s,   u"task"_s,        u"job"_s,    u"job_enable"_s,  u"job_disable"_s,
                         u"job_run_now"_s, u"cancel_one"_s, u"cancel_all"_s, u"reset"_s,   u"cancel"_s,
                         u"recover"_s,   u"acknowledge"_s, u"pause"_s,  u"resume"_s,      u"drain"_s,
                         u"set_lane"_s,  u"set_session"_s, u"run_cycle"_s, u"crash"_s};

void readConfig(Reader c, Scenario &s)
{
    c.known({u"lanes"_s, u"queue"_s, u"cycle_interval_ms"_s, u"wake_cooldown_ms"_s, u"sweep_limit"_s, u"starvation"_s,
             u"grace_ms"_s, u"timezone"_s, u"lease_ms"_s});
    EngineOptions &e = s.engine;
    const QJsonObject lanes = c.object(u"lanes"_s);
    for (auto it = lanes.begin(); it != lanes.end() && c.ok(); ++it) {
        const QString at = c.at(u"lanes."_s + it.key());
        if (it.key().trimmed().isEmpty())
            c.fail(c.at(u"lanes"_s), u"a lane needs a name"_s);
        else if (!it.value().isDouble() || it.value().toDouble() < 1 || it.value().toDouble() != std::floor(it.value().toDouble()))
            c.fail(at, u"expected a whole number of slots from 1, got %1"_s.arg(got(it.value())));
        else
            e.laneLimits.insert(it.key(), it.value().toInt());
    }
    if (c.ok() && c.has(u"queue"_s)) {
        const QJsonObject q = c.object(u"queue"_s);
        if (c.ok()) {
            Expected<QueueConfigOverride> o = QueueConfigOverride::fromJson(q);
            if (!o)
                c.fail(c.at(u"queue"_s), o.error().message);
            else
                e.defaultQueue = o->applyTo(e.defaultQueue);
        }
    }
    e.cycle.intervalMs = c.integer(u"cycle_interval_ms"_s, e.cycle.intervalMs, 0, kMaxVirtualMs);
    e.cycle.wakeCooldownMs = c.integer(u"wake_cooldown_ms"_s, e.cycle.wakeCooldownMs, -1, kMaxVirtualMs);
    e.cycle.sweepLimit = int(c.integer(u"sweep_limit"_s, e.cycle.sweepLimit, 1, 100'000));
    e.cycle.leaseMs = c.integer(u"lease_ms"_s, e.cycle.leaseMs, 1, kMaxVirtualMs);
    if (c.ok() && c.has(u"starvation"_s)) {
        Reader st = c.child(u"starvation"_s);
        st.known({u"min_queued_age_ms"_s, u"fan_out_after"_s, u"spawn_after"_s, u"event_after"_s, u"needs_attention_after"_s});
        StarvationThresholds &th = e.cycle.thresholds;
        th.minQueuedAgeMs = st.integer(u"min_queued_age_ms"_s, th.minQueuedAgeMs, 0, kMaxVirtualMs);
        th.fanOutAfter = int(st.integer(u"fan_out_after"_s, th.fanOutAfter, 1, 100'000));
        th.spawnAfter = int(st.integer(u"spawn_after"_s, th.spawnAfter, 1, 100'000));
        th.eventAfter = int(st.integer(u"event_after"_s, th.eventAfter, 1, 100'000));
        th.needsAttentionAfter = int(st.integer(u"needs_attention_after"_s, th.needsAttentionAfter, 1, 100'000));
    }
    e.preemptGraceMs = int(c.integer(u"grace_ms"_s, e.preemptGraceMs, 1, 3'600'000));
    s.timeZone = c.string(u"timezone"_s);
    if (c.ok() && !s.timeZone.isEmpty() && !QTimeZone(s.timeZone.toUtf8()).isValid())
        c.fail(c.at(u"timezone"_s), u"unknown time zone %1 (an IANA name like Europe/Berlin)"_s.arg(got(QJsonValue(s.timeZone))));
}

SessionDef readSession(Reader r)
{
    r.known({u"key"_s, u"agent"_s, u"lane"_s, u"workspace"_s, u"channel"_s, u"owner"_s, u"capabilities"_s, u"state"_s,
             u"prompting"_s, u"claims"_s, u"context_window"_s, u"queue"_s});
    SessionDef d;
    d.key = r.required(u"key"_s);
    d.agent = r.string(u"agent"_s);
    d.lane = r.string(u"lane"_s);
    d.workspace = r.string(u"workspace"_s);
    d.channel = r.string(u"channel"_s);
    r.string(u"owner"_s); // a session has no owner; accepted for symmetry with tasks
    d.capabilities = r.strings(u"capabilities"_s);
    d.state = sessionState(r.oneOf(u"state"_s, {u"active"_s, u"idle"_s}, u"active"_s)).value_or(SessionState::Active);
    d.prompting = r.boolean(u"prompting"_s, false);
    d.claims = r.boolean(u"claims"_s, false);
    d.contextWindow = r.integer(u"context_window"_s, 0, 0, std::numeric_limits<qint64>::max() / 2);
    if (r.ok() && r.has(u"queue"_s)) {
        const QJsonObject q = r.object(u"queue"_s);
        if (r.ok()) {
            Expected<QueueConfigOverride> o = QueueConfigOverride::fromJson(q);
            if (!o)
                r.fail(r.at(u"queue"_s), o.error().message);
            else
                d.queue = o.value();
        }
    }
    return d;
}

} // namespace

QByteArray payloadFor(const QVector<Outcome> &outcomes)
{
    auto one = [](const Outcome &o) {
        QJsonObject p{{u"duration_ms"_s, o.durationMs},
                      {u"distribution"_s, u"fixed"_s},
                      {u"steps"_s, o.steps},
                      {u"fail_p"_s, o.result == Outcome::Result::Fail ? 1 : 0},
                      {u"hang_p"_s, o.result == Outcome::Result::Hang ? 1 : 0},
                      {u"save_state"_s, o.saveState},
                      {u"yields"_s, o.yields},
                      {u"no_reschedule"_s, o.noReschedule},
                      {u"retryable"_s, o.retryable},
                      {u"throw"_s, o.throws},
                      {u"vanish"_s, o.vanish}};
        if (!o.error.isEmpty())
            p.insert(u"error"_s, o.error);
        if (o.restoreCorrupt)
            p.insert(u"restore"_s, u"corrupt"_s);
        return p;
    };
    QJsonObject payload;
    if (outcomes.size() == 1) {
        payload = one(outcomes.first());
    } else {
        QJsonArray attempts;
        for (const Outcome &o : outcomes)
            attempts.append(one(o));
        payload.insert(u"attempts"_s, attempts);
    }
    return QJsonDocument(payload).toJson(QJsonDocument::Compact);
}

namespace {

Expected<Scenario> parse(const QByteArray &json);

} // namespace

Expected<Scenario> parseScenario(const QByteArray &json)
{
    Expected<Scenario> s = parse(json);
    if (s)
        return s;
    // One line whatever the input held (a key with a newline in it): control characters are
    // written as JSON writes them.
    QString message;
    for (const QChar c : s.error().message) {
        if (c.unicode() >= 0x20)
            message += c;
        else if (c == u'\n')
            message += u"\\n"_s;
        else
            message += u"\\u%1"_s.arg(c.unicode(), 4, 16, QChar(u'0'));
    }
    return Error::make(s.error().code, message);
}

namespace {

Expected<Scenario> parse(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Error::make(ErrorCode::InvalidRequest,
                           u"(the file): invalid JSON at byte %1: %2"_s.arg(parseError.offset).arg(parseError.errorString()));
    if (!doc.isObject())
        return Error::make(ErrorCode::InvalidRequest, u"(the file): expected a JSON object with \"actions\""_s);
    Error error;
    Reader root(doc.object(), QString(), &error);
    root.known({u"start"_s, u"until_ms"_s, u"config"_s, u"sessions"_s, u"templates"_s, u"actions"_s});
    Scenario s;
    s.engine.defaultQueue = QueueConfig(); // the product's defaults
    const QString start = root.string(u"start"_s, u"2026-01-01T00:00:00Z"_s);
    if (error.isError())
        return error;
    const QDateTime t = QDateTime::fromString(start, Qt::ISODateWithMs);
    if (!t.isValid() || t.timeSpec() == Qt::LocalTime)
        return Error::make(ErrorCode::InvalidRequest,
                           u"start: expected an ISO-8601 instant with its offset, like \"2026-03-29T00:30:00Z\", got %1"_s.arg(
                               got(QJsonValue(start))));
    s.startMs = t.toMSecsSinceEpoch();
    s.untilMs = root.integer(u"until_ms"_s, -1, 0, kMaxVirtualMs);
    if (root.has(u"config"_s))
        readConfig(Reader(root.object(u"config"_s), u"config"_s, &error), s);
    if (error.isError())
        return error;

    const QJsonValue sessions = doc.object().value(u"sessions"_s);
    if (!sessions.isUndefined() && !sessions.isArray())
        return Error::make(ErrorCode::InvalidRequest, u"sessions: expected a list of objects, got %1"_s.arg(got(sessions)));
    QSet<QString> keys;
    for (qsizetype i = 0; i < sessions.toArray().size(); ++i) {
        const QString path = u"sessions[%1]"_s.arg(i);
        const QJsonValue v = sessions.toArray().at(i);
        if (!v.isObject())
            return Error::make(ErrorCode::InvalidRequest, u"%1: expected an object, got %2"_s.arg(path, got(v)));
        SessionDef d = readSession(Reader(v.toObject(), path, &error));
        if (error.isError())
            return error;
        if (keys.contains(d.key))
            return Error::make(ErrorCode::InvalidRequest, u"%1.key: \"%2\" is defined twice"_s.arg(path, d.key));
        keys.insert(d.key);
        s.sessions << d;
    }

    const QJsonValue templates = doc.object().value(u"templates"_s);
    if (!templates.isUndefined() && !templates.isArray())
        return Error::make(ErrorCode::InvalidRequest, u"templates: expected a list of objects, got %1"_s.arg(got(templates)));
    for (qsizetype i = 0; i < templates.toArray().size(); ++i) {
        const QString path = u"templates[%1]"_s.arg(i);
        const QJsonValue v = templates.toArray().at(i);
        if (!v.isObject())
            return Error::make(ErrorCode::InvalidRequest, u"%1: expected an object, got %2"_s.arg(path, got(v)));
        Reader r(v.toObject(), path, &error);
        r.known({u"agent"_s, u"capabilities"_s});
        AgentTemplate t;
        t.agent = r.required(u"agent"_s);
        t.capabilities = r.strings(u"capabilities"_s);
        if (error.isError())
            return error;
        s.engine.agentTemplates << t;
    }

    const QJsonValue actions = doc.object().value(u"actions"_s);
    if (!actions.isArray())
        return Error::make(ErrorCode::InvalidRequest, u"actions: expected a list of objects, got %1"_s.arg(got(actions)));
    // What each action points at, checked once the actions are in the order they run.
    struct Pointer
    {
        int action;
        QString path;
        QString ref;
        bool job; ///< a job's ref (else a run's: a message's, a task's, or REF#N of a job)
    };
    QVector<Pointer> pointers;
    const QJsonArray list = actions.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QString path = u"actions[%1]"_s.arg(i);
        if (!list.at(i).isObject())
            return Error::make(ErrorCode::InvalidRequest, u"%1: expected an object, got %2"_s.arg(path, got(list.at(i))));
        const QJsonObject o = list.at(i).toObject();
        Reader r(o, path, &error);
        Action a;
        a.index = int(i);
        if (!o.contains(u"at_ms"_s))
            return Error::make(ErrorCode::InvalidRequest, u"%1.at_ms: is required"_s.arg(path));
        a.atMs = r.integer(u"at_ms"_s, 0, 0, kMaxVirtualMs);
        a.verb = r.required(u"do"_s);
        if (error.isError())
            return error;
        if (!kVerbs.contains(a.verb))
            return Error::make(ErrorCode::InvalidRequest,
                               u"%1.do: expected one of %2, got %3"_s.arg(path, kVerbs.join(u", "_s), got(o.value(u"do"_s))));
        a.ref = r.string(u"ref"_s);
        QStringList known{u"at_ms"_s, u"do"_s, u"ref"_s};
        const QString &v = a.verb;
        auto runRef = [&](const QString &key) {
            known << key;
            const QString ref = r.required(key);
            pointers << Pointer{int(i), r.at(key), ref, false};
            return ref;
        };
        if (v == u"message") {
            known << u"session"_s << u"text"_s << u"priority"_s << u"lane"_s << u"outcome"_s << u"submitted_at_ms"_s << u"tokens"_s;
            a.session = r.required(u"session"_s);
            a.text = r.string(u"text"_s);
            a.priority = r.priority(u"priority"_s);
            a.lane = r.string(u"lane"_s);
            a.submittedAtMs = r.integer(u"submitted_at_ms"_s, -1, 0, kMaxVirtualMs);
            a.tokens = r.integer(u"tokens"_s, -1, 0, std::numeric_limits<qint64>::max() / 2);
            if (!error.isError())
                a.outcomes = readOutcomes(o, path, &error);
        } else if (v == u"task") {
            known << u"requires"_s << u"workspace"_s << u"channel"_s << u"owner"_s << u"priority"_s << u"lane"_s << u"outcome"_s
                  << u"text"_s;
            a.requires_ = r.strings(u"requires"_s);
            a.workspace = r.string(u"workspace"_s);
            a.channel = r.string(u"channel"_s);
            a.owner = r.string(u"owner"_s);
            a.priority = r.priority(u"priority"_s);
            a.lane = r.string(u"lane"_s);
            a.text = r.string(u"text"_s);
            if (!error.isError())
                a.outcomes = readOutcomes(o, path, &error);
        } else if (v == u"job") {
            known << u"name"_s << u"schedule"_s << u"priority"_s << u"lane"_s << u"retry"_s << u"timeout_ms"_s << u"misfire"_s
                  << u"outcome"_s << u"type"_s << u"session"_s << u"requires"_s << u"enabled"_s;
            if (a.ref.isEmpty())
                r.fail(r.at(u"ref"_s), u"a job needs a ref: later actions and its runs (REF#1, REF#2, …) are named by it"_s);
            QJsonObject job;
            for (const QString &k : {u"name"_s, u"schedule"_s, u"priority"_s, u"lane"_s, u"retry"_s, u"timeout_ms"_s,
                                     u"misfire"_s, u"type"_s, u"session"_s, u"requires"_s, u"enabled"_s}) {
                if (o.contains(k))
                    job.insert(k, o.value(k));
            }
            if (!job.contains(u"name"_s))
                job.insert(u"name"_s, a.ref);
            QJsonObject schedule = r.object(u"schedule"_s);
            if (!error.isError() && !o.contains(u"schedule"_s))
                r.fail(r.at(u"schedule"_s), u"is required ({\"cron\": EXPR} | {\"interval\": {\"every_ms\": N}} | "
                                             "{\"once\": {\"at\": ISO}} | {\"immediate\": true} | {\"after_job\": {\"job\": REF}})"_s);
            if (!error.isError() && schedule.contains(u"cron"_s) && !schedule.contains(u"tz"_s) && !s.timeZone.isEmpty())
                schedule.insert(u"tz"_s, s.timeZone);
            if (!error.isError() && schedule.value(u"after_job"_s).isObject()) {
                QJsonObject after = schedule.value(u"after_job"_s).toObject();
                a.afterJob = after.value(u"job"_s).toString();
                if (!after.value(u"job"_s).isString())
                    r.fail(r.at(u"schedule.after_job.job"_s), u"expected the ref of a job, got %1"_s.arg(got(after.value(u"job"_s))));
                pointers << Pointer{int(i), r.at(u"schedule.after_job.job"_s), a.afterJob, true};
                after.insert(u"job"_s, 1); // the id is known when it runs
                schedule.insert(u"after_job"_s, after);
            }
            job.insert(u"schedule"_s, schedule);
            if (!error.isError()) {
                a.outcomes = readOutcomes(o, path, &error);
                job.insert(u"payload"_s, QJsonDocument::fromJson(payloadFor(a.outcomes)).object());
            }
            if (!error.isError() && schedule.value(u"cron"_s).isString()) {
                Expected<CronExpression> cron =
                    CronExpression::parse(schedule.value(u"cron"_s).toString(), schedule.value(u"tz"_s).toString());
                if (!cron)
                    r.fail(r.at(u"schedule.cron"_s), cron.error().message);
            }
            if (!error.isError()) {
                Expected<JobSpec> spec = JobSpec::fromJson(job);
                Error invalid = spec ? spec->validate() : spec.error();
                if (invalid.isError()) {
                    // "retry.max_attempts must be …" names its key: make it part of the path.
                    QString message = invalid.message;
                    if (message.startsWith(u"job: "_s))
                        message = message.mid(5);
                    static const QRegularExpression keyFirst(u"^([a-z_]+(?:\\.[a-z_]+)*) (must|is|needs) (.*)$"_s);
                    const QRegularExpressionMatch m = keyFirst.match(message);
                    if (m.hasMatch())
                        r.fail(r.at(m.captured(1)), m.captured(2) + u' ' + m.captured(3));
                    else
                        r.fail(path, message);
                }
            }
            a.job = job;
        } else if (v == u"job_enable" || v == u"job_disable" || v == u"job_run_now") {
            known << u"job"_s;
            a.jobRef = r.required(u"job"_s);
            pointers << Pointer{int(i), r.at(u"job"_s), a.jobRef, true};
        } else if (v == u"cancel_one" || v == u"cancel_all" || v == u"reset") {
            known << u"session"_s;
            a.session = r.required(u"session"_s);
        } else if (v == u"cancel" || v == u"recover" || v == u"acknowledge") {
            a.run = runRef(u"run"_s);
            known << u"reason"_s;
            a.reason = r.string(u"reason"_s, v == u"acknowledge" ? u"acknowledged in the scenario"_s : QString());
        } else if (v == u"pause") {
            known << u"reason"_s;
            a.reason = r.string(u"reason"_s, u"scenario"_s);
        } else if (v == u"resume") {
        } else if (v == u"drain") {
            known << u"timeout_ms"_s;
            a.timeoutMs = r.integer(u"timeout_ms"_s, -1, 0, kMaxVirtualMs);
        } else if (v == u"set_lane") {
            known << u"lane"_s << u"limit"_s << u"paused"_s;
            a.lane = r.required(u"lane"_s);
            a.limit = int(r.integer(u"limit"_s, 0, 1, 100'000));
            if (r.has(u"paused"_s))
                a.paused = r.boolean(u"paused"_s, false);
            if (!error.isError() && !r.has(u"limit"_s) && !r.has(u"paused"_s))
                r.fail(path, u"set_lane needs \"limit\" or \"paused\""_s);
        } else if (v == u"set_session") {
            known << u"session"_s << u"state"_s << u"prompting"_s;
            a.session = r.required(u"session"_s);
            if (r.has(u"state"_s))
                a.state = sessionState(r.oneOf(u"state"_s, {u"active"_s, u"idle"_s}, u"active"_s));
            if (r.has(u"prompting"_s))
                a.prompting = r.boolean(u"prompting"_s, false);
        } else if (v == u"run_cycle") {
        } else if (v == u"crash") {
            known << u"down_ms"_s;
            a.downMs = r.integer(u"down_ms"_s, 0, 0, kMaxVirtualMs);
        }
        r.known(known);
        if (error.isError())
            return error;
        s.actions << a;
    }
    std::stable_sort(s.actions.begin(), s.actions.end(), [](const Action &x, const Action &y) { return x.atMs < y.atMs; });
    // Every pointer names something an action before it (in time) made.
    QHash<QString, int> defined; // ref -> the place (in time) of the action that makes it
    QHash<QString, bool> isJob;
    QVector<int> place(s.actions.size());
    for (int k = 0; k < s.actions.size(); ++k) {
        const Action &a = s.actions[k];
        place[a.index] = k;
        if (a.ref.isEmpty() || !(a.verb == u"message" || a.verb == u"task" || a.verb == u"job"))
            continue;
        if (defined.contains(a.ref))
            return Error::make(ErrorCode::InvalidRequest, u"actions[%1].ref: \"%2\" is used twice"_s.arg(a.index).arg(a.ref));
        defined.insert(a.ref, k);
        isJob.insert(a.ref, a.verb == u"job");
    }
    for (const Pointer &p : std::as_const(pointers)) {
        const QString name = p.job ? p.ref : p.ref.section(u'#', 0, 0);
        const bool jobRun = !p.job && p.ref.contains(u'#');
        const auto it = defined.constFind(name);
        const bool fits = it != defined.cend() && *it < place[p.action] && isJob.value(name) == (p.job || jobRun);
        if (!fits)
            return Error::make(ErrorCode::InvalidRequest,
                               u"%1: no %2 with ref %3 comes before this action"_s.arg(p.path, p.job ? u"job"_s : u"run"_s,
                                                                                         got(QJsonValue(p.ref))));
    }
    return s;
}

} // namespace

} // namespace Yard::Sim
