// SPDX-License-Identifier: GPL-3.0-or-later
#include "sqliterows.h"

#include "sqlitestatement.h"

#include "logging.h"
#include "model/lanenames.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QElapsedTimer>
#include <QScopeGuard>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <array>

using namespace Qt::StringLiterals;

namespace Yard::SqliteRows {

const char16_t kSessionColumns[] =
    u"id, key, agent, workspace, channel, type, state, prompting, capabilities, created_at, "
    u"last_activity_at, queue_config, lane, transcript_chars, paused, stale_cutoff, claims";
const char16_t kMessageColumns[] = u"id, session_id, role, content, metadata, created_at";
const char16_t kRunColumns[] =
    u"id, session_id, message_id, handler, lane, priority, state, attempt, max_attempts, input, "
    u"payload, result, error_code, error, created_at, queued_at, started_at, finished_at, "
    u"updated_at, merged_into, merged_count, saved_state, progress, progress_text, log, retry_of, "
    u"preemptible, job_id";

const char16_t kTaskColumns[] =
    u"run_id, capabilities, workspace, channel, owner, lease_owner, lease_expires_at, wake_count, "
    u"spawn_requested, starved_reported, starved_since, escalated_wakes, spawn_unresolvable, "
    u"acknowledged_by, acknowledgement, acknowledged_at";

namespace {

QStringList capabilitiesFromJson(const QString &json)
{
    QStringList list;
    const QJsonArray array = QJsonDocument::fromJson(json.toUtf8()).array();
    for (const QJsonValue &v : array)
        list << v.toString();
    return list;
}

QString capabilitiesToJson(const QStringList &caps)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(caps)).toJson(QJsonDocument::Compact));
}

// The database stores text; a null QString would bind as SQL NULL and break NOT NULL columns.
QVariant text(const QString &s)
{
    return s.isNull() ? QVariant(QString(u""_s)) : QVariant(s);
}

QString placeholders(int n)
{
    QString s;
    for (int i = 0; i < n; ++i)
        s += i ? u", ?"_s : u"?"_s;
    return s;
}

QString upsertSql(const QString &table, const QString &columns)
{
    const QStringList cols = columns.split(u", "_s);
    QStringList sets;
    for (int i = 1; i < cols.size(); ++i)
        sets << cols[i] + u" = excluded."_s + cols[i];
    return u"INSERT INTO %1 (%2) VALUES (%3) ON CONFLICT(id) DO UPDATE SET %4"_s.arg(
        table, columns, placeholders(int(cols.size())), sets.join(u", "_s));
}

} // namespace

Session sessionFromQuery(const QSqlQuery &q)
{
    Session s;
    s.id = q.value(0).toLongLong();
    s.key = q.value(1).toString();
    s.agent = q.value(2).toString();
    s.workspace = q.value(3).toString();
    s.channel = q.value(4).toString();
    s.type = q.value(5).toString();
    s.state = sessionStateFromName(q.value(6).toString()).value_or(SessionState::Active);
    s.prompting = q.value(7).toBool();
    s.capabilities = capabilitiesFromJson(q.value(8).toString());
    s.createdAt = q.value(9).toLongLong();
    s.lastActivityAt = q.value(10).toLongLong();
    const auto override =
        QueueConfigOverride::fromJson(QJsonDocument::fromJson(q.value(11).toString().toUtf8()).object());
    if (override.ok())
        s.queueOverride = override.value();
    else
        qCWarning(lcStore) << "session" << s.id << "has a bad queue config, using defaults:"
                           << override.error().message;
    s.lane = q.value(12).toString();
    s.transcriptChars = q.value(13).toLongLong();
    s.paused = q.value(14).toBool();
    s.staleCutoff = q.value(15).toLongLong();
    s.claims = q.value(16).toBool();
    return s;
}

Message messageFromQuery(const QSqlQuery &q)
{
    Message m;
    m.id = q.value(0).toLongLong();
    m.sessionId = q.value(1).toLongLong();
    m.role = q.value(2).toString();
    m.content = q.value(3).toString();
    m.metadataJson = q.value(4).toString().toUtf8();
    m.createdAt = q.value(5).toLongLong();
    return m;
}

