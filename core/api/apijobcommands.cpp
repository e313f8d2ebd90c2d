// SPDX-License-Identifier: GPL-3.0-or-later
// The API's job and lane commands (Commands).
#include "apicommands.h"
#include "apijson.h"

#include "engine/scheduler.h"
#include "store/storereader.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace Yard::Api {

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
