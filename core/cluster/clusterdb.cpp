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


} // namespace

ClusterDb::ClusterDb(ClusterUrl url, QString connectionName)
    : m_url(std::move(url))
    , m_connectionName(std::move(connectionName))
{
}

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
        return Error::make(ErrorCode::StoreFailed, u"cannot connect to %1: %2"_s.arg(m_url.display(), reason));
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
    if (!m_db.driver()->subscribedToNotifications().contains(channel) &&
        !m_db.driver()->subscribeToNotification(channel))
        return Error::make(ErrorCode::StoreFailed,
                           u"cannot LISTEN on %1: %2"_s.arg(channel, m_db.driver()->lastError().text()));
    return {};
}

Error ClusterDb::failed(QSqlQuery &q, const QString &what)
{
    const QSqlError error = q.lastError();
    QString reason = error.text().trimmed();
    reason.replace(u'\n', u' ').replace(u'\t', u' ');
    // A broken connection is reopened by the next call; a statement error keeps it.
    if (error.type() == QSqlError::ConnectionError || !m_db.isOpen() ||
        reason.contains(u"server closed the connection"_s) || reason.contains(u"no connection"_s) ||
        reason.contains(u"terminating connection"_s)) {
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

QSqlQuery *ClusterDb::bound(const QString &sql, const QVariantList &binds, Error *error)
{
    QSqlQuery *q = prepared(sql, error);
    for (const QVariant &b : binds) {
        if (q)
            q->addBindValue(b);
    }
    return q;
}

Error ClusterDb::run(const QString &sql, const QVariantList &binds, const QString &what)
{
    Error error;
    QSqlQuery *q = bound(sql, binds, &error);
    if (!q)
        return error;
    if (!q->exec())
        return failed(*q, what);
    q->finish();
    return {};
}

Expected<QVariant> ClusterDb::value(const QString &sql, const QVariantList &binds, const QString &what)
{
    Error error;
    QSqlQuery *q = bound(sql, binds, &error);
    if (!q)
        return error;
    if (!q->exec() || !q->next())
        return failed(*q, what);
    const QVariant v = q->value(0);
    q->finish();
    return v;
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
    const Expected<QVariant> v =
        value(u"INSERT INTO nodes (name, host, pid, version, capacity, lease_ms) "
              "VALUES (?, ?, ?, ?, ?, ?) RETURNING id"_s,
              {name, QHostInfo::localHostName(), int(::getpid()), QStringLiteral(YARD_VERSION), capacity, leaseMs},
              u"cannot register the node"_s);
    if (!v)
        return v.error();
    return qint64(v.value().toLongLong());
}

Expected<QVector<qint64>> ClusterDb::heartbeat(qint64 node, const QString &state, const QVector<qint64> &executing,
                                               int leaseMs, QVector<qint64> *cancelRequested)
{
    Error error;
    QSqlQuery *q = prepared(u"WITH n AS (UPDATE nodes SET heartbeat_at = now(), state = ?, running = ? WHERE id = ? "
                            u"RETURNING id), "
                            "renewed AS (UPDATE runs r SET lease_expires_at = now() + "_s +
                                leaseInterval() +
                                u" WHERE r.state = 'running' AND r.lease_owner = ? AND r.lease_expires_at > now() "
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
        QJsonObject o{{u"id"_s, c.id},           {u"attempt"_s, c.attempt},  {u"outcome"_s, c.outcome},
                      {u"state"_s, c.nextState}, {u"bump"_s, c.nextAttempt}, {u"started_us"_s, c.startedUs},
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
    QSqlQuery *q = prepared(u"WITH d AS (SELECT * FROM jsonb_to_recordset(CAST(? AS jsonb)) AS x(id bigint, attempt "
                            u"integer, "
                            "outcome text, state text, bump boolean, result text, error text, started_us bigint, "
                            "ended_us bigint, "
                            "saved text)), "
                            "upd AS (UPDATE runs r SET state = d.state, "
                            "attempt = CASE WHEN d.bump THEN r.attempt + 1 ELSE r.attempt END, "
                            "finished_at = CASE WHEN d.state = 'queued' THEN NULL ELSE now() END, "
                            "result = d.result, error = d.error, lease_owner = NULL, lease_expires_at = NULL, "
                            "saved_state = CASE WHEN d.saved IS NULL THEN r.saved_state ELSE decode(d.saved, 'base64') "
                            "END "
                            "FROM d WHERE r.id = d.id AND r.state = 'running' AND r.lease_owner = ? AND r.attempt = "
                            "d.attempt "
                            "RETURNING r.id, r.session_key), "
                            "s AS (UPDATE sessions ss SET running_run = NULL, owner = NULL, lease_expires_at = NULL, "
                            "last_run_at = now() FROM upd WHERE ss.key = upd.session_key AND ss.running_run = upd.id), "
                            "a AS (INSERT INTO run_attempts (run_id, attempt, node_id, outcome, started_us, ended_us, "
                            "error) "
                            "SELECT d.id, d.attempt, ?, CASE WHEN upd.id IS NULL THEN 'refused' ELSE d.outcome END, "
                            "d.started_us, "
                            "d.ended_us, d.error FROM d LEFT JOIN upd ON upd.id = d.id), "
                            "n AS (UPDATE nodes nd SET completed = nd.completed + (SELECT count(*) FROM upd), "
                            "refused = nd.refused + (SELECT count(*) FROM d) - (SELECT count(*) FROM upd) WHERE nd.id "
                            "= ?) "
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
    const Expected<QVariant> v =
        value(u"WITH expired AS (SELECT r.id, r.lease_owner AS owner, r.attempt AS old_attempt FROM runs "
              u"r "
              "WHERE r.state = 'running' AND r.lease_expires_at < now() ORDER BY r.lease_expires_at "
              "LIMIT ? "
              "FOR UPDATE SKIP LOCKED), "
              "rec AS (UPDATE runs r SET "
              "state = CASE WHEN r.attempt >= r.max_attempts THEN 'needs_attention' ELSE 'queued' END, "
              "attempt = CASE WHEN r.attempt >= r.max_attempts THEN r.attempt ELSE r.attempt + 1 END, "
              "finished_at = CASE WHEN r.attempt >= r.max_attempts THEN now() ELSE NULL END, "
              "error = 'lease expired on node ' || e.owner || CASE WHEN r.attempt >= r.max_attempts "
              "THEN ' and its attempts are spent' ELSE '; recovered' END, "
              "recoveries = r.recoveries + 1, lease_owner = NULL, lease_expires_at = NULL "
              "FROM expired e WHERE r.id = e.id RETURNING r.id, r.session_key, e.owner, e.old_attempt), "
              "s AS (UPDATE sessions ss SET running_run = NULL, owner = NULL, lease_expires_at = NULL "
              "FROM rec "
              "WHERE ss.key = rec.session_key AND ss.running_run = rec.id), "
              "a AS (INSERT INTO run_attempts (run_id, attempt, node_id, outcome, error) "
              "SELECT rec.id, rec.old_attempt, rec.owner, 'lease_expired', 'lease expired on node ' || "
              "rec.owner FROM rec) "
              "SELECT count(*) FROM rec"_s,
              {limit}, u"cannot recover expired leases"_s);
    if (!v)
        return v.error();
    return int(v.value().toInt());
}

Expected<int> ClusterDb::pruneFinished(const QDateTime &finishedBefore, const QDateTime &failedBefore, int batch)
{
    const Expected<QVariant> v =
        value(u"WITH gone AS (DELETE FROM runs WHERE id IN (SELECT id FROM runs WHERE "
              "(state IN ('completed', 'cancelled') AND finished_at < ?) OR (state = 'failed' AND "
              "finished_at < ?) "
              "LIMIT ?) RETURNING id), "
              "a AS (DELETE FROM run_attempts WHERE run_id IN (SELECT id FROM gone)) "
              "SELECT count(*) FROM gone"_s,
              {finishedBefore.toUTC(), failedBefore.toUTC(), batch}, u"cannot prune finished runs"_s);
    if (!v)
        return v.error();
    return int(v.value().toInt());
}

Error ClusterDb::stopNode(qint64 node)
{
    return run(u"WITH rel AS (UPDATE runs r SET state = 'queued', attempt = r.attempt + 1, lease_owner = "
               u"NULL, "
               "lease_expires_at = NULL, error = 'node stopped before the run ended; queued again' "
               "WHERE r.state = 'running' AND r.lease_owner = ? RETURNING r.id, r.session_key), "
               "s AS (UPDATE sessions ss SET running_run = NULL, owner = NULL, lease_expires_at = NULL "
               "FROM rel "
               "WHERE ss.key = rel.session_key AND ss.running_run = rel.id) "
               "UPDATE nodes SET state = 'stopped', running = 0, heartbeat_at = now() WHERE id = ?"_s,
               {node, node}, u"cannot record the node's stop"_s);
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
    QSqlQuery *q = prepared(u"WITH d AS (SELECT e.ord, e.v->>'session' AS session_key, e.v->>'lane' AS lane, "
                            u"e.v->>'handler' AS handler, "
                            "CAST(e.v->>'priority' AS smallint) AS priority, e.v->>'input' AS input, e.v->>'payload' "
                            "AS payload, "
                            "CAST(e.v->>'max_attempts' AS integer) AS max_attempts "
                            "FROM jsonb_array_elements(CAST(? AS jsonb)) WITH ORDINALITY AS e(v, ord)), "
                            "s AS (INSERT INTO sessions (key) SELECT DISTINCT session_key FROM d ON CONFLICT DO "
                            "NOTHING), "
                            "l AS (INSERT INTO lanes (name) SELECT DISTINCT lane FROM d ON CONFLICT DO NOTHING) "
                            "INSERT INTO runs (session_key, lane, handler, priority, input, payload, max_attempts) "
                            "SELECT session_key, lane, handler, priority, input, payload, max_attempts FROM d ORDER BY "
                            "ord "
                            "RETURNING id, pg_notify('yard_runs', '')"_s, // one notification per commit (PostgreSQL
                                                                          // folds them)
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
    QSqlQuery *q =
        prepared(u"SELECT paused, draining, reason, changed_by, changed_at FROM control WHERE id = 1"_s, &error);
    if (!q)
        return error;
    if (!q->exec() || !q->next())
        return failed(*q, u"cannot read the cluster's pause state"_s);
    ClusterControl c;
    c.paused = q->value(0).toBool();
    c.draining = q->value(1).toBool();
    c.reason = q->value(2).toString();
    c.changedBy = q->value(3).toString();
    c.changedAt = q->value(4).toDateTime();
    q->finish();
    return c;
}

} // namespace Yard
