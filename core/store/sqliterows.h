// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/audit.h"
#include "model/job.h"
#include "runquery.h"
#include "model/run.h"
#include "model/statssample.h"
#include "model/session.h"

class QSqlDatabase;
class QSqlQuery;

namespace Yard {
class SqliteStatement;
}

namespace Yard::SqliteRows {

/// Column lists matching the *FromQuery readers below.
extern const char16_t kSessionColumns[];
extern const char16_t kMessageColumns[];
extern const char16_t kRunColumns[];

Session sessionFromQuery(const QSqlQuery &q);
Message messageFromQuery(const QSqlQuery &q);
Run runFromQuery(const QSqlQuery &q);
/// `SELECT <run columns>, <task columns> FROM runs LEFT JOIN tasks …`: add WHERE/ORDER as needed.
QString runSelectSql();
/// The WHERE condition (without WHERE) of runSelectSql() for needs_attention runs `filter`
/// matches; `binds` gets its values in order.
QString needsAttentionWhere(const NeedsAttentionFilter &filter, QVariantList *binds);
/// A page of needs_attention runs on `db` (what is written), newest first below `before`
/// (0 = from the newest), with how many `filter` matches in all (SPEC U5).
AttentionPage needsAttentionPage(QSqlDatabase db, const NeedsAttentionFilter &filter,
                                 RunId before, int limit);
/// Reads a row of runSelectSql(): the run, and its task when it is one.
Run runWithTaskFromQuery(const QSqlQuery &q);

/// SQL and binders for the writer's prepared statements (positional `?`).
QString sessionUpsertSql();
void bindSession(QSqlQuery &q, const Session &s);
QString runUpsertSql();
/// The tasks row of a run (SPEC D2, D3, D6, D8).
extern const char16_t kTaskColumns[];
QString taskUpsertSql();
void bindTask(QSqlQuery &q, RunId run, const TaskInfo &task);
/// Reads kTaskColumns starting at column `first`; returns the run id.
RunId taskFromQuery(const QSqlQuery &q, int first, TaskInfo *task);
/// The same for a run whose session, lane and priority are known not to have changed.
QString runStatusUpsertSql();
void bindRun(SqliteStatement &q, const Run &r);
QString messageInsertSql();
void bindMessage(SqliteStatement &q, const Message &m);

extern const char16_t kStatsColumns[];
QString statsInsertSql(const QString &table);
void bindStats(QSqlQuery &q, const StatsSample &s);
StatsSample statsFromQuery(const QSqlQuery &q, int resolutionMs);
void bindAudit(QSqlQuery &q, const AuditEntry &e);
extern const char16_t kAuditColumns[];
AuditEntry auditFromQuery(const QSqlQuery &q);

/// Jobs (SPEC J1): the spec as JSON beside the cursor and status columns.
extern const char16_t kJobColumns[];
QString jobUpsertSql();
void bindJob(QSqlQuery &q, const Job &job);
/// A job row; an unreadable spec is an error naming the job (the row is left untouched).
Expected<Job> jobFromQuery(const QSqlQuery &q);
extern const char16_t kAttemptColumns[];
void bindAttempt(QSqlQuery &q, const RunAttempt &a);
RunAttempt attemptFromQuery(const QSqlQuery &q);

} // namespace Yard::SqliteRows
