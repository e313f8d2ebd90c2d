// SPDX-License-Identifier: GPL-3.0-or-later
#include "clusterschema.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace Yard::ClusterSchema {

namespace {

/// The advisory lock every migration runs under (any constant no other tool uses).
constexpr qint64 kMigrationLock = 0x59617264; // "Yard"

// Version 1: the cluster's tables (the PostgreSQL dialect of the SQLite store's run columns,
// plus what nodes coordinate through) and the claim function.
const char *const kVersion1[] = {
    R"(CREATE TABLE nodes (
        id bigserial PRIMARY KEY,
        name text NOT NULL,
        host text NOT NULL,
        pid integer NOT NULL,
        version text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now(),
        state text NOT NULL DEFAULT 'running',
        running integer NOT NULL DEFAULT 0,
        capacity integer NOT NULL DEFAULT 0,
        lease_ms integer NOT NULL,
        claimed bigint NOT NULL DEFAULT 0,
        completed bigint NOT NULL DEFAULT 0,
        refused bigint NOT NULL DEFAULT 0))",
    R"(CREATE TABLE control (
        id integer PRIMARY KEY CHECK (id = 1),
        paused boolean NOT NULL DEFAULT false,
        draining boolean NOT NULL DEFAULT false,
        reason text NOT NULL DEFAULT '',
        changed_by text NOT NULL DEFAULT '',
        changed_at timestamptz NOT NULL DEFAULT now()))",
    "INSERT INTO control (id) VALUES (1) ON CONFLICT DO NOTHING",
    R"(CREATE TABLE lanes (
        name text PRIMARY KEY,
        max_running integer NOT NULL DEFAULT 8 CHECK (max_running > 0),
        paused boolean NOT NULL DEFAULT false))",
    R"(CREATE TABLE sessions (
        key text PRIMARY KEY,
        running_run bigint,
        owner bigint,
        lease_expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_run_at timestamptz))",
    R"(CREATE TABLE runs (
        id bigserial PRIMARY KEY,
        session_key text NOT NULL,
        lane text NOT NULL,
        handler text NOT NULL,
        priority smallint NOT NULL DEFAULT 3,
        state text NOT NULL DEFAULT 'queued',
        attempt integer NOT NULL DEFAULT 1,
        max_attempts integer NOT NULL DEFAULT 3,
        input text NOT NULL DEFAULT '',
        payload text NOT NULL DEFAULT '',
        lease_owner bigint,
        lease_expires_at timestamptz,
        cancel_requested boolean NOT NULL DEFAULT false,
        queued_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        result text,
        error text,
        recoveries integer NOT NULL DEFAULT 0,
        saved_state bytea,
        acknowledged boolean NOT NULL DEFAULT false))",
    "CREATE INDEX runs_queued ON runs (lane, priority, id) WHERE state = 'queued'",
    "CREATE INDEX runs_session_queued ON runs (session_key, id) WHERE state = 'queued'",
    "CREATE INDEX runs_running_lease ON runs (lease_expires_at) WHERE state = 'running'",
    "CREATE INDEX runs_running_lane ON runs (lane) WHERE state = 'running'",
    "CREATE INDEX runs_running_owner ON runs (lease_owner) WHERE state = 'running'",
    "CREATE INDEX runs_attention ON runs (id) WHERE state = 'needs_attention'",
    "CREATE INDEX runs_finished ON runs (finished_at) WHERE state IN ('completed', 'cancelled', 'failed')",
    R"(CREATE TABLE run_attempts (
        run_id bigint NOT NULL,
        attempt integer NOT NULL,
        node_id bigint,
        outcome text NOT NULL,
        started_us bigint,
        ended_us bigint,
        error text,
        recorded_at timestamptz NOT NULL DEFAULT now()))",
    "CREATE INDEX run_attempts_run ON run_attempts (run_id)",
    R"(CREATE TABLE audit (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        action text NOT NULL,
        detail text NOT NULL DEFAULT ''))",
    // The claim (SPEC X1): lanes with free slots are locked (SKIP LOCKED: a lane another node is
    // claiming from is left to it this round), their running runs counted across every node, then
    // the head run of each idle session (lowest queued id: a session stays serial and in order)
    // by priority and id, its session row locked with SKIP LOCKED. A run is only taken if it is
    // still queued when updated, so a stale snapshot never claims twice.
    R"($$
