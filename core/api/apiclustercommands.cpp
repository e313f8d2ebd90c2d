// SPDX-License-Identifier: GPL-3.0-or-later
#include "apiclustercommands.h"

#include "cluster/clusterdb.h"
#include "model/priority.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace Yard::Api {

namespace {

Error invalid(const QString &why)
{
    return Error::make(ErrorCode::InvalidRequest, why);
}

QJsonValue iso(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
}

QJsonObject runJson(const ClusterRunRow &r)
{
    return {{u"id"_s, r.id},
            {u"state"_s, r.state},
            {u"session"_s, r.sessionKey},
            {u"type"_s, r.handler},
            {u"lane"_s, r.lane},
            {u"priority"_s, priorityName(Priority(qBound(0, r.priority, int(Priority::Count) - 1)))},
            {u"attempt"_s, r.attempt},
            {u"max_attempts"_s, r.maxAttempts},
            {u"node"_s, r.owner ? QJsonValue(r.owner) : QJsonValue()},
            {u"lease_left_ms"_s, r.state == u"running" ? QJsonValue(r.leaseLeftMs) : QJsonValue()},
            {u"queued_at"_s, iso(r.queuedAt)},
            {u"started_at"_s, iso(r.startedAt)},
            {u"finished_at"_s, iso(r.finishedAt)},
            {u"error"_s, r.error},
            {u"recoveries"_s, r.recoveries}};
}

QJsonObject laneJson(const ClusterLaneRow &l)
{
    QJsonObject byNode;
    for (auto it = l.runningByNode.cbegin(); it != l.runningByNode.cend(); ++it)
        byNode.insert(QString::number(it.key()), it.value());
    return {{u"name"_s, l.name}, {u"limit"_s, l.limit}, {u"running"_s, l.running}, {u"waiting"_s, l.queued},
            {u"paused"_s, l.paused}, {u"running_by_node"_s, byNode}};
}

QJsonObject nodeJson(const ClusterNodeRow &n)
{
    return {{u"id"_s, n.id},
            {u"name"_s, n.name},
            {u"host"_s, n.host},
            {u"pid"_s, n.pid},
            {u"version"_s, n.version},
            {u"state"_s, n.lost() ? u"lost"_s : n.state},
            {u"heartbeat_at"_s, iso(n.heartbeatAt)},
            {u"heartbeat_age_ms"_s, n.heartbeatAgeMs},
            {u"running"_s, n.running},
            {u"capacity"_s, n.capacity},
            {u"lease_ms"_s, n.leaseMs},
            {u"claimed"_s, n.claimed},
            {u"completed"_s, n.completed},
            {u"refused"_s, n.refused},
            {u"started_at"_s, iso(n.startedAt)}};
}

/// The run ids a runs.* action names: a list, never a filter here.
Expected<QVector<qint64>> runIds(const Request &r)
{
    const QJsonValue list = r.params.value(u"ids"_s);
    if (r.params.contains(u"filter"_s))
        return invalid(u"a cluster node acts on \"ids\" only (list them with runs.list first)"_s);
    if (!list.isArray() || list.toArray().isEmpty())
        return invalid(u"\"ids\" must be a non-empty list of run ids"_s);
    QVector<qint64> ids;
    for (const QJsonValue &v : list.toArray()) {
        if (!v.isDouble() || v.toDouble() < 1 || v.toDouble() != double(qint64(v.toDouble())))
            return invalid(u"\"ids\" must be a list of run ids"_s);
        ids << qint64(v.toDouble());
    }
    return ids;
}

} // namespace

ClusterCommands::ClusterCommands(ClusterUrl url, qint64 node, Replier *replier)
    : m_url(std::move(url))
    , m_node(node)
    , m_replier(replier)
{}

ClusterCommands::~ClusterCommands() = default;

QStringList ClusterCommands::names()
{
    return {u"ping"_s,      u"status"_s,      u"stats"_s,       u"pause"_s,       u"resume"_s,
            u"drain"_s,     u"submit"_s,      u"sessions.list"_s, u"runs.list"_s, u"runs.cancel"_s,
            u"runs.requeue"_s, u"runs.retry"_s, u"lanes.list"_s, u"lanes.set"_s, u"nodes.list"_s};
}