Run runFromQuery(const QSqlQuery &q)
{
    Run r;
    r.id = q.value(0).toLongLong();
    r.sessionId = q.value(1).toLongLong();
    r.messageId = q.value(2).toLongLong();
    r.handler = q.value(3).toString();
    r.lane = q.value(4).toString();
    r.priority = Priority(qBound(0, q.value(5).toInt(), int(Priority::Count) - 1));
    r.state = runStateFromName(q.value(6).toString()).value_or(RunState::Queued);
    r.attempt = q.value(7).toInt();
    r.maxAttempts = q.value(8).toInt();
    r.input = q.value(9).toString();
    r.payloadJson = q.value(10).toString().toUtf8();
    r.result = q.value(11).toString();
    r.errorCode = errorCodeFromName(q.value(12).toString()).value_or(ErrorCode::None);
    r.error = q.value(13).toString();
    r.createdAt = q.value(14).toLongLong();
    r.queuedAt = q.value(15).toLongLong();
    r.startedAt = q.value(16).toLongLong();
    r.finishedAt = q.value(17).toLongLong();
    r.updatedAt = q.value(18).toLongLong();
    r.mergedInto = q.value(19).toLongLong();
    r.mergedCount = q.value(20).toInt();
    r.savedState = q.value(21).toByteArray();
    r.progress = q.value(22).toDouble();
    r.progressText = q.value(23).toString();
    r.log = q.value(24).toString();
    r.retryOf = q.value(25).toLongLong();
    r.preemptible = q.value(26).toBool();
    r.jobId = q.value(27).toLongLong();
    return r;
}

QString runSelectSql()
{
    return u"SELECT %1, %2 FROM runs LEFT JOIN tasks ON tasks.run_id = runs.id"_s.arg(
        QString::fromUtf16(kRunColumns), QString::fromUtf16(kTaskColumns));
}

namespace {
QString likePattern(const QString &text)
{
    QString pattern = text;
    pattern.replace(u"\\"_s, u"\\\\"_s).replace(u"%"_s, u"\\%"_s).replace(u"_"_s, u"\\_"_s);
    return u"%"_s + pattern + u"%"_s;
}
} // namespace

QString needsAttentionWhere(const NeedsAttentionFilter &f, QVariantList *binds)
{
    QStringList parts{u"runs.state = 'needs_attention'"_s};
    if (f.upTo > 0) {
        parts << u"runs.id <= ?"_s;
        binds->append(f.upTo);
    }
    if (!f.includeAcknowledged)
        parts << u"coalesce(tasks.acknowledged_at, 0) = 0"_s;
    const QString cap = f.capability.trimmed();
    if (!cap.isEmpty()) {
        // Capabilities are a JSON array of names: match one whole name, case-insensitively.
        parts << u"lower(coalesce(tasks.capabilities, '')) LIKE ? ESCAPE '\\'"_s;
        binds->append(likePattern(QString::fromUtf8(QJsonDocument(QJsonArray{cap.toLower()}).toJson(
                                                        QJsonDocument::Compact))
                                      .mid(1)
                                      .chopped(1)));
    }
    const QString ws = f.workspace.trimmed();
    if (!ws.isEmpty()) {
        parts << u"coalesce(tasks.workspace, '') LIKE ? ESCAPE '\\'"_s;
        binds->append(likePattern(ws));
    }
    const QString text = f.text.trimmed();
    if (!text.isEmpty()) {
        parts << u"(runs.error LIKE ? ESCAPE '\\' OR runs.input LIKE ? ESCAPE '\\')"_s;
        binds->append(likePattern(text));
        binds->append(likePattern(text));
    }
    return parts.join(u" AND "_s);
}