CREATE FUNCTION yard_claim(p_node bigint, p_batch integer, p_lease_ms integer)
RETURNS TABLE (id bigint, session_key text, lane text, handler text, priority smallint, attempt integer,
               max_attempts integer, input text, payload text, saved_state bytea)
LANGUAGE plpgsql AS $f$
#variable_conflict use_column
DECLARE
    v_names text[] := '{}';
    v_open text[] := '{}';
    v_offer_ids bigint[] := '{}';
    v_offer_prio integer[] := '{}';
    v_free integer[] := '{}';
    v_ids bigint[] := '{}';
    v_i integer;
    v_taken integer := 0;
    v_lease interval := make_interval(secs => p_lease_ms / 1000.0);
    c record;
BEGIN
    IF (SELECT ctl.paused OR ctl.draining FROM control ctl WHERE ctl.id = 1) THEN
        RETURN;
    END IF;
    SELECT coalesce(array_agg(l.name ORDER BY l.name), '{}') INTO v_names
      FROM (SELECT ln.name FROM lanes ln WHERE NOT ln.paused ORDER BY ln.name FOR UPDATE SKIP LOCKED) l;
    IF cardinality(v_names) = 0 THEN
        RETURN;
    END IF;
    SELECT array_agg(greatest(ln.max_running - coalesce(rc.n, 0), 0) ORDER BY ln.name) INTO v_free
      FROM lanes ln
      LEFT JOIN (SELECT r.lane, count(*) AS n FROM runs r WHERE r.state = 'running' AND r.lane = ANY (v_names)
                 GROUP BY r.lane) rc ON rc.lane = ln.name
     WHERE ln.name = ANY (v_names);
    -- Only lanes with a free slot are looked at, so a full lane's backlog never hides the
    -- heads of lanes that could run.
    SELECT coalesce(array_agg(v_names[i]), '{}') INTO v_open
      FROM generate_subscripts(v_names, 1) AS i WHERE v_free[i] > 0;
    IF cardinality(v_open) = 0 THEN
        RETURN;
    END IF;
    -- Each lane with room offers up to its free slots (the heads of idle sessions, by priority
    -- and id, their session rows locked SKIP LOCKED); the batch is the best of those offers.
    FOR v_i IN 1 .. cardinality(v_names) LOOP
        CONTINUE WHEN v_free[v_i] <= 0;
        FOR c IN
            SELECT r.id, r.priority FROM runs r JOIN sessions s ON s.key = r.session_key
             WHERE r.state = 'queued' AND r.lane = v_names[v_i]
               AND s.running_run IS NULL
               AND (s.owner IS NULL OR s.owner = p_node OR s.lease_expires_at < now())
               AND NOT EXISTS (SELECT 1 FROM runs e WHERE e.session_key = r.session_key AND e.state = 'queued'
                                                     AND e.id < r.id)
             ORDER BY r.priority, r.id
             LIMIT least(v_free[v_i], p_batch)
             FOR UPDATE OF s SKIP LOCKED
        LOOP
            v_offer_ids := v_offer_ids || c.id;
            v_offer_prio := v_offer_prio || c.priority::integer;
        END LOOP;
    END LOOP;
    SELECT coalesce(array_agg(o.id ORDER BY o.p, o.id), '{}') INTO v_ids
      FROM (SELECT u.id, u.p FROM unnest(v_offer_ids, v_offer_prio) AS u(id, p) ORDER BY u.p, u.id LIMIT p_batch) o;
    v_taken := cardinality(v_ids);
    IF v_taken = 0 THEN
        RETURN;
    END IF;
    RETURN QUERY
    WITH claimed AS (
        UPDATE runs r SET state = 'running', lease_owner = p_node, lease_expires_at = now() + v_lease,
                          started_at = coalesce(r.started_at, now()), cancel_requested = false
         WHERE r.id = ANY (v_ids) AND r.state = 'queued'
        RETURNING r.id, r.session_key, r.lane, r.handler, r.priority, r.attempt, r.max_attempts, r.input,
                  r.payload, r.saved_state),
    s AS (
        UPDATE sessions ss SET running_run = c2.id, owner = p_node, lease_expires_at = now() + v_lease
          FROM claimed c2 WHERE ss.key = c2.session_key),
    n AS (
        UPDATE nodes nd SET claimed = nd.claimed + (SELECT count(*) FROM claimed) WHERE nd.id = p_node)
    SELECT * FROM claimed ORDER BY claimed.priority, claimed.id;