Expected<ClusterDb *> ClusterCommands::db()
{
    if (!m_db) {
        auto opened = ClusterDb::open(m_url, u"yard-api-%1"_s.arg(quintptr(this)));
        if (!opened)
            return opened.error();
        m_db = std::move(opened).value();
    }
    return m_db.get();
}

void ClusterCommands::handle(quint64 client, const QString &user, const QVector<Request> &batch)
{
    QVector<Request> submits;
    for (const Request &r : batch) {
        if (r.command == u"submit") {
            submits << r; // consecutive submits go in one transaction
            continue;
        }
        if (!submits.isEmpty()) {
            submitBatch(client, submits);
            submits.clear();
        }
        Expected<QJsonValue> result = dispatch(user, r);
        m_replier->reply(client, result ? okReply(r.id, result.value()) : errorReply(r.id, result.error()));
    }
    if (!submits.isEmpty())
        submitBatch(client, submits);
}

void ClusterCommands::submitBatch(quint64 client, const QVector<Request> &submits)
{
    QVector<ClusterRunSpec> specs;
    QVector<int> index(submits.size(), -1);
    for (int i = 0; i < submits.size(); ++i) {
        const Params p(submits[i].params);
        Expected<QString> session = p.requiredString(u"session"_s);
        Expected<QString> text = p.string(u"text"_s);
        Expected<QString> lane = p.string(u"lane"_s, u"default"_s);
        Expected<QString> handler = p.string(u"handler"_s, u"simulate"_s);
        Expected<QString> priority = p.string(u"priority"_s, u"normal"_s);
        Expected<QJsonObject> payload = p.object(u"payload"_s);
        Expected<qint64> attempts = p.integer(u"max_attempts"_s, 3, 1, 100);
        Error e = firstError(session, text, lane, handler, priority, payload, attempts);
        std::optional<Priority> prio = e.isError() ? std::nullopt : priorityFromName(priority.value());
        if (!e.isError() && !prio)
            e = invalid(u"\"priority\": unknown priority \"%1\""_s.arg(priority.value()));
        if (!e.isError() && (session.value().trimmed().isEmpty() || lane.value().trimmed().isEmpty()))
            e = invalid(u"\"session\" and \"lane\" must not be empty"_s);
        if (e.isError()) {
            m_replier->reply(client, errorReply(submits[i].id, e));
            continue;
        }
        ClusterRunSpec spec;
        spec.sessionKey = session.value();
        spec.input = text.value();
        spec.lane = lane.value();
        spec.handler = handler.value();
        spec.priority = int(*prio);
        spec.maxAttempts = int(attempts.value());
        if (!payload.value().isEmpty())
            spec.payloadJson = QJsonDocument(payload.value()).toJson(QJsonDocument::Compact);
        index[i] = int(specs.size());
        specs << spec;
    }
    if (specs.isEmpty())
        return;
    Expected<QVector<qint64>> ids = Error();
    if (auto d = db(); d)
        ids = d.value()->submit(specs);
    else
        ids = d.error();
    for (int i = 0; i < submits.size(); ++i) {
        if (index[i] < 0)
            continue;
        // Acknowledged only once the rows are committed: a crash after this loses nothing.
        m_replier->reply(client, ids ? okReply(submits[i].id, QJsonObject{{u"run"_s, ids.value().value(index[i])},
                                                                          {u"session"_s, specs[index[i]].sessionKey}})
                                     : errorReply(submits[i].id, ids.error()));
    }
}