AttentionPage needsAttentionPage(QSqlDatabase db, const NeedsAttentionFilter &filter,
                                 RunId before, int limit)
{
    QElapsedTimer timer;
    timer.start();
    AttentionPage page;
    QVariantList binds;
    const QString where = needsAttentionWhere(filter, &binds);
    auto bindAll = [&binds](QSqlQuery &q) {
        for (int i = 0; i < binds.size(); ++i)
            q.bindValue(i, binds[i]);
    };
    // The count and the page see one snapshot of the file (WAL): a run marked in between
    // would otherwise be listed but not counted.
    const bool snapshot = db.transaction();
    auto end = qScopeGuard([&] {
        if (snapshot)
            db.commit();
    });
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(u"SELECT count(*), coalesce(sum(coalesce(tasks.acknowledged_at, 0) = 0), 0) FROM runs "
              "LEFT JOIN tasks ON tasks.run_id = runs.id WHERE "_s + where);
    bindAll(q);
    if (!q.exec() || !q.next()) {
        page.error = Error::make(ErrorCode::StoreFailed, u"cannot count needs_attention runs: %1"_s.arg(
                                                              q.lastError().text()));
        return page;
    }
    page.total = q.value(0).toInt();
    page.unacknowledged = q.value(1).toInt();
    q.finish();
    // The bulky columns (log, saved state, payload, result) are not read for a list.
    QStringList columns;
    for (const QString &c : QString::fromUtf16(kRunColumns).split(u", "_s)) {
        if (c == u"input")
            columns << u"substr(runs.input, 1, 200)"_s;
        else if (c == u"log" || c == u"result")
            columns << u"''"_s;
        else if (c == u"saved_state" || c == u"payload")
            columns << u"NULL"_s;
        else
            columns << u"runs."_s + c;
    }
    QSqlQuery rows(db);
    rows.setForwardOnly(true);
    rows.prepare(u"SELECT %1, %2 FROM runs LEFT JOIN tasks ON tasks.run_id = runs.id WHERE %3%4 "
                 "ORDER BY runs.id DESC LIMIT ?"_s.arg(columns.join(u", "_s),
                                                       QString::fromUtf16(kTaskColumns), where,
                                                       before > 0 ? u" AND runs.id < ?"_s : QString()));
    bindAll(rows);
    int next = int(binds.size());
    if (before > 0)
        rows.bindValue(next++, before);
    rows.bindValue(next, limit + 1);
    if (!rows.exec()) {
        page.error = Error::make(ErrorCode::StoreFailed, u"cannot list needs_attention runs: %1"_s.arg(
                                                              rows.lastError().text()));
        return page;
    }
    while (rows.next()) {
        if (page.rows.size() == limit) {
            page.more = true;
            break;
        }
        page.rows.append(AttentionRow::fromRun(runWithTaskFromQuery(rows)));
    }
    page.elapsedMs = timer.elapsed();
    return page;
}

Run runWithTaskFromQuery(const QSqlQuery &q)
{
    Run r = runFromQuery(q);
    constexpr int kFirstTaskColumn = 28;
    if (!q.value(kFirstTaskColumn).isNull()) {
        TaskInfo t;
        taskFromQuery(q, kFirstTaskColumn, &t);
        r.task = std::move(t);
    }
    return r;
}

QString sessionUpsertSql()
{
    return upsertSql(u"sessions"_s, QString::fromUtf16(kSessionColumns));
}

void bindSession(QSqlQuery &q, const Session &s)
{
    q.bindValue(0, s.id);
    q.bindValue(1, text(s.key));
    q.bindValue(2, text(s.agent));
    q.bindValue(3, text(s.workspace));
    q.bindValue(4, text(s.channel));
    q.bindValue(5, text(s.type));
    q.bindValue(6, sessionStateName(s.state));
    q.bindValue(7, int(s.prompting));
    q.bindValue(8, capabilitiesToJson(s.capabilities));
    q.bindValue(9, s.createdAt);
    q.bindValue(10, s.lastActivityAt);
    q.bindValue(11, QString::fromUtf8(
                        QJsonDocument(s.queueOverride.toJson()).toJson(QJsonDocument::Compact)));
    q.bindValue(12, text(s.lane));
    q.bindValue(13, s.transcriptChars);
    q.bindValue(14, int(s.paused));
    q.bindValue(15, s.staleCutoff);
    q.bindValue(16, int(s.claims));
}

QString taskUpsertSql()
{
    return u"INSERT OR REPLACE INTO tasks (%1) VALUES (%2)"_s.arg(QString::fromUtf16(kTaskColumns),
                                                               placeholders(16));
}

