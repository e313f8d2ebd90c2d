// SPDX-License-Identifier: GPL-3.0-or-later
#include "clusterdb.h"

#include "clusterschema.h"

#include <QCoreApplication>
#include <QHostInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <unistd.h>

using namespace Qt::StringLiterals;

namespace Yard {

namespace {

QString leaseInterval()
{
    return u"make_interval(secs => CAST(? AS integer) / 1000.0)"_s;
}

QDateTime timeAt(const QVariant &v)
{
    return v.isNull() ? QDateTime() : v.toDateTime();
}

} // namespace

ClusterDb::ClusterDb(ClusterUrl url, QString connectionName)
    : m_url(std::move(url))
    , m_connectionName(std::move(connectionName))
{}

ClusterDb::~ClusterDb()
{
    qDeleteAll(m_prepared);
    m_prepared.clear();
    if (m_db.isValid())
        m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

Expected<std::unique_ptr<ClusterDb>> ClusterDb::open(const ClusterUrl &url, const QString &connectionName)
{
    std::unique_ptr<ClusterDb> db(new ClusterDb(url, connectionName));
    {
        auto connection = url.connection(connectionName);
        if (!connection)
            return connection.error();
        db->m_db = connection.value();
    } // the only handle left is db's, so removeDatabase() finds it unused
    if (Error e = db->ensureOpen(); e.isError())
        return e;
    if (Error e = ClusterSchema::migrate(db->m_db); e.isError())
        return Error::make(e.code, u"%1: %2"_s.arg(url.display(), e.message));
    return db;
}

Error ClusterDb::ensureOpen()
{
    if (m_db.isOpen())
        return {};
    qDeleteAll(m_prepared); // statements die with their connection
    m_prepared.clear();
    if (!m_db.open()) {
        QString reason = m_db.lastError().text().trimmed();
        reason.replace(u'\n', u' ').replace(u'\t', u' ');
        return Error::make(ErrorCode::StoreFailed,
                           u"cannot connect to %1: %2"_s.arg(m_url.display(), reason));
    }
    for (const QString &channel : std::as_const(m_channels))
        m_db.driver()->subscribeToNotification(channel);
    return {};
}

Error ClusterDb::listen(const QString &channel)
{
    if (!m_channels.contains(channel))
        m_channels << channel;
    if (Error e = ensureOpen(); e.isError())
        return e;
    if (!m_db.driver()->subscribedToNotifications().contains(channel)
        && !m_db.driver()->subscribeToNotification(channel))
        return Error::make(ErrorCode::StoreFailed, u"cannot LISTEN on %1: %2"_s.arg(channel, m_db.driver()->lastError().text()));
    return {};
}

Error ClusterDb::failed(QSqlQuery &q, const QString &what)
{
    const QSqlError error = q.lastError();
    QString reason = error.text().trimmed();
    reason.replace(u'\n', u' ').replace(u'\t', u' ');
    // A broken connection is reopened by the next call; a statement error keeps it.
    if (error.type() == QSqlError::ConnectionError || !m_db.isOpen()
        || reason.contains(u"server closed the connection"_s) || reason.contains(u"no connection"_s)
        || reason.contains(u"terminating connection"_s)) {
        m_db.close(); // first: statements of a closed connection are dropped without a round trip
        qDeleteAll(m_prepared);
        m_prepared.clear();
    }
    return Error::make(ErrorCode::StoreFailed, u"%1 on %2: %3"_s.arg(what, m_url.display(), reason));
}

QSqlQuery *ClusterDb::prepared(const QString &sql, Error *error)
{
    if (Error e = ensureOpen(); e.isError()) {
        *error = e;
        return nullptr;
    }
    if (QSqlQuery *q = m_prepared.value(sql))
        return q;
    auto *q = new QSqlQuery(m_db);
    if (!q->prepare(sql)) {
        *error = failed(*q, u"cannot prepare a statement"_s);
        delete q;
        return nullptr;
    }
    m_prepared.insert(sql, q);
    return q;
}

Error ClusterDb::exec(const QString &sql)
{
    if (Error e = ensureOpen(); e.isError())
        return e;
    QSqlQuery q(m_db);
    if (!q.exec(sql))
        return failed(q, u"statement failed"_s);
    return {};
}

Expected<qint64> ClusterDb::registerNode(const QString &name, int capacity, int leaseMs)
{
    Error error;
    QSqlQuery *q = prepared(u"INSERT INTO nodes (name, host, pid, version, capacity, lease_ms) "
                            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id"_s,
                            &error);
    if (!q)
        return error;
    q->addBindValue(name);
    q->addBindValue(QHostInfo::localHostName());
    q->addBindValue(int(::getpid()));
    q->addBindValue(QStringLiteral(YARD_VERSION));
    q->addBindValue(capacity);
    q->addBindValue(leaseMs);
    if (!q->exec() || !q->next())
        return failed(*q, u"cannot register the node"_s);
    const qint64 id = q->value(0).toLongLong();
    q->finish();
    return id;
}

Expected<QVector<qint64>> ClusterDb::heartbeat(qint64 node, const QString &state, const QVector<qint64> &executing,
                                               int leaseMs, QVector<qint64> *cancelRequested)
{
    Error error;
    QSqlQuery *q = prepared(
        u"WITH n AS (UPDATE nodes SET heartbeat_at = now(), state = ?, running = ? WHERE id = ? RETURNING id), "
        "renewed AS (UPDATE runs r SET lease_expires_at = now() + "_s
            + leaseInterval()
            + u" WHERE r.state = 'running' AND r.lease_owner = ? AND r.lease_expires_at > now() "
              "AND r.id = ANY (CAST(? AS bigint[])) "
              "RETURNING r.id, r.session_key, r.cancel_requested, r.lease_expires_at), "
              "s AS (UPDATE sessions ss SET lease_expires_at = renewed.lease_expires_at FROM renewed "
              "WHERE ss.key = renewed.session_key AND ss.running_run = renewed.id) "
              "SELECT id, cancel_requested FROM renewed"_s,
        &error);
    if (!q)
        return error;
    QString ids = u"{"_s;
    for (qint64 id : executing)
        ids += QString::number(id) + u',';
    if (ids.endsWith(u','))
        ids.chop(1);
    ids += u'}';
    q->addBindValue(state);
    q->addBindValue(int(executing.size()));
    q->addBindValue(node);
    q->addBindValue(leaseMs);
    q->addBindValue(node);
    q->addBindValue(ids);
    if (!q->exec())
        return failed(*q, u"cannot renew the leases"_s);
    QVector<qint64> held;
    while (q->next()) {
        held.push_back(q->value(0).toLongLong());
        if (cancelRequested && q->value(1).toBool())
            cancelRequested->push_back(held.back());
    }
    q->finish();
    return held;
}

Expected<QVector<ClaimedRun>> ClusterDb::claim(qint64 node, int batch, int leaseMs)
{
    Error error;
    QSqlQuery *q = prepared(u"SELECT id, session_key, lane, handler, priority, attempt, max_attempts, input, "
                            "payload, saved_state FROM yard_claim(?, ?, ?)"_s,
                            &error);
    if (!q)
        return error;
    q->addBindValue(node);
    q->addBindValue(batch);
    q->addBindValue(leaseMs);
    if (!q->exec())
        return failed(*q, u"cannot claim runs"_s);
    QVector<ClaimedRun> runs;
    runs.reserve(q->size() > 0 ? q->size() : 0);
    while (q->next()) {
        ClaimedRun r;
        r.id = q->value(0).toLongLong();
        r.sessionKey = q->value(1).toString();
        r.lane = q->value(2).toString();
        r.handler = q->value(3).toString();
        r.priority = q->value(4).toInt();
        r.attempt = q->value(5).toInt();
        r.maxAttempts = q->value(6).toInt();
        r.input = q->value(7).toString();
        r.payloadJson = q->value(8).toString().toUtf8();
        if (!q->value(9).isNull())
            r.savedState = q->value(9).toByteArray();
        runs.push_back(std::move(r));
    }
    q->finish();
    return runs;
}

Expected<QVector<qint64>> ClusterDb::complete(qint64 node, const QVector<ClusterCompletion> &done)
{
    if (done.isEmpty())
        return QVector<qint64>();
    QJsonArray items;
    for (const ClusterCompletion &c : done) {
        QJsonObject o{{u"id"_s, c.id},
                      {u"attempt"_s, c.attempt},
                      {u"outcome"_s, c.outcome},
                      {u"state"_s, c.nextState},
                      {u"bump"_s, c.nextAttempt},
                      {u"started_us"_s, c.startedUs},
                      {u"ended_us"_s, c.endedUs}};
        if (!c.result.isNull())
            o.insert(u"result"_s, c.result);
        if (!c.error.isNull())
            o.insert(u"error"_s, c.error);
        if (!c.savedState.isNull())
            o.insert(u"saved"_s, QString::fromLatin1(c.savedState.toBase64()));
        items.append(o);
    }
    Error error;
    QSqlQuery *q = prepared(
        u"WITH d AS (SELECT * FROM jsonb_to_recordset(CAST(? AS jsonb)) AS x(id bigint, attempt integer, "
        "outcome text, state text, bump boolean, result text, error text, started_us bigint, ended_us bigint, "
        "saved text)), "
        "upd AS (UPDATE runs r SET state = d.state, "
        "attempt = CASE WHEN d.bump THEN r.attempt + 1 ELSE r.attempt END, "
        "finished_at = CASE WHEN d.state = 'queued' THEN NULL ELSE now() END, "
        "result = d.result, error = d.error, lease_owner = NULL, lease_expires_at = NULL, "
        "saved_state = CASE WHEN d.saved IS NULL THEN r.saved_state ELSE decode(d.saved, 'base64') END "
        "FROM d WHERE r.id = d.id AND r.state = 'running' AND r.lease_owner = ? AND r.attempt = d.attempt "
        "RETURNING r.id, r.session_key), "
        "s AS (UPDATE sessions ss SET running_run = NULL, owner = NULL, lease_expires_at = NULL, "
        "last_run_at = now() FROM upd WHERE ss.key = upd.session_key AND ss.running_run = upd.id), "
        "a AS (INSERT INTO run_attempts (run_id, attempt, node_id, outcome, started_us, ended_us, error) "
        "SELECT d.id, d.attempt, ?, CASE WHEN upd.id IS NULL THEN 'refused' ELSE d.outcome END, d.started_us, "
        "d.ended_us, d.error FROM d LEFT JOIN upd ON upd.id = d.id), "
        "n AS (UPDATE nodes nd SET completed = nd.completed + (SELECT count(*) FROM upd), "
        "refused = nd.refused + (SELECT count(*) FROM d) - (SELECT count(*) FROM upd) WHERE nd.id = ?) "
        "SELECT d.id FROM d LEFT JOIN upd ON upd.id = d.id WHERE upd.id IS NULL"_s,
        &error);
    if (!q)
        return error;
    q->addBindValue(QString::fromUtf8(QJsonDocument(items).toJson(QJsonDocument::Compact)));
    q->addBindValue(node);
    q->addBindValue(node);
    q->addBindValue(node);
    if (!q->exec())
        return failed(*q, u"cannot record finished runs"_s);
    QVector<qint64> refused;
    while (q->next())
        refused.push_back(q->value(0).toLongLong());
    q->finish();
    return refused;
}

Expected<int> ClusterDb::sweepExpiredLeases(int limit)
{
    Error error;
    QSqlQuery *q = prepared(
        u"WITH expired AS (SELECT r.id, r.lease_owner AS owner, r.attempt AS old_attempt FROM runs r "
        "WHERE r.state = 'running' AND r.lease_expires_at < now() ORDER BY r.lease_expires_at LIMIT ? "
        "FOR UPDATE SKIP LOCKED), "
        "rec AS (UPDATE runs r SET "
        "state = CASE WHEN r.attempt >= r.max_attempts THEN 'needs_attention' ELSE 'queued' END, "
        "attempt = CASE WHEN r.attempt >= r.max_attempts THEN r.attempt ELSE r.attempt + 1 END, "
        "finished_at = CASE WHEN r.attempt >= r.max_attempts THEN now() ELSE NULL END, "
        "error = 'lease expired on node ' || e.owner || CASE WHEN r.attempt >= r.max_attempts "
        "THEN ' and its attempts are spent' ELSE '; recovered' END, "
        "recoveries = r.recoveries + 1, lease_owner = NULL, lease_expires_at = NULL "
        "FROM expired e WHERE r.id = e.id RETURNING r.id, r.session_key, e.owner, e.old_attempt), "
        "s AS (UPDATE sessions ss SET running_run = NULL, owner = NULL, lease_expires_at = NULL FROM rec "
        "WHERE ss.key = rec.session_key AND ss.running_run = rec.id), "
        "a AS (INSERT INTO run_attempts (run_id, attempt, node_id, outcome, error) "
        "SELECT rec.id, rec.old_attempt, rec.owner, 'lease_expired', 'lease expired on node ' || rec.owner FROM rec) "
        "SELECT count(*) FROM rec"_s,
        &error);
    if (!q)
        return error;
    q->addBindValue(limit);
    if (!q->exec() || !q->next())
        return failed(*q, u"cannot recover expired leases"_s);
    const int n = q->value(0).toInt();
    q->finish();
    return n;
}

Expected<int> ClusterDb::pruneFinished(const QDateTime &finishedBefore, const QDateTime &failedBefore, int batch)
{
    Error error;
    QSqlQuery *q = prepared(
        u"WITH gone AS (DELETE FROM runs WHERE id IN (SELECT id FROM runs WHERE "
        "(state IN ('completed', 'cancelled') AND finished_at < ?) OR (state = 'failed' AND finished_at < ?) "
        "LIMIT ?) RETURNING id), "
        "a AS (DELETE FROM run_attempts WHERE run_id IN (SELECT id FROM gone)) "
        "SELECT count(*) FROM gone"_s,
        &error);
    if (!q)
        return error;
    q->addBindValue(finishedBefore.toUTC());
    q->addBindValue(failedBefore.toUTC());
    q->addBindValue(batch);
    if (!q->exec() || !q->next())
        return failed(*q, u"cannot prune finished runs"_s);
    const int n = q->value(0).toInt();
    q->finish();
    return n;
}

Error ClusterDb::stopNode(qint64 node)
{
    Error error;
    QSqlQuery *q = prepared(
        u"WITH rel AS (UPDATE runs r SET state = 'queued', attempt = r.attempt + 1, lease_owner = NULL, "
        "lease_expires_at = NULL, error = 'node stopped before the run ended; queued again' "
        "WHERE r.state = 'running' AND r.lease_owner = ? RETURNING r.id, r.session_key), "
        "s AS (UPDATE sessions ss SET running_run = NULL, owner = NULL, lease_expires_at = NULL FROM rel "
        "WHERE ss.key = rel.session_key AND ss.running_run = rel.id) "
        "UPDATE nodes SET state = 'stopped', running = 0, heartbeat_at = now() WHERE id = ?"_s,
        &error);
    if (!q)
        return error;
    q->addBindValue(node);
    q->addBindValue(node);
    if (!q->exec())
        return failed(*q, u"cannot record the node's stop"_s);
    q->finish();
    return {};
}

Expected<QVector<qint64>> ClusterDb::submit(const QVector<ClusterRunSpec> &runs)
{
    if (runs.isEmpty())
        return QVector<qint64>();
    QJsonArray items;
    for (const ClusterRunSpec &r : runs) {
        if (r.sessionKey.isEmpty() || r.handler.isEmpty() || r.lane.isEmpty())
            return Error::make(ErrorCode::InvalidRequest, u"a run needs a session, a lane and a handler"_s);
        items.append(QJsonObject{{u"session"_s, r.sessionKey},
                                 {u"lane"_s, r.lane},
                                 {u"handler"_s, r.handler},
                                 {u"priority"_s, r.priority},
                                 {u"input"_s, r.input},
                                 {u"payload"_s, QString::fromUtf8(r.payloadJson)},
                                 {u"max_attempts"_s, r.maxAttempts}});
    }
    Error error;
    QSqlQuery *q = prepared(
        u"WITH d AS (SELECT e.ord, e.v->>'session' AS session_key, e.v->>'lane' AS lane, e.v->>'handler' AS handler, "
        "CAST(e.v->>'priority' AS smallint) AS priority, e.v->>'input' AS input, e.v->>'payload' AS payload, "
        "CAST(e.v->>'max_attempts' AS integer) AS max_attempts "
        "FROM jsonb_array_elements(CAST(? AS jsonb)) WITH ORDINALITY AS e(v, ord)), "
        "s AS (INSERT INTO sessions (key) SELECT DISTINCT session_key FROM d ON CONFLICT DO NOTHING), "
        "l AS (INSERT INTO lanes (name) SELECT DISTINCT lane FROM d ON CONFLICT DO NOTHING) "
        "INSERT INTO runs (session_key, lane, handler, priority, input, payload, max_attempts) "
        "SELECT session_key, lane, handler, priority, input, payload, max_attempts FROM d ORDER BY ord "
        "RETURNING id, pg_notify('yard_runs', '')"_s, // one notification per commit (PostgreSQL folds them)
        &error);
    if (!q)
        return error;
    q->addBindValue(QString::fromUtf8(QJsonDocument(items).toJson(QJsonDocument::Compact)));
    if (!q->exec())
        return failed(*q, u"cannot submit runs"_s);
    QVector<qint64> ids;
    ids.reserve(runs.size());
    while (q->next())
        ids.push_back(q->value(0).toLongLong());
    q->finish();
    return ids;
}

Expected<ClusterControl> ClusterDb::control()
{
    auto c = controlOnce();
    if (!c && !m_db.isOpen())
        c = controlOnce();
    return c;
}

Expected<ClusterControl> ClusterDb::controlOnce()
{
    Error error;
    QSqlQuery *q = prepared(u"SELECT paused, draining, reason, changed_by, changed_at FROM control WHERE id = 1"_s,
                            &error);
    if (!q)
        return error;
    if (!q->exec() || !q->next())
        return failed(*q, u"cannot read the cluster's pause state"_s);
    ClusterControl c;
    c.paused = q->value(0).toBool();
    c.draining = q->value(1).toBool();
    c.reason = q->value(2).toString();
    c.changedBy = q->value(3).toString();
    c.changedAt = timeAt(q->value(4));
    q->finish();
    return c;
}

Error ClusterDb::setControl(bool paused, bool draining, const QString &reason, const QString &actor)
{
    Error error;
    QSqlQuery *q = prepared(
        u"WITH c AS (UPDATE control SET paused = ?, draining = ?, reason = ?, changed_by = ?, changed_at = now() "
        "WHERE id = 1 RETURNING pg_notify('yard_runs', '')) INSERT INTO audit (actor, action, detail) VALUES (?, ?, ?)"_s,
        &error);
    if (!q)
        return error;
    const QString action = draining ? u"scheduler.drain"_s : paused ? u"scheduler.pause"_s : u"scheduler.resume"_s;
    q->addBindValue(paused);
    q->addBindValue(draining);
    q->addBindValue(reason.isNull() ? u""_s : reason);
    q->addBindValue(actor);
    q->addBindValue(actor);
    q->addBindValue(action);
    q->addBindValue(reason.isNull() ? u""_s : reason);
    if (!q->exec())
        return failed(*q, u"cannot change the cluster's pause state"_s);
    q->finish();
    return {};
}

Error ClusterDb::setLane(const QString &name, int limit, bool paused, const QString &actor)
{
    if (name.isEmpty() || limit < 1)
        return Error::make(ErrorCode::InvalidRequest, u"a lane needs a name and a limit of at least 1"_s);
    Error error;
    QSqlQuery *q = prepared(
        u"WITH l AS (INSERT INTO lanes (name, max_running, paused) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE "
        "SET max_running = excluded.max_running, paused = excluded.paused) "
        "INSERT INTO audit (actor, action, detail) VALUES (?, 'lane.set', ?)"_s,
        &error);
    if (!q)
        return error;
    q->addBindValue(name);
    q->addBindValue(limit);
    q->addBindValue(paused);
    q->addBindValue(actor);
    q->addBindValue(u"%1: limit %2%3"_s.arg(name).arg(limit).arg(paused ? u", paused"_s : QString()));
    if (!q->exec())
        return failed(*q, u"cannot change lane %1"_s.arg(name));
    q->finish();
    return {};
}

Error ClusterDb::ensureLane(const QString &name, int limit)
{
    Error error;
    QSqlQuery *q = prepared(u"INSERT INTO lanes (name, max_running) VALUES (?, ?) ON CONFLICT (name) DO NOTHING"_s, &error);
    if (!q)
        return error;
    q->addBindValue(name);
    q->addBindValue(qMax(1, limit));
    if (!q->exec())
        return failed(*q, u"cannot create lane %1"_s.arg(name));
    q->finish();
    return {};
}

Expected<bool> ClusterDb::cancelRun(qint64 id, const QString &actor)
{
    Error error;
    QSqlQuery *q = prepared(
        u"WITH w AS (UPDATE runs SET state = 'cancelled', finished_at = now(), error = 'cancelled by ' || ? "
        "WHERE id = ? AND state IN ('queued', 'needs_attention') RETURNING id), "
        "r AS (UPDATE runs SET cancel_requested = true WHERE id = ? AND state = 'running' RETURNING id), "
        "a AS (INSERT INTO audit (actor, action, detail) SELECT ?, 'run.cancel', 'run ' || ? "
        "WHERE EXISTS (SELECT 1 FROM w) OR EXISTS (SELECT 1 FROM r)) "
        "SELECT (SELECT count(*) FROM w) + (SELECT count(*) FROM r)"_s,
        &error);
    if (!q)
        return error;
    q->addBindValue(actor);
    q->addBindValue(id);
    q->addBindValue(id);
    q->addBindValue(actor);
    q->addBindValue(id);
    if (!q->exec() || !q->next())
        return failed(*q, u"cannot cancel run %1"_s.arg(id));
    const bool found = q->value(0).toInt() > 0;
    q->finish();
    return found;
}

Expected<bool> ClusterDb::requeueRun(qint64 id, const QString &actor)
{
    Error error;
    QSqlQuery *q = prepared(
        u"WITH w AS (UPDATE runs SET state = 'queued', attempt = attempt + 1, "
        "max_attempts = greatest(max_attempts, attempt + 1), error = NULL, finished_at = NULL, acknowledged = false "
        "WHERE id = ? AND state IN ('needs_attention', 'failed', 'cancelled') RETURNING id, pg_notify('yard_runs', '')), "
        "a AS (INSERT INTO audit (actor, action, detail) SELECT ?, 'run.requeue', 'run ' || ? "
        "WHERE EXISTS (SELECT 1 FROM w)) "
        "SELECT count(*) FROM w"_s,
        &error);
    if (!q)
        return error;
    q->addBindValue(id);
    q->addBindValue(actor);
    q->addBindValue(id);
    if (!q->exec() || !q->next())
        return failed(*q, u"cannot requeue run %1"_s.arg(id));
    const bool found = q->value(0).toInt() > 0;
    q->finish();
    return found;
}

Expected<qint64> ClusterDb::retryRun(qint64 id, const QString &actor)
{
    Error error;
    QSqlQuery *q = prepared(
        u"WITH src AS (SELECT * FROM runs WHERE id = ? AND state IN ('failed', 'cancelled')), "
        "ins AS (INSERT INTO runs (session_key, lane, handler, priority, input, payload, max_attempts) "
        "SELECT session_key, lane, handler, priority, input, payload, max_attempts FROM src "
        "RETURNING id, pg_notify('yard_runs', '')), "
        "a AS (INSERT INTO audit (actor, action, detail) SELECT ?, 'run.retry', 'run ' || ? || ' as run ' || ins.id FROM ins) "
        "SELECT coalesce((SELECT id FROM ins), 0)"_s,
        &error);
    if (!q)
        return error;
    q->addBindValue(id);
    q->addBindValue(actor);
    q->addBindValue(id);
    if (!q->exec() || !q->next())
        return failed(*q, u"cannot retry run %1"_s.arg(id));
    const qint64 created = q->value(0).toLongLong();
    q->finish();
    return created;
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
    r.queuedAt = timeAt(q.value(11));
    r.startedAt = timeAt(q.value(12));
    r.finishedAt = timeAt(q.value(13));
    r.error = q.value(14).toString();
    r.recoveries = q.value(15).toInt();
    return r;
}

const QString kRunColumns =
    u"id, session_key, lane, handler, priority, state, attempt, max_attempts, coalesce(lease_owner, 0), "
    "CAST(coalesce(extract(epoch FROM lease_expires_at - now()) * 1000, 0) AS bigint), cancel_requested, "
    "queued_at, started_at, finished_at, coalesce(error, ''), recoveries"_s;

} // namespace

Expected<QVector<ClusterRunRow>> ClusterDb::runs(const QStringList &states, const QString &session,
                                                 const QString &lane, qint64 before, int limit)
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
        kRunColumns, where.isEmpty() ? QString() : u"WHERE "_s + where.join(u" AND "_s), QString::number(qMax(1, limit))));
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
    if (!run(u"SELECT paused, draining, reason, changed_by, changed_at, now() FROM control WHERE id = 1"_s) || !q.next())
        return fail(u"cannot read the cluster's pause state"_s);
    s.control = {q.value(0).toBool(), q.value(1).toBool(), q.value(2).toString(), q.value(3).toString(),
                 timeAt(q.value(4))};
    s.readAt = timeAt(q.value(5));
    if (!run(u"SELECT id, name, host, pid, version, started_at, heartbeat_at, "
             "CAST(extract(epoch FROM now() - heartbeat_at) * 1000 AS bigint), state, running, capacity, lease_ms, "
             "claimed, completed, refused FROM nodes ORDER BY id"_s))
        return fail(u"cannot read the nodes"_s);
    while (q.next()) {
        ClusterNodeRow n;
        n.id = q.value(0).toLongLong();
        n.name = q.value(1).toString();
        n.host = q.value(2).toString();
        n.pid = q.value(3).toInt();
        n.version = q.value(4).toString();
        n.startedAt = timeAt(q.value(5));
        n.heartbeatAt = timeAt(q.value(6));
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
    if (!run(u"SELECT l.name, l.max_running, l.paused, "
             "(SELECT count(*) FROM runs r WHERE r.state = 'running' AND r.lane = l.name), "
             "(SELECT count(*) FROM runs r WHERE r.state = 'queued' AND r.lane = l.name) FROM lanes l ORDER BY l.name"_s))
        return fail(u"cannot read the lanes"_s);
    while (q.next()) {
        ClusterLaneRow l{q.value(0).toString(), q.value(1).toInt(), q.value(2).toBool(), q.value(3).toInt(),
                         q.value(4).toInt(), {}};
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
    if (!run(u"SELECT %1 FROM runs WHERE state <> 'running' ORDER BY id DESC LIMIT %2"_s.arg(kRunColumns).arg(runLimit)))
        return fail(u"cannot read the runs"_s);
    while (q.next())
        s.runs.push_back(runRow(q));
    if (!run(u"SELECT %1 FROM runs WHERE state = 'needs_attention' ORDER BY id DESC LIMIT %2"_s.arg(kRunColumns).arg(runLimit)))
        return fail(u"cannot read the needs-attention runs"_s);
    while (q.next())
        s.attention.push_back(runRow(q));
    if (!run(u"SELECT s.key, coalesce(s.running_run, 0), coalesce(s.owner, 0), "
             "(SELECT count(*) FROM runs r WHERE r.state = 'queued' AND r.session_key = s.key), s.last_run_at "
             "FROM sessions s ORDER BY s.last_run_at DESC NULLS LAST, s.key LIMIT 500"_s))
        return fail(u"cannot read the sessions"_s);
    while (q.next())
        s.sessions.push_back({q.value(0).toString(), q.value(1).toLongLong(), q.value(2).toLongLong(),
                              q.value(3).toInt(), timeAt(q.value(4))});
    if (!run(u"SELECT id, at, actor, action, detail FROM audit ORDER BY id DESC LIMIT 200"_s))
        return fail(u"cannot read the audit log"_s);
    while (q.next())
        s.audit.push_back({q.value(0).toLongLong(), timeAt(q.value(1)), q.value(2).toString(), q.value(3).toString(),
                           q.value(4).toString()});
    if (!run(u"COMMIT"_s))
        return fail(u"cannot finish reading the cluster"_s);
    return s;
}

} // namespace Yard
