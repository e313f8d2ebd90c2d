// SPDX-License-Identifier: GPL-3.0-or-later
// ClusterDb's console side: operator actions, run pages and the cluster's snapshot.
#include "clusterdb.h"

#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace Yard {

Error ClusterDb::setControl(bool paused, bool draining, const QString &reason, const QString &actor)
{
    const QString action = draining ? u"scheduler.drain"_s : paused ? u"scheduler.pause"_s : u"scheduler.resume"_s;
    return run(
        u"WITH c AS (UPDATE control SET paused = ?, draining = ?, reason = ?, changed_by = ?, "
        u"changed_at = now() "
        "WHERE id = 1 RETURNING pg_notify('yard_runs', '')) INSERT INTO audit (actor, action, detail) VALUES (?, ?, ?)"_s,
        {paused, draining, reason.isNull() ? u""_s : reason, actor, actor, action, reason.isNull() ? u""_s : reason},
        u"cannot change the cluster's pause state"_s);
}

Error ClusterDb::setLane(const QString &name, int limit, bool paused, const QString &actor)
{
    if (name.isEmpty() || limit < 1)
        return Error::make(ErrorCode::InvalidRequest, u"a lane needs a name and a limit of at least 1"_s);
    return run(
        u"WITH l AS (INSERT INTO lanes (name, max_running, paused) VALUES (?, ?, ?) ON "
        u"CONFLICT (name) DO UPDATE "
        "SET max_running = excluded.max_running, paused = excluded.paused) "
        "INSERT INTO audit (actor, action, detail) VALUES (?, 'lane.set', ?)"_s,
        {name, limit, paused, actor, u"%1: limit %2%3"_s.arg(name).arg(limit).arg(paused ? u", paused"_s : QString())},
        u"cannot change lane %1"_s.arg(name));
}

Error ClusterDb::ensureLane(const QString &name, int limit)
{
    return run(u"INSERT INTO lanes (name, max_running) VALUES (?, ?) ON CONFLICT (name) DO NOTHING"_s,
               {name, qMax(1, limit)}, u"cannot create lane %1"_s.arg(name));
}

Expected<bool> ClusterDb::cancelRun(qint64 id, const QString &actor)
{
    const Expected<QVariant> v =
        value(u"WITH w AS (UPDATE runs SET state = 'cancelled', finished_at = now(), error = "
              u"'cancelled by ' || ? "
              "WHERE id = ? AND state IN ('queued', 'needs_attention') RETURNING id), "
              "r AS (UPDATE runs SET cancel_requested = true WHERE id = ? AND state = 'running' "
              "RETURNING id), "
              "a AS (INSERT INTO audit (actor, action, detail) SELECT ?, 'run.cancel', 'run ' || ? "
              "WHERE EXISTS (SELECT 1 FROM w) OR EXISTS (SELECT 1 FROM r)) "
              "SELECT (SELECT count(*) FROM w) + (SELECT count(*) FROM r)"_s,
              {actor, id, id, actor, id}, u"cannot cancel run %1"_s.arg(id));
    if (!v)
        return v.error();
    return bool(v.value().toInt() > 0);
}

Expected<bool> ClusterDb::requeueRun(qint64 id, const QString &actor)
{
    const Expected<QVariant> v =
        value(u"WITH w AS (UPDATE runs SET state = 'queued', attempt = attempt + 1, "
              "max_attempts = greatest(max_attempts, attempt + 1), error = NULL, finished_at = NULL, "
              "acknowledged = false "
              "WHERE id = ? AND state IN ('needs_attention', 'failed', 'cancelled') RETURNING id, "
              "pg_notify('yard_runs', '')), "
              "a AS (INSERT INTO audit (actor, action, detail) SELECT ?, 'run.requeue', 'run ' || ? "
              "WHERE EXISTS (SELECT 1 FROM w)) "
              "SELECT count(*) FROM w"_s,
              {id, actor, id}, u"cannot requeue run %1"_s.arg(id));
    if (!v)
        return v.error();
    return bool(v.value().toInt() > 0);
}

Expected<qint64> ClusterDb::retryRun(qint64 id, const QString &actor)
{
    const Expected<QVariant> v =
        value(u"WITH src AS (SELECT * FROM runs WHERE id = ? AND state IN ('failed', 'cancelled')), "
              "ins AS (INSERT INTO runs (session_key, lane, handler, priority, input, payload, "
              "max_attempts) "
              "SELECT session_key, lane, handler, priority, input, payload, max_attempts FROM src "
              "RETURNING id, pg_notify('yard_runs', '')), "
              "a AS (INSERT INTO audit (actor, action, detail) SELECT ?, 'run.retry', 'run ' || ? || ' "
              "as run ' || ins.id FROM ins) "
              "SELECT coalesce((SELECT id FROM ins), 0)"_s,
              {id, actor, id}, u"cannot retry run %1"_s.arg(id));
    if (!v)
        return v.error();
    return qint64(v.value().toLongLong());
}