void bindTask(QSqlQuery &q, RunId run, const TaskInfo &t)
{
    q.bindValue(0, run);
    q.bindValue(1, capabilitiesToJson(t.needs.capabilities));
    q.bindValue(2, text(t.needs.workspace));
    q.bindValue(3, text(t.needs.channel));
    q.bindValue(4, text(t.needs.owner));
    q.bindValue(5, t.leaseOwner);
    q.bindValue(6, t.leaseExpiresAt);
    q.bindValue(7, t.budget.wakeCount);
    q.bindValue(8, int(t.budget.spawnRequested));
    q.bindValue(9, int(t.budget.starvedReported));
    q.bindValue(10, t.budget.since);
    q.bindValue(11, t.escalatedWakes);
    q.bindValue(12, int(t.spawnUnresolvable));
    q.bindValue(13, text(t.acknowledgedBy));
    q.bindValue(14, text(t.acknowledgement));
    q.bindValue(15, t.acknowledgedAt);
}

RunId taskFromQuery(const QSqlQuery &q, int first, TaskInfo *t)
{
    const RunId run = q.value(first).toLongLong();
    t->needs.capabilities = capabilitiesFromJson(q.value(first + 1).toString());
    t->needs.workspace = q.value(first + 2).toString();
    t->needs.channel = q.value(first + 3).toString();
    t->needs.owner = q.value(first + 4).toString();
    t->leaseOwner = q.value(first + 5).toLongLong();
    t->leaseExpiresAt = q.value(first + 6).toLongLong();
    t->budget.run = run;
    t->budget.wakeCount = q.value(first + 7).toInt();
    t->budget.spawnRequested = q.value(first + 8).toBool();
    t->budget.starvedReported = q.value(first + 9).toBool();
    t->budget.since = q.value(first + 10).toLongLong();
    t->escalatedWakes = q.value(first + 11).toInt();
    t->spawnUnresolvable = q.value(first + 12).toBool();
    t->acknowledgedBy = q.value(first + 13).toString();
    t->acknowledgement = q.value(first + 14).toString();
    t->acknowledgedAt = q.value(first + 15).toLongLong();
    return run;
}

QString runUpsertSql()
{
    return upsertSql(u"runs"_s, QString::fromUtf16(kRunColumns));
}

QString runStatusUpsertSql()
{
    // A new row is inserted whole either way; a stored one keeps its indexed session, lane and
    // priority, so SQLite leaves those three indexes alone.
    QString sql = runUpsertSql();
    for (const char16_t *column : {u"session_id", u"lane", u"priority"}) {
        const QString c = QString::fromUtf16(column);
        sql.remove(u", "_s + c + u" = excluded."_s + c);
    }
    return sql;
}

void bindRun(SqliteStatement &q, const Run &r)
{
    // The row outlives the statement's step: its texts are bound without copies. State and
    // error names come from tables built once.
    constexpr auto kBorrowed = SqliteStatement::Lifetime::Borrowed;
    static const std::array<QString, size_t(RunState::Count)> kStates = [] {
        std::array<QString, size_t(RunState::Count)> names;
        for (size_t i = 0; i < names.size(); ++i)
            names[i] = runStateName(RunState(i));
        return names;
    }();
    static const std::array<QString, size_t(ErrorCode::Count)> kErrors = [] {
        std::array<QString, size_t(ErrorCode::Count)> names;
        for (size_t i = 1; i < names.size(); ++i)
            names[i] = errorCodeName(ErrorCode(i));
        return names;
    }();
    q.bind(0, r.id);
    q.bind(1, r.sessionId);
    q.bind(2, r.messageId);
    q.bindText(3, r.handler, kBorrowed);
    q.bindText(4, r.lane, kBorrowed);
    q.bind(5, int(r.priority));
    q.bindText(6, kStates[size_t(r.state) < kStates.size() ? size_t(r.state) : 0], kBorrowed);
    q.bind(7, r.attempt);
    q.bind(8, r.maxAttempts);
    q.bindText(9, r.input, kBorrowed);
    q.bindUtf8(10, r.payloadJson, kBorrowed);
    q.bindText(11, r.result, kBorrowed);
    q.bindText(12, kErrors[size_t(r.errorCode) < kErrors.size() ? size_t(r.errorCode) : 0], kBorrowed);
    q.bindText(13, r.error, kBorrowed);
    q.bind(14, r.createdAt);
    q.bind(15, r.queuedAt);
    q.bind(16, r.startedAt);
    q.bind(17, r.finishedAt);
    q.bind(18, r.updatedAt);
    q.bind(19, r.mergedInto);
    q.bind(20, r.mergedCount);
    q.bindBlobOrNull(21, r.savedState, kBorrowed);
    q.bind(22, r.progress);
    q.bindText(23, r.progressText, kBorrowed);
    q.bindText(24, r.log, kBorrowed);
    q.bind(25, r.retryOf);
    q.bind(26, int(r.preemptible));
    q.bind(27, r.jobId);
}

