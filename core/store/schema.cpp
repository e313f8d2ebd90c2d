// SPDX-License-Identifier: GPL-3.0-or-later
#include "schema.h"

#include "logging.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace Yard::Schema {

namespace {

// Each entry migrates from version (index) to (index + 1). Never edit a released entry: add one.
const QList<QStringList> &migrations()
{
    static const QList<QStringList> list{
        // 0 -> 1: sessions, transcripts, runs, settings, lanes.
        {
            uR"(CREATE TABLE sessions (
                id INTEGER PRIMARY KEY,
                key TEXT NOT NULL UNIQUE,
                agent TEXT NOT NULL DEFAULT '',
                workspace TEXT NOT NULL DEFAULT '',
                channel TEXT NOT NULL DEFAULT '',
                type TEXT NOT NULL DEFAULT '',
                state TEXT NOT NULL DEFAULT 'active',
                prompting INTEGER NOT NULL DEFAULT 0,
                capabilities TEXT NOT NULL DEFAULT '[]',
                created_at INTEGER NOT NULL,
                last_activity_at INTEGER NOT NULL,
                queue_config TEXT NOT NULL DEFAULT '{}',
                lane TEXT NOT NULL DEFAULT '',
                transcript_chars INTEGER NOT NULL DEFAULT 0,
                paused INTEGER NOT NULL DEFAULT 0))"_s,
            uR"(CREATE TABLE messages (
                id INTEGER PRIMARY KEY,
                session_id INTEGER NOT NULL,
                role TEXT NOT NULL,
                content TEXT NOT NULL,
                metadata TEXT NOT NULL DEFAULT '{}',
                created_at INTEGER NOT NULL))"_s,
            u"CREATE INDEX messages_by_session ON messages(session_id, id)"_s,
            uR"(CREATE TABLE runs (
                id INTEGER PRIMARY KEY,
                session_id INTEGER NOT NULL DEFAULT 0,
                message_id INTEGER NOT NULL DEFAULT 0,
                handler TEXT NOT NULL,
                lane TEXT NOT NULL,
                priority INTEGER NOT NULL,
                state TEXT NOT NULL,
                attempt INTEGER NOT NULL DEFAULT 1,
                max_attempts INTEGER NOT NULL DEFAULT 1,
                input TEXT NOT NULL DEFAULT '',
                payload TEXT NOT NULL DEFAULT '',
                result TEXT NOT NULL DEFAULT '',
                error_code TEXT NOT NULL DEFAULT '',
                error TEXT NOT NULL DEFAULT '',
                created_at INTEGER NOT NULL,
                queued_at INTEGER NOT NULL,
                started_at INTEGER NOT NULL DEFAULT 0,
                finished_at INTEGER NOT NULL DEFAULT 0,
                updated_at INTEGER NOT NULL,
                merged_into INTEGER NOT NULL DEFAULT 0,
                merged_count INTEGER NOT NULL DEFAULT 0,
                saved_state BLOB,
                progress REAL NOT NULL DEFAULT 0,
                progress_text TEXT NOT NULL DEFAULT '',
                log TEXT NOT NULL DEFAULT ''))"_s,
            u"CREATE INDEX runs_by_state ON runs(state, lane, priority, queued_at)"_s,
            u"CREATE INDEX runs_by_session ON runs(session_id, id)"_s,
            u"CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)"_s,
            uR"(CREATE TABLE lanes (
                name TEXT PRIMARY KEY,
                max_concurrency INTEGER NOT NULL,
                paused INTEGER NOT NULL DEFAULT 0))"_s,
        },
        // 1 -> 2: operator audit log (E2), chart history (U2), indexes for filtered run pages.
        {
            uR"(CREATE TABLE audit_log (
                id INTEGER PRIMARY KEY,
                time INTEGER NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT NOT NULL DEFAULT '',
                reason TEXT NOT NULL DEFAULT '',
                details TEXT NOT NULL DEFAULT ''))"_s,
            u"CREATE INDEX audit_by_time ON audit_log(time)"_s,
            uR"(CREATE TABLE stats_seconds (
                t INTEGER PRIMARY KEY,
                started INTEGER NOT NULL, completed INTEGER NOT NULL, failed INTEGER NOT NULL,
                cancelled INTEGER NOT NULL, queued INTEGER NOT NULL, running INTEGER NOT NULL,
                wait_p50 INTEGER NOT NULL, wait_p95 INTEGER NOT NULL,
                run_p50 INTEGER NOT NULL, run_p95 INTEGER NOT NULL,
                lanes TEXT NOT NULL DEFAULT '{}'))"_s,
            uR"(CREATE TABLE stats_minutes (
                t INTEGER PRIMARY KEY,
                started INTEGER NOT NULL, completed INTEGER NOT NULL, failed INTEGER NOT NULL,
                cancelled INTEGER NOT NULL, queued INTEGER NOT NULL, running INTEGER NOT NULL,
                wait_p50 INTEGER NOT NULL, wait_p95 INTEGER NOT NULL,
                run_p50 INTEGER NOT NULL, run_p95 INTEGER NOT NULL,
                lanes TEXT NOT NULL DEFAULT '{}'))"_s,
            u"CREATE INDEX runs_state_id ON runs(state, id)"_s,
            u"CREATE INDEX runs_lane_id ON runs(lane, id)"_s,
            u"CREATE INDEX runs_priority_id ON runs(priority, id)"_s,
            u"ALTER TABLE runs ADD COLUMN retry_of INTEGER NOT NULL DEFAULT 0"_s,
        },
        // v3: runs_by_state is covered by the (column, id) indexes of v2 and cost every run
        // written a fifth index update.
        {
            u"DROP INDEX IF EXISTS runs_by_state"_s,
        },
        // v4: cancel-all's stale cutoff is kept with its session (SPEC Q9); runs that never
        // chose a max attempts get the default of 3, which also bounds restarts (crash loops).
        {
            u"ALTER TABLE sessions ADD COLUMN stale_cutoff INTEGER NOT NULL DEFAULT 0"_s,
            u"UPDATE runs SET max_attempts = 3 WHERE max_attempts <= 1 AND state IN "
            "('scheduled', 'queued', 'claimed', 'running', 'retry_wait')"_s,
        },
        // v5: tasks (SPEC D2, D3, D6, D8): requirements, lease, escalation budget and
        // acknowledgement, beside the run row so runs that are not tasks pay nothing for them.
        {
            u"ALTER TABLE sessions ADD COLUMN claims INTEGER NOT NULL DEFAULT 0"_s,
            uR"(CREATE TABLE tasks (
                run_id INTEGER PRIMARY KEY,
                capabilities TEXT NOT NULL DEFAULT '[]',
                workspace TEXT NOT NULL DEFAULT '',
                channel TEXT NOT NULL DEFAULT '',
                owner TEXT NOT NULL DEFAULT '',
                lease_owner INTEGER NOT NULL DEFAULT 0,
                lease_expires_at INTEGER NOT NULL DEFAULT 0,
                wake_count INTEGER NOT NULL DEFAULT 0,
                spawn_requested INTEGER NOT NULL DEFAULT 0,
                starved_reported INTEGER NOT NULL DEFAULT 0,
                starved_since INTEGER NOT NULL DEFAULT 0,
                escalated_wakes INTEGER NOT NULL DEFAULT 0,
                spawn_unresolvable INTEGER NOT NULL DEFAULT 0,
                acknowledged_by TEXT NOT NULL DEFAULT '',
                acknowledgement TEXT NOT NULL DEFAULT '',
                acknowledged_at INTEGER NOT NULL DEFAULT 0))"_s,
        },
        // v6: preemption (SPEC P2): runs that may not be interrupted, and each lane's grace
        // period (0 = the default).
        {
            u"ALTER TABLE runs ADD COLUMN preemptible INTEGER NOT NULL DEFAULT 1"_s,
            u"ALTER TABLE lanes ADD COLUMN preempt_grace_ms INTEGER NOT NULL DEFAULT 0"_s,
        },
        // v7: jobs (SPEC J1-J8): the jobs with their durable cursor, each run's job, and every
        // attempt of a run (start, end, outcome, error).
        {
            uR"(CREATE TABLE jobs (
                id INTEGER PRIMARY KEY,
                spec TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                next_fire_at INTEGER NOT NULL DEFAULT 0,
                last_fire_at INTEGER NOT NULL DEFAULT 0,
                anchor_at INTEGER NOT NULL DEFAULT 0,
                fires INTEGER NOT NULL DEFAULT 0,
                last_run_id INTEGER NOT NULL DEFAULT 0,
                last_outcome TEXT NOT NULL DEFAULT '',
                last_error TEXT NOT NULL DEFAULT '',
                last_finished_at INTEGER NOT NULL DEFAULT 0,
                completed INTEGER NOT NULL DEFAULT 0,
                failed INTEGER NOT NULL DEFAULT 0))"_s,
            u"ALTER TABLE runs ADD COLUMN job_id INTEGER NOT NULL DEFAULT 0"_s,
            u"CREATE INDEX runs_job_id ON runs(job_id, id)"_s,
            uR"(CREATE TABLE run_attempts (
                run_id INTEGER NOT NULL,
                attempt INTEGER NOT NULL,
                started_at INTEGER NOT NULL,
                finished_at INTEGER NOT NULL,
                outcome TEXT NOT NULL,
                error_code TEXT NOT NULL DEFAULT '',
                error TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (run_id, attempt)))"_s,
        },
    };
    return list;
}