Expected<QJsonValue> ClusterCommands::dispatch(const QString &user, const Request &r)
{
    const QString &c = r.command;
    const Params p(r.params);
    const QString actor = u"api:%1"_s.arg(user);
    if (c == u"ping")
        return QJsonValue(QJsonObject{{u"pong"_s, true}, {u"cluster"_s, true}, {u"node"_s, m_node}});
    if (!names().contains(c)) {
        static const QStringList engineOnly{u"task.create"_s, u"cycles"_s,     u"runs.recover"_s,
                                            u"runs.ack"_s,    u"jobs.list"_s,  u"jobs.create"_s, u"jobs.update"_s,
                                            u"jobs.enable"_s, u"jobs.disable"_s, u"jobs.run"_s,  u"jobs.delete"_s,
                                            u"events.subscribe"_s};
        if (engineOnly.contains(c))
            return invalid(u"\"%1\" is not served by a cluster node: jobs, tasks, cycles and the event stream belong to "
                           "the single-node scheduler (SQLite); a cluster serves %2"_s.arg(c, names().join(u", "_s)));
        return invalid(u"unknown command \"%1\" (a cluster node serves %2)"_s.arg(c, names().join(u", "_s)));
    }
    auto d = db();
    if (!d)
        return d.error();
    ClusterDb *cluster = d.value();

    if (c == u"pause" || c == u"resume" || c == u"drain") {
        Expected<QString> reason = p.string(u"reason"_s);
        if (!reason)
            return reason.error();
        if (c == u"pause" && reason.value().trimmed().isEmpty())
            return invalid(u"\"reason\" is required: every operator sees why the cluster is paused"_s);
        if (Error e = cluster->setControl(c == u"pause", c == u"drain", reason.value(), actor); e.isError())
            return e;
        auto s = cluster->snapshot(0);
        if (!s)
            return s.error();
        return QJsonValue(QJsonObject{{u"paused"_s, s.value().control.paused},
                                      {u"draining"_s, s.value().control.draining},
                                      {u"running"_s, s.value().running},
                                      {u"cluster"_s, true}});
    }
    if (c == u"status" || c == u"stats" || c == u"nodes.list" || c == u"lanes.list") {
        auto s = cluster->snapshot(0);
        if (!s)
            return s.error();
        const ClusterSnapshot &snap = s.value();
        QJsonArray nodes, lanes;
        int alive = 0;
        for (const ClusterNodeRow &n : snap.nodes) {
            nodes.append(nodeJson(n));
            alive += n.state != u"stopped" && !n.lost() ? 1 : 0;
        }
        for (const ClusterLaneRow &l : snap.lanes)
            lanes.append(laneJson(l));
        if (c == u"nodes.list")
            return QJsonValue(QJsonObject{{u"nodes"_s, nodes}});
        if (c == u"lanes.list")
            return QJsonValue(QJsonObject{{u"lanes"_s, lanes}});
        QJsonObject o{{u"cluster"_s, true},
                      {u"database"_s, snap.location},
                      {u"node"_s, m_node},
                      {u"paused"_s, snap.control.paused},
                      {u"draining"_s, snap.control.draining},
                      {u"store_failing"_s, false},
                      {u"running"_s, snap.running},
                      {u"queued"_s, snap.queued},
                      {u"needs_attention"_s, snap.needsAttention},
                      {u"nodes_alive"_s, alive},
                      {u"nodes"_s, nodes},
                      {u"counters"_s, QJsonObject{{u"completed"_s, snap.completed}}},
                      {u"lanes"_s, lanes}};
        if (snap.control.paused || snap.control.draining) {
            o.insert(u"pause_reason"_s, snap.control.reason);
            o.insert(u"paused_by"_s, snap.control.changedBy);
            o.insert(u"paused_at"_s, iso(snap.control.changedAt));
        }
        return QJsonValue(o);
    }
    if (c == u"lanes.set") {
        Expected<QString> name = p.requiredString(u"name"_s);
        if (!name)
            return name.error();
        auto s = cluster->snapshot(0);
        if (!s)
            return s.error();
        ClusterLaneRow lane{name.value(), 8, false, 0, 0, {}};
        for (const ClusterLaneRow &l : s.value().lanes) {
            if (l.name == name.value())
                lane = l;
        }
        Expected<qint64> limit = p.integer(u"limit"_s, lane.limit, 1, 100000);
        Expected<bool> paused = p.boolean(u"paused"_s, lane.paused);
        if (Error e = firstError(limit, paused); e.isError())
            return e;
        if (Error e = cluster->setLane(lane.name, int(limit.value()), paused.value(), actor); e.isError())
            return e;
        lane.limit = int(limit.value());
        lane.paused = paused.value();
        return QJsonValue(laneJson(lane));
    }
    if (c == u"runs.retry") {
        Expected<QVector<qint64>> ids = runIds(r);
        Expected<QString> reason = p.string(u"reason"_s);
        Expected<bool> dryRun = p.boolean(u"dry_run"_s, false);
        if (Error e = firstError(ids, reason, dryRun); e.isError())
            return e;
        if (dryRun.value())
            return QJsonValue(QJsonObject{{u"dry_run"_s, true}, {u"matches"_s, int(ids.value().size())}, {u"more"_s, false}});
        const QString who = reason.value().isEmpty() ? actor : u"%1 (%2)"_s.arg(actor, reason.value());
        QJsonArray created, errors;
        for (qint64 id : ids.value()) {
            Expected<qint64> run = cluster->retryRun(id, who);
            if (!run)
                return run.error();
            if (run.value())
                created.append(run.value());
            else if (errors.size() < 20)
                errors.append(QJsonObject{{u"run"_s, id}, {u"error"_s, u"not failed or cancelled"_s}});
        }
        return QJsonValue(QJsonObject{{u"done"_s, int(created.size())},
                                      {u"failed"_s, int(ids.value().size() - created.size())},
                                      {u"errors"_s, errors},
                                      {u"created"_s, created}});
    }
    if (c == u"runs.cancel" || c == u"runs.requeue") {
        Expected<QVector<qint64>> ids = runIds(r);
        Expected<QString> reason = p.string(u"reason"_s);
        Expected<bool> dryRun = p.boolean(u"dry_run"_s, false);
        if (Error e = firstError(ids, reason, dryRun); e.isError())
            return e;
        if (dryRun.value())
            return QJsonValue(QJsonObject{{u"dry_run"_s, true}, {u"matches"_s, int(ids.value().size())}, {u"more"_s, false}});
        int done = 0;
        QJsonArray errors;
        const QString who = reason.value().isEmpty() ? actor : u"%1 (%2)"_s.arg(actor, reason.value());
        for (qint64 id : ids.value()) {
            Expected<bool> acted = c == u"runs.cancel" ? cluster->cancelRun(id, who) : cluster->requeueRun(id, who);
            if (!acted)
                return acted.error();
            if (acted.value())
                ++done;
            else if (errors.size() < 20)
                errors.append(QJsonObject{{u"run"_s, id},
                                          {u"error"_s, c == u"runs.cancel" ? u"not queued or running"_s
                                                                            : u"not failed, cancelled or needing attention"_s}});
        }
        return QJsonValue(QJsonObject{{u"done"_s, done}, {u"failed"_s, int(ids.value().size()) - done}, {u"errors"_s, errors}});
    }
    if (c == u"runs.list" || c == u"sessions.list") {
        Expected<qint64> limit = p.integer(u"limit"_s, 100, 1, 1000);
        if (!limit)
            return limit.error();
        if (c == u"sessions.list") {
            auto s = cluster->snapshot(0);
            if (!s)
                return s.error();
            QJsonArray list;
            for (const ClusterSessionRow &x : s.value().sessions) {
                if (list.size() >= limit.value())
                    break;
                list.append(QJsonObject{{u"key"_s, x.key},
                                        {u"node"_s, x.owner ? QJsonValue(x.owner) : QJsonValue()},
                                        {u"running"_s, x.runningRun ? 1 : 0},
                                        {u"running_run"_s, x.runningRun ? QJsonValue(x.runningRun) : QJsonValue()},
                                        {u"queued"_s, x.queued},
                                        {u"last_activity"_s, iso(x.lastRunAt)}});
            }
            return QJsonValue(QJsonObject{{u"sessions"_s, list}, {u"total"_s, int(s.value().sessions.size())}, {u"offset"_s, 0}});
        }
        Expected<QStringList> states = p.strings(u"state"_s);
        Expected<QString> session = p.string(u"session"_s);
        Expected<QString> lane = p.string(u"lane"_s);
        Expected<qint64> before = p.integer(u"before"_s, 0, 0, std::numeric_limits<qint64>::max());
        if (Error e = firstError(states, session, lane, before); e.isError())
            return e;
        auto page = cluster->runs(states.value(), session.value(), lane.value(), before.value(), int(limit.value()) + 1);
        if (!page)
            return page.error();
        QJsonArray list;
        const bool more = page.value().size() > limit.value();
        qint64 last = 0;
        for (int i = 0; i < qMin<qsizetype>(page.value().size(), limit.value()); ++i) {
            list.append(runJson(page.value()[i]));
            last = page.value()[i].id;
        }
        QJsonObject o{{u"runs"_s, list}, {u"more"_s, more}};
        if (more)
            o.insert(u"next_before"_s, last);
        return QJsonValue(o);
    }
    return invalid(u"unknown command \"%1\""_s.arg(c));
}

} // namespace Yard::Api