QString messageInsertSql()
{
    return u"INSERT OR REPLACE INTO messages (%1) VALUES (?, ?, ?, ?, ?, ?)"_s.arg(
        QString::fromUtf16(kMessageColumns));
}

void bindMessage(SqliteStatement &q, const Message &m)
{
    // The message outlives the statement's step: its texts are bound without copies.
    constexpr auto kBorrowed = SqliteStatement::Lifetime::Borrowed;
    static const QByteArray kEmptyObject = QByteArrayLiteral("{}");
    q.bind(0, m.id);
    q.bind(1, m.sessionId);
    q.bindText(2, m.role, kBorrowed);
    q.bindText(3, m.content, kBorrowed);
    q.bindUtf8(4, m.metadataJson.isEmpty() ? kEmptyObject : m.metadataJson, kBorrowed);
    q.bind(5, m.createdAt);
}

const char16_t kStatsColumns[] = u"t, started, completed, failed, cancelled, queued, running, "
                                 u"wait_p50, wait_p95, run_p50, run_p95, lanes";
const char16_t kAuditColumns[] = u"id, time, actor, action, target, reason, details";

QString statsInsertSql(const QString &table)
{
    return u"INSERT OR REPLACE INTO %1 (%2) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s.arg(
        table, QString::fromUtf16(kStatsColumns));
}

void bindStats(QSqlQuery &q, const StatsSample &s)
{
    QJsonObject lanes;
    for (const LaneUtilisation &l : s.lanes)
        lanes.insert(LaneNames::name(l.lane), double(l.utilisation));
    q.bindValue(0, s.t);
    q.bindValue(1, s.started);
    q.bindValue(2, s.completed);
    q.bindValue(3, s.failed);
    q.bindValue(4, s.cancelled);
    q.bindValue(5, s.queued);
    q.bindValue(6, s.running);
    q.bindValue(7, s.waitP50);
    q.bindValue(8, s.waitP95);
    q.bindValue(9, s.runP50);
    q.bindValue(10, s.runP95);
    q.bindValue(11, QString::fromUtf8(QJsonDocument(lanes).toJson(QJsonDocument::Compact)));
}

StatsSample statsFromQuery(const QSqlQuery &q, int resolutionMs)
{
    StatsSample s;
    s.resolutionMs = resolutionMs;
    s.t = q.value(0).toLongLong();
    s.started = q.value(1).toUInt();
    s.completed = q.value(2).toUInt();
    s.failed = q.value(3).toUInt();
    s.cancelled = q.value(4).toUInt();
    s.queued = q.value(5).toUInt();
    s.running = q.value(6).toUInt();
    s.waitP50 = q.value(7).toUInt();
    s.waitP95 = q.value(8).toUInt();
    s.runP50 = q.value(9).toUInt();
    s.runP95 = q.value(10).toUInt();
    const QJsonObject lanes = QJsonDocument::fromJson(q.value(11).toString().toUtf8()).object();
    for (auto it = lanes.begin(); it != lanes.end(); ++it)
        s.lanes.append(LaneUtilisation{LaneNames::intern(it.key()), float(it.value().toDouble())});
    return s;
}