Error sqlError(const QString &path, const QString &what, const QSqlError &e)
{
    return Error::make(ErrorCode::InvalidDatabase,
                       u"%1: %2: %3"_s.arg(path, what, e.text().trimmed()));
}

} // namespace

int currentVersion()
{
    return int(migrations().size());
}

Error configureConnection(QSqlDatabase &db, const QString &path, bool writer)
{
    QSqlQuery q(db);
    QStringList pragmas{u"PRAGMA busy_timeout = 5000"_s, u"PRAGMA foreign_keys = OFF"_s};
    if (writer) {
        pragmas << u"PRAGMA journal_mode = WAL"_s << u"PRAGMA synchronous = NORMAL"_s
                << u"PRAGMA wal_autocheckpoint = 4000"_s;
    }
    pragmas << u"PRAGMA cache_size = -16000"_s << u"PRAGMA temp_store = MEMORY"_s;
    for (const QString &p : pragmas) {
        if (!q.exec(p))
            return sqlError(path, p, q.lastError());
    }
    return {};
}

Error validate(QSqlDatabase &db, const QString &path)
{
    QSqlQuery q(db);
    if (!q.exec(u"PRAGMA application_id"_s) || !q.next())
        return sqlError(path, u"cannot read the database header"_s, q.lastError());
    if (q.value(0).toInt() != kApplicationId)
        return {};
    if (!q.exec(u"SELECT name FROM sqlite_master WHERE type = 'table'"_s))
        return sqlError(path, u"cannot list tables"_s, q.lastError());
    QStringList tables;
    while (q.next())
        tables << q.value(0).toString();
    int version = 0;
    if (!tables.contains(u"schema_version"_s) || !q.exec(u"SELECT version FROM schema_version"_s)
        || !q.next())
        return Error::make(ErrorCode::InvalidDatabase,
                           u"%1 is marked as a Yardmaster database but has no schema version; it "
                           "is damaged or was changed by another program. Restore it from a "
                           "backup or move it aside to start with a new database."_s
                               .arg(path));
    version = q.value(0).toInt();
    QStringList required;
    if (version >= 1)
        required << u"sessions"_s << u"messages"_s << u"runs"_s << u"settings"_s << u"lanes"_s;
    if (version >= 2)
        required << u"audit_log"_s << u"stats_seconds"_s << u"stats_minutes"_s;
    if (version >= 5)
        required << u"tasks"_s;
    QStringList missing;
    for (const QString &t : std::as_const(required)) {
        if (!tables.contains(t))
            missing << t;
    }
    if (!missing.isEmpty())
        return Error::make(ErrorCode::InvalidDatabase,
                           u"%1 (schema version %2) is missing the table%3 %4; it is damaged or "
                           "was changed by another program. Yardmaster has not changed it. "
                           "Restore it from a backup or move it aside to start with a new "
                           "database."_s
                               .arg(path)
                               .arg(version)
                               .arg(missing.size() > 1 ? u"s"_s : QString())
                               .arg(missing.join(u", "_s)));
    return {};
}

