// SPDX-License-Identifier: GPL-3.0-or-later
#include "job.h"

#include "isotime.h"

#include "jobs/cronexpression.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

using namespace Qt::StringLiterals;

namespace Yard {

namespace {

Error bad(const QString &what)
{
    return Error::make(ErrorCode::InvalidRequest, what);
}

QString written(const QJsonValue &v)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
}

/// A whole number in [min, max] at `key` of `o`, or an error naming `path`.
Expected<qint64> whole(const QJsonObject &o, const QString &key, const QString &path, qint64 min, qint64 max)
{
    const QJsonValue v = o.value(key);
    const double d = v.toDouble(std::nan(""));
    if (!v.isDouble() || d != std::floor(d) || d < double(min) || d > double(max))
        return bad(u"%1 must be a whole number from %2 to %3, not %4"_s.arg(path).arg(min).arg(max).arg(written(v)));
    return qint64(d);
}

QString human(qint64 ms)
{
    if (ms % 3'600'000 == 0)
        return u"%1 h"_s.arg(ms / 3'600'000);
    if (ms % 60'000 == 0)
        return u"%1 min"_s.arg(ms / 60'000);
    if (ms % 1000 == 0)
        return u"%1 s"_s.arg(ms / 1000);
    return u"%1 ms"_s.arg(ms);
}

} // namespace

Expected<Schedule> Schedule::fromJson(const QJsonObject &json)
{
    Schedule s;
    static const QStringList kKinds{u"once"_s, u"immediate"_s, u"interval"_s, u"cron"_s, u"after_job"_s};
    QStringList kinds;
    for (const QString &k : json.keys()) {
        if (kKinds.contains(k))
            kinds << k;
        else if (k != u"tz")
            return bad(u"schedule: unknown key \"%1\" (known: once, immediate, interval, cron with tz, after_job)"_s.arg(k));
    }
    if (kinds.size() != 1)
        return bad(kinds.isEmpty() ? u"schedule: needs one of once, immediate, interval, cron, after_job"_s
                                   : u"schedule: only one of %1 may be given"_s.arg(kinds.join(u", "_s)));
    const QString kind = kinds.first();
    if (json.contains(u"tz"_s) && kind != u"cron")
        return bad(u"schedule: tz only goes with cron"_s);
    if (kind == u"once") {
        s.kind = Kind::Once;
        const QJsonValue v = json.value(u"once"_s);
        const QString at = v.isObject() ? v.toObject().value(u"at"_s).toString() : QString();
        const QDateTime t = QDateTime::fromString(at, Qt::ISODateWithMs);
        if (!t.isValid() || t.timeSpec() == Qt::LocalTime)
            return bad(u"schedule.once.at must be an ISO-8601 time with an offset, like 2026-03-29T02:30:00+02:00, not %1"_s
                           .arg(written(v.isObject() ? v.toObject().value(u"at"_s) : v)));
        s.at = t.toMSecsSinceEpoch();
    } else if (kind == u"immediate") {
        s.kind = Kind::Immediate;
        if (json.value(u"immediate"_s) != QJsonValue(true))
            return bad(u"schedule.immediate must be true"_s);
    } else if (kind == u"interval") {
        s.kind = Kind::Interval;
        if (!json.value(u"interval"_s).isObject())
            return bad(u"schedule.interval must be an object like {\"every_ms\": 60000}"_s);
        Expected<qint64> every = whole(json.value(u"interval"_s).toObject(), u"every_ms"_s, u"schedule.interval.every_ms"_s,
                                       1000, qint64(366) * 86'400'000);
        if (!every)
            return every.error();
        s.everyMs = every.value();
    } else if (kind == u"cron") {
        s.kind = Kind::Cron;
        if (!json.value(u"cron"_s).isString())
            return bad(u"schedule.cron must be an expression like \"30 2 * * *\", not %1"_s.arg(written(json.value(u"cron"_s))));
        s.cron = json.value(u"cron"_s).toString().simplified();
        s.timeZone = json.value(u"tz"_s).toString().trimmed();
        Expected<CronExpression> c = CronExpression::parse(s.cron, s.timeZone);
        if (!c)
            return c.error();
    } else {
        s.kind = Kind::AfterJob;
        if (!json.value(u"after_job"_s).isObject())
            return bad(u"schedule.after_job must be an object like {\"job\": 3, \"delay_ms\": 0}"_s);
        const QJsonObject a = json.value(u"after_job"_s).toObject();
        Expected<qint64> job = whole(a, u"job"_s, u"schedule.after_job.job"_s, 1, std::numeric_limits<qint32>::max());
        if (!job)
            return job.error();
        s.afterJob = job.value();
        if (a.contains(u"delay_ms"_s)) {
            Expected<qint64> delay = whole(a, u"delay_ms"_s, u"schedule.after_job.delay_ms"_s, 0, qint64(366) * 86'400'000);
            if (!delay)
                return delay.error();
            s.delayMs = delay.value();
        }
    }
    return s;
}

QJsonObject Schedule::toJson() const
{
    switch (kind) {
    case Kind::Once:
        return {{u"once"_s, QJsonObject{{u"at"_s, isoUtc(at)}}}};
    case Kind::Immediate:
        return {{u"immediate"_s, true}};
    case Kind::Interval:
        return {{u"interval"_s, QJsonObject{{u"every_ms"_s, everyMs}}}};
    case Kind::Cron: {
        QJsonObject o{{u"cron"_s, cron}};
        if (!timeZone.isEmpty())
            o.insert(u"tz"_s, timeZone);
        return o;
    }
    case Kind::AfterJob:
        return {{u"after_job"_s, QJsonObject{{u"job"_s, afterJob}, {u"delay_ms"_s, delayMs}}}};
    }
    return {};
}

QString Schedule::summary() const
{
    switch (kind) {
    case Kind::Once:
        return u"once at %1"_s.arg(QDateTime::fromMSecsSinceEpoch(at, QTimeZone::utc()).toString(Qt::ISODate));
    case Kind::Immediate:
        return u"once, at once"_s;
    case Kind::Interval:
        return u"every %1"_s.arg(human(everyMs));
    case Kind::Cron:
        return timeZone.isEmpty() ? cron : u"%1 (%2)"_s.arg(cron, timeZone);
    case Kind::AfterJob:
        return delayMs > 0 ? u"%1 after job %2 succeeds"_s.arg(human(delayMs)).arg(afterJob)
                           : u"after job %1 succeeds"_s.arg(afterJob);
    }
    return {};
}

qint64 RetryPolicy::delayBefore(int nextAttempt, double unit) const
{
    double d = double(initialMs);
    if (exponential)
        d *= std::pow(factor, double(qMax(0, nextAttempt - 2)));
    d = qMin(d, double(maxMs));
    d *= 1.0 + jitter * (2.0 * qBound(0.0, unit, 1.0) - 1.0);
    return qMax<qint64>(0, qint64(d));
}

Expected<RetryPolicy> RetryPolicy::fromJson(const QJsonObject &json)
{
    RetryPolicy r;
    for (const QString &k : json.keys()) {
        static const QStringList kKnown{u"max_attempts"_s, u"backoff"_s, u"initial_ms"_s, u"factor"_s, u"max_ms"_s, u"jitter"_s};
        if (!kKnown.contains(k))
            return bad(u"retry: unknown key \"%1\" (known: %2)"_s.arg(k, kKnown.join(u", "_s)));
    }
    if (json.contains(u"max_attempts"_s)) {
        Expected<qint64> n = whole(json, u"max_attempts"_s, u"retry.max_attempts"_s, 1, 100);
        if (!n)
            return n.error();
        r.maxAttempts = int(n.value());
    }
    if (json.contains(u"backoff"_s)) {
        const QString b = json.value(u"backoff"_s).toString();
        if (b != u"fixed" && b != u"exponential")
            return bad(u"retry.backoff must be \"fixed\" or \"exponential\", not %1"_s.arg(written(json.value(u"backoff"_s))));
        r.exponential = b == u"exponential";
    }
    if (json.contains(u"initial_ms"_s)) {
        Expected<qint64> n = whole(json, u"initial_ms"_s, u"retry.initial_ms"_s, 0, 86'400'000);
        if (!n)
            return n.error();
        r.initialMs = n.value();
    }
    if (json.contains(u"max_ms"_s)) {
        Expected<qint64> n = whole(json, u"max_ms"_s, u"retry.max_ms"_s, 0, 86'400'000);
        if (!n)
            return n.error();
        r.maxMs = n.value();
    }
    if (json.contains(u"factor"_s)) {
        const double f = json.value(u"factor"_s).toDouble(-1);
        if (!json.value(u"factor"_s).isDouble() || f < 1 || f > 100)
            return bad(u"retry.factor must be a number from 1 to 100, not %1"_s.arg(written(json.value(u"factor"_s))));
        r.factor = f;
    }
    if (json.contains(u"jitter"_s)) {
        const double j = json.value(u"jitter"_s).toDouble(-1);
        if (!json.value(u"jitter"_s).isDouble() || j < 0 || j > 1)
            return bad(u"retry.jitter must be a fraction from 0 to 1, not %1"_s.arg(written(json.value(u"jitter"_s))));
        r.jitter = j;
    }
    if (r.maxMs < r.initialMs)
        r.maxMs = r.initialMs;
    return r;
}

QJsonObject RetryPolicy::toJson() const
{
    return {{u"max_attempts"_s, maxAttempts}, {u"backoff"_s, exponential ? u"exponential"_s : u"fixed"_s},
            {u"initial_ms"_s, initialMs},      {u"factor"_s, factor},
            {u"max_ms"_s, maxMs},               {u"jitter"_s, jitter}};
}

Expected<JobSpec> JobSpec::fromJson(const QJsonObject &json)
{
    JobSpec j;
    static const QStringList kKnown{u"name"_s,     u"type"_s,    u"schedule"_s, u"priority"_s, u"payload"_s,
                                    u"retry"_s,    u"timeout_ms"_s, u"lane"_s,  u"session"_s,  u"requires"_s,
                                    u"enabled"_s,  u"misfire"_s};
    for (const QString &k : json.keys()) {
        if (!kKnown.contains(k))
            return bad(u"job: unknown key \"%1\" (known: %2)"_s.arg(k, kKnown.join(u", "_s)));
    }
    j.name = json.value(u"name"_s).toString().trimmed();
    if (json.contains(u"type"_s))
        j.type = json.value(u"type"_s).toString().trimmed();
    if (!json.value(u"schedule"_s).isObject())
        return bad(u"job: \"schedule\" must be an object, like {\"cron\": \"30 2 * * *\"}"_s);
    Expected<Schedule> s = Schedule::fromJson(json.value(u"schedule"_s).toObject());
    if (!s)
        return s.error();
    j.schedule = s.value();
    if (json.contains(u"priority"_s)) {
        const auto p = priorityFromName(json.value(u"priority"_s).toString());
        if (!p)
            return bad(u"job: unknown priority %1 (interactive, urgent, high, normal, low)"_s.arg(written(json.value(u"priority"_s))));
        j.priority = *p;
    }
    if (json.contains(u"payload"_s)) {
        if (!json.value(u"payload"_s).isObject())
            return bad(u"job: \"payload\" must be a JSON object"_s);
        j.payloadJson = QJsonDocument(json.value(u"payload"_s).toObject()).toJson(QJsonDocument::Compact);
    }
    if (json.contains(u"retry"_s)) {
        if (!json.value(u"retry"_s).isObject())
            return bad(u"job: \"retry\" must be an object"_s);
        Expected<RetryPolicy> r = RetryPolicy::fromJson(json.value(u"retry"_s).toObject());
        if (!r)
            return r.error();
        j.retry = r.value();
    }
    if (json.contains(u"timeout_ms"_s)) {
        Expected<qint64> t = whole(json, u"timeout_ms"_s, u"job.timeout_ms"_s, 0, qint64(7) * 86'400'000);
        if (!t)
            return t.error();
        j.timeoutMs = t.value();
    }
    if (json.contains(u"lane"_s))
        j.lane = json.value(u"lane"_s).toString().trimmed();
    j.sessionKey = json.value(u"session"_s).toString().trimmed();
    if (json.contains(u"requires"_s)) {
        if (!json.value(u"requires"_s).isArray())
            return bad(u"job: \"requires\" must be a list of capability names"_s);
        for (const QJsonValue &c : json.value(u"requires"_s).toArray()) {
            if (!c.isString() || c.toString().trimmed().isEmpty())
                return bad(u"job: requires: %1 is not a capability name"_s.arg(written(c)));
            j.capabilities << c.toString().trimmed();
        }
    }
    if (json.contains(u"enabled"_s)) {
        if (!json.value(u"enabled"_s).isBool())
            return bad(u"job: \"enabled\" must be true or false"_s);
        j.enabled = json.value(u"enabled"_s).toBool();
    }
    if (json.contains(u"misfire"_s)) {
        const QString m = json.value(u"misfire"_s).toString();
        if (m != u"catch_up" && m != u"skip")
            return bad(u"job: \"misfire\" must be \"catch_up\" or \"skip\", not %1"_s.arg(written(json.value(u"misfire"_s))));
        j.misfire = m == u"skip" ? Misfire::Skip : Misfire::CatchUp;
    }
    if (Error e = j.validate(); e.isError())
        return e;
    return j;
}

QJsonObject JobSpec::toJson() const
{
    QJsonObject o{{u"name"_s, name},
                  {u"type"_s, type},
                  {u"schedule"_s, schedule.toJson()},
                  {u"priority"_s, priorityName(priority)},
                  {u"retry"_s, retry.toJson()},
                  {u"timeout_ms"_s, timeoutMs},
                  {u"lane"_s, lane},
                  {u"enabled"_s, enabled},
                  {u"misfire"_s, misfire == Misfire::Skip ? u"skip"_s : u"catch_up"_s}};
    if (!payloadJson.isEmpty())
        o.insert(u"payload"_s, QJsonDocument::fromJson(payloadJson).object());
    if (!sessionKey.isEmpty())
        o.insert(u"session"_s, sessionKey);
    if (!capabilities.isEmpty())
        o.insert(u"requires"_s, QJsonArray::fromStringList(capabilities));
    return o;
}

Error JobSpec::validate() const
{
    if (name.trimmed().isEmpty())
        return bad(u"a job needs a name"_s);
    if (name.size() > 200)
        return bad(u"a job's name may have at most 200 characters"_s);
    if (type.trimmed().isEmpty())
        return bad(u"job \"%1\": a job needs a type (the handler that runs it, e.g. command)"_s.arg(name));
    if (schedule.kind == Schedule::Kind::Interval && schedule.everyMs < 1000)
        return bad(u"job \"%1\": an interval must be at least 1000 ms"_s.arg(name));
    if (!sessionKey.isEmpty() && !capabilities.isEmpty())
        return bad(u"job \"%1\": a job runs in a session or is a task that requires capabilities, not both"_s.arg(name));
    if (!payloadJson.isEmpty() && !QJsonDocument::fromJson(payloadJson).isObject())
        return bad(u"job \"%1\": the payload must be a JSON object"_s.arg(name));
    return {};
}

} // namespace Yard
