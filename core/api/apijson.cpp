// SPDX-License-Identifier: GPL-3.0-or-later
#include "apijson.h"

#include "jobs/cronexpression.h"
#include "model/isotime.h"

#include <QDateTime>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace Yard::Api {


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

Expected<RunFilter> runFilter(const Params &p, const QHash<QString, SessionId> *sessions)
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

} // namespace Yard::Api