void bindAudit(QSqlQuery &q, const AuditEntry &e)
{
    q.bindValue(0, e.time);
    q.bindValue(1, text(e.actor));
    q.bindValue(2, text(e.action));
    q.bindValue(3, text(e.target));
    q.bindValue(4, text(e.reason));
    q.bindValue(5, text(e.details));
}

AuditEntry auditFromQuery(const QSqlQuery &q)
{
    AuditEntry e;
    e.id = q.value(0).toLongLong();
    e.time = q.value(1).toLongLong();
    e.actor = q.value(2).toString();
    e.action = q.value(3).toString();
    e.target = q.value(4).toString();
    e.reason = q.value(5).toString();
    e.details = q.value(6).toString();
    return e;
}

const char16_t kJobColumns[] = u"id, spec, created_at, next_fire_at, last_fire_at, anchor_at, fires, last_run_id, "
                               u"last_outcome, last_error, last_finished_at, completed, failed";

QString jobUpsertSql()
{
    return u"INSERT OR REPLACE INTO jobs (%1) VALUES (%2)"_s.arg(QString::fromUtf16(kJobColumns), placeholders(13));
}

void bindJob(QSqlQuery &q, const Job &j)
{
    q.bindValue(0, j.id);
    q.bindValue(1, QString::fromUtf8(QJsonDocument(j.spec.toJson()).toJson(QJsonDocument::Compact)));
    q.bindValue(2, j.createdAt);
    q.bindValue(3, j.nextFireAt);
    q.bindValue(4, j.lastFireAt);
    q.bindValue(5, j.anchorAt);
    q.bindValue(6, qint64(j.fires));
    q.bindValue(7, j.lastRunId);
    q.bindValue(8, text(j.lastOutcome));
    q.bindValue(9, text(j.lastError));
    q.bindValue(10, j.lastFinishedAt);
    q.bindValue(11, qint64(j.completed));
    q.bindValue(12, qint64(j.failed));
}

Expected<Job> jobFromQuery(const QSqlQuery &q)
{
    Job j;
    j.id = q.value(0).toLongLong();
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(q.value(1).toString().toUtf8(), &parseError);
    if (!doc.isObject())
        return Error::make(ErrorCode::InvalidDatabase, u"job %1: its definition is not readable JSON"_s.arg(j.id));
    Expected<JobSpec> spec = JobSpec::fromJson(doc.object());
    if (!spec)
        return Error::make(ErrorCode::InvalidDatabase, u"job %1: %2"_s.arg(j.id).arg(spec.error().message));
    j.spec = spec.value();
    j.createdAt = q.value(2).toLongLong();
    j.nextFireAt = q.value(3).toLongLong();
    j.lastFireAt = q.value(4).toLongLong();
    j.anchorAt = q.value(5).toLongLong();
    j.fires = quint64(q.value(6).toLongLong());
    j.lastRunId = q.value(7).toLongLong();
    j.lastOutcome = q.value(8).toString();
    j.lastError = q.value(9).toString();
    j.lastFinishedAt = q.value(10).toLongLong();
    j.completed = quint64(q.value(11).toLongLong());
    j.failed = quint64(q.value(12).toLongLong());
    return j;
}

const char16_t kAttemptColumns[] = u"run_id, attempt, started_at, finished_at, outcome, error_code, error";

void bindAttempt(QSqlQuery &q, const RunAttempt &a)
{
    q.bindValue(0, a.run);
    q.bindValue(1, a.attempt);
    q.bindValue(2, a.startedAt);
    q.bindValue(3, a.finishedAt);
    q.bindValue(4, a.outcome);
    q.bindValue(5, a.errorCode == ErrorCode::None ? QString(u""_s) : errorCodeName(a.errorCode));
    q.bindValue(6, text(a.error));
}

RunAttempt attemptFromQuery(const QSqlQuery &q)
{
    RunAttempt a;
    a.run = q.value(0).toLongLong();
    a.attempt = q.value(1).toInt();
    a.startedAt = q.value(2).toLongLong();
    a.finishedAt = q.value(3).toLongLong();
    a.outcome = q.value(4).toString();
    a.errorCode = errorCodeFromName(q.value(5).toString()).value_or(ErrorCode::None);
    a.error = q.value(6).toString();
    return a;
}

} // namespace Yard::SqliteRows