namespace {

ClusterRunRow runRow(const QSqlQuery &q)
{
    ClusterRunRow r;
    r.id = q.value(0).toLongLong();
    r.sessionKey = q.value(1).toString();
    r.lane = q.value(2).toString();
    r.handler = q.value(3).toString();
    r.priority = q.value(4).toInt();
    r.state = q.value(5).toString();
    r.attempt = q.value(6).toInt();
    r.maxAttempts = q.value(7).toInt();
    r.owner = q.value(8).toLongLong();
    r.leaseLeftMs = q.value(9).toLongLong();
    r.cancelRequested = q.value(10).toBool();
    r.queuedAt = q.value(11).toDateTime();
    r.startedAt = q.value(12).toDateTime();
    r.finishedAt = q.value(13).toDateTime();
    r.error = q.value(14).toString();
    r.recoveries = q.value(15).toInt();
    return r;
}

const QString kRunColumns = u"id, session_key, lane, handler, priority, state, attempt, "
                            u"max_attempts, coalesce(lease_owner, 0), "
                            "CAST(coalesce(extract(epoch FROM lease_expires_at - now()) * 1000, 0) "
                            "AS bigint), cancel_requested, "
                            "queued_at, started_at, finished_at, coalesce(error, ''), recoveries"_s;

} // namespace

Expected<QVector<ClusterRunRow>> ClusterDb::runs(const QStringList &states, const QString &session, const QString &lane,
                                                 qint64 before, int limit)
{
    auto rows = runsOnce(states, session, lane, before, limit);
    if (!rows && !m_db.isOpen())
        rows = runsOnce(states, session, lane, before, limit);
    return rows;
}

Expected<QVector<ClusterRunRow>> ClusterDb::runsOnce(const QStringList &states, const QString &session,
                                                     const QString &lane, qint64 before, int limit)
{
    if (Error e = ensureOpen(); e.isError())
        return e;
    QStringList where;
    QVariantList values;
    if (!states.isEmpty()) {
        QStringList marks;
        for (const QString &state : states) {
            marks << u"?"_s;
            values << state;
        }
        where << u"state IN (%1)"_s.arg(marks.join(u", "_s));
    }
    if (!session.isEmpty()) {
        where << u"session_key = ?"_s;
        values << session;
    }
    if (!lane.isEmpty()) {
        where << u"lane = ?"_s;
        values << lane;
    }
    if (before > 0) {
        where << u"id < ?"_s;
        values << before;
    }
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(u"SELECT %1 FROM runs %2 ORDER BY id DESC LIMIT %3"_s.arg(
        kRunColumns, where.isEmpty() ? QString() : u"WHERE "_s + where.join(u" AND "_s),
        QString::number(qMax(1, limit))));
    for (const QVariant &v : values)
        q.addBindValue(v);
    if (!q.exec())
        return failed(q, u"cannot list runs"_s);
    QVector<ClusterRunRow> rows;
    while (q.next())
        rows.push_back(runRow(q));
    return rows;
}

Expected<ClusterSnapshot> ClusterDb::snapshot(int runLimit)
{
    // Reads are retried once on a fresh connection when the old one was lost (a server restart).
    auto s = snapshotOnce(runLimit);
    if (!s && !m_db.isOpen())
        s = snapshotOnce(runLimit);
    return s;
}