Error migrate(QSqlDatabase &db, const QString &path)
{
    QSqlQuery q(db);
    if (!q.exec(u"PRAGMA application_id"_s) || !q.next())
        return sqlError(path, u"cannot read the database header"_s, q.lastError());
    const int appId = q.value(0).toInt();

    if (!q.exec(u"SELECT count(*) FROM sqlite_master WHERE type = 'table'"_s) || !q.next())
        return sqlError(path, u"cannot list tables"_s, q.lastError());
    const int tables = q.value(0).toInt();

    int version = 0;
    if (tables > 0) {
        if (appId != kApplicationId) {
            return Error::make(ErrorCode::InvalidDatabase,
                               u"%1 is a SQLite database but not a Yardmaster one "
                               "(it has %2 tables and no Yardmaster marker); refusing to touch it"_s
                                   .arg(path)
                                   .arg(tables));
        }
        if (!q.exec(u"SELECT version FROM schema_version"_s) || !q.next())
            return sqlError(path, u"cannot read schema_version"_s, q.lastError());
        version = q.value(0).toInt();
    }
    if (version > currentVersion()) {
        return Error::make(ErrorCode::InvalidDatabase,
                           u"%1 has schema version %2, newer than this build supports (%3); "
                           "use a newer Yardmaster"_s
                               .arg(path)
                               .arg(version)
                               .arg(currentVersion()));
    }
    if (version == currentVersion())
        return {};

    for (int v = version; v < currentVersion(); ++v) {
        if (!db.transaction())
            return sqlError(path, u"cannot begin migration"_s, db.lastError());
        QStringList statements = migrations().at(v);
        if (v == 0) {
            statements.prepend(u"CREATE TABLE schema_version (version INTEGER NOT NULL)"_s);
            statements.append(u"INSERT INTO schema_version (version) VALUES (0)"_s);
            statements.append(u"PRAGMA application_id = %1"_s.arg(kApplicationId));
        }
        statements.append(u"UPDATE schema_version SET version = %1"_s.arg(v + 1));
        for (const QString &sql : std::as_const(statements)) {
            if (!q.exec(sql)) {
                const Error e = sqlError(path, u"migration to version %1 failed"_s.arg(v + 1),
                                         q.lastError());
                db.rollback();
                return e;
            }
        }
        if (!db.commit())
            return sqlError(path, u"cannot commit migration"_s, db.lastError());
        qCInfo(lcStore) << "migrated" << path << "to schema version" << v + 1;
    }
    return {};
}

} // namespace Yard::Schema