END
$f$)",
};

bool exec(QSqlDatabase &db, const QString &sql, QString *error)
{
    QSqlQuery q(db);
    if (q.exec(sql))
        return true;
    *error = q.lastError().text();
    return false;
}

} // namespace

int currentVersion()
{
    return 1;
}

Error migrate(QSqlDatabase &db)
{
    QString error;
    auto fail = [&](const QString &what) {
        QSqlQuery(db).exec(u"ROLLBACK"_s);
        return Error::make(ErrorCode::InvalidDatabase, u"%1: %2"_s.arg(what, error));
    };
    if (!exec(db, u"BEGIN"_s, &error))
        return fail(u"cannot start the schema check"_s);
    if (!exec(db, u"SELECT pg_advisory_xact_lock(%1)"_s.arg(kMigrationLock), &error))
        return fail(u"cannot take the migration lock"_s);
    // Looked up first: a node's role may lack CREATE once the schema exists.
    bool hasMeta = false;
    {
        QSqlQuery q(db);
        if (!q.exec(u"SELECT to_regclass('yard_meta') IS NOT NULL"_s) || !q.next()) {
            error = q.lastError().text();
            return fail(u"cannot look for the schema"_s);
        }
        hasMeta = q.value(0).toBool();
    }
    if (!hasMeta && !exec(db, u"CREATE TABLE yard_meta (key text PRIMARY KEY, value text NOT NULL)"_s, &error))
        return fail(u"cannot create the schema (the role that starts the first node needs CREATE on the database's "
                    "public schema)"_s);
    int version = 0;
    {
        QSqlQuery q(db);
        if (!q.exec(u"SELECT value FROM yard_meta WHERE key = 'schema_version'"_s)) {
            error = q.lastError().text();
            return fail(u"cannot read the schema version"_s);
        }
        if (q.next())
            version = q.value(0).toInt();
    }
    if (version > currentVersion()) {
        QSqlQuery(db).exec(u"ROLLBACK"_s);
        return Error::make(ErrorCode::InvalidDatabase,
                           u"the cluster database has schema version %1, newer than this yardmaster knows (%2): "
                           "upgrade yardmaster on this node"_s.arg(version).arg(currentVersion()));
    }
    if (version < 1) {
        for (const char *statement : kVersion1) {
            QString sql = QString::fromUtf8(statement);
            if (sql.startsWith(u"$$"_s))
                sql = sql.mid(2);
            if (!exec(db, sql, &error))
                return fail(u"cannot create the cluster schema"_s);
        }
    }
    if (version != currentVersion()
        && !exec(db,
                 u"INSERT INTO yard_meta (key, value) VALUES ('schema_version', '%1') "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value"_s.arg(currentVersion()),
                 &error))
        return fail(u"cannot record the schema version"_s);
    if (!exec(db, u"COMMIT"_s, &error))
        return fail(u"cannot commit the schema"_s);
    return {};
}

} // namespace Yard::ClusterSchema