Expected<ClusterSnapshot> ClusterDb::snapshotOnce(int runLimit)
{
    if (Error e = ensureOpen(); e.isError())
        return e;
    ClusterSnapshot s;
    s.location = m_url.display();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    auto run = [&](const QString &sql) { return q.exec(sql); };
    // One snapshot of the database for every read (REPEATABLE READ, read only).
    if (!run(u"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"_s))
        return failed(q, u"cannot read the cluster"_s);
    auto fail = [&](const QString &what) {
        Error e = failed(q, what);
        if (m_db.isOpen())
            QSqlQuery(m_db).exec(u"ROLLBACK"_s);
        return e;
    };
    if (!run(u"SELECT paused, draining, reason, changed_by, changed_at, now() FROM control WHERE id = 1"_s) ||
        !q.next())
        return fail(u"cannot read the cluster's pause state"_s);
    s.control = {q.value(0).toBool(), q.value(1).toBool(), q.value(2).toString(), q.value(3).toString(),
                 q.value(4).toDateTime()};
    s.readAt = q.value(5).toDateTime();
    if (!run(u"SELECT id, name, host, pid, version, started_at, heartbeat_at, "
             "CAST(extract(epoch FROM now() - heartbeat_at) * 1000 AS bigint), state, running, "
             "capacity, lease_ms, "
             "claimed, completed, refused FROM nodes ORDER BY id"_s))
        return fail(u"cannot read the nodes"_s);
    while (q.next()) {
        ClusterNodeRow n;
        n.id = q.value(0).toLongLong();
        n.name = q.value(1).toString();
        n.host = q.value(2).toString();
        n.pid = q.value(3).toInt();
        n.version = q.value(4).toString();
        n.startedAt = q.value(5).toDateTime();
        n.heartbeatAt = q.value(6).toDateTime();
        n.heartbeatAgeMs = q.value(7).toLongLong();
        n.state = q.value(8).toString();
        n.running = q.value(9).toInt();
        n.capacity = q.value(10).toInt();
        n.leaseMs = q.value(11).toInt();
        n.claimed = q.value(12).toLongLong();
        n.completed = q.value(13).toLongLong();
        n.refused = q.value(14).toLongLong();
        s.completed += n.completed;
        s.nodes.push_back(n);
    }
    if (!run(
            u"SELECT l.name, l.max_running, l.paused, "
            "(SELECT count(*) FROM runs r WHERE r.state = 'running' AND r.lane = l.name), "
            "(SELECT count(*) FROM runs r WHERE r.state = 'queued' AND r.lane = l.name) FROM lanes l ORDER BY l.name"_s))
        return fail(u"cannot read the lanes"_s);
    while (q.next()) {
        ClusterLaneRow l{q.value(0).toString(), q.value(1).toInt(), q.value(2).toBool(),
                         q.value(3).toInt(),    q.value(4).toInt(), {}};
        s.running += l.running;
        s.queued += l.queued;
        s.lanes.push_back(l);
    }
    if (!run(u"SELECT lane, lease_owner, count(*) FROM runs WHERE state = 'running' GROUP BY lane, lease_owner"_s))
        return fail(u"cannot count the lanes' runs by node"_s);
    while (q.next()) {
        for (ClusterLaneRow &l : s.lanes) {
            if (l.name == q.value(0).toString())
                l.runningByNode.insert(q.value(1).toLongLong(), q.value(2).toInt());
        }
    }
    if (!run(u"SELECT count(*) FROM runs WHERE state = 'needs_attention'"_s) || !q.next())
        return fail(u"cannot count needs-attention runs"_s);
    s.needsAttention = q.value(0).toLongLong();
    if (!run(u"SELECT %1 FROM runs WHERE state = 'running' ORDER BY id"_s.arg(kRunColumns)))
        return fail(u"cannot read the running runs"_s);
    while (q.next())
        s.runs.push_back(runRow(q));
    if (!run(
            u"SELECT %1 FROM runs WHERE state <> 'running' ORDER BY id DESC LIMIT %2"_s.arg(kRunColumns).arg(runLimit)))
        return fail(u"cannot read the runs"_s);
    while (q.next())
        s.runs.push_back(runRow(q));
    if (!run(u"SELECT %1 FROM runs WHERE state = 'needs_attention' ORDER BY id DESC LIMIT %2"_s.arg(kRunColumns)
                 .arg(runLimit)))
        return fail(u"cannot read the needs-attention runs"_s);
    while (q.next())
        s.attention.push_back(runRow(q));
    if (!run(u"SELECT s.key, coalesce(s.running_run, 0), coalesce(s.owner, 0), "
             "(SELECT count(*) FROM runs r WHERE r.state = 'queued' AND r.session_key = s.key), "
             "s.last_run_at "
             "FROM sessions s ORDER BY s.last_run_at DESC NULLS LAST, s.key LIMIT 500"_s))
        return fail(u"cannot read the sessions"_s);
    while (q.next())
        s.sessions.push_back({q.value(0).toString(), q.value(1).toLongLong(), q.value(2).toLongLong(),
                              q.value(3).toInt(), q.value(4).toDateTime()});
    if (!run(u"SELECT id, at, actor, action, detail FROM audit ORDER BY id DESC LIMIT 200"_s))
        return fail(u"cannot read the audit log"_s);
    while (q.next())
        s.audit.push_back({q.value(0).toLongLong(), q.value(1).toDateTime(), q.value(2).toString(), q.value(3).toString(),
                           q.value(4).toString()});
    if (!run(u"COMMIT"_s))
        return fail(u"cannot finish reading the cluster"_s);
    return s;
}

} // namespace Yard
