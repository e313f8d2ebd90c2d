// SPDX-License-Identifier: GPL-3.0-or-later
#include "sqlitewriter.h"

#include "walcheckpointer.h"

#include "logging.h"
#include "schema.h"
#include "sqliterows.h"
#include "sqlitestatement.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <sys/stat.h>

#include <unordered_map>
#include <unordered_set>

using namespace Qt::StringLiterals;

namespace Yard {

namespace {
constexpr int kFirstRetryMs = 100;
constexpr int kMaxRetryMs = 5000;

bool fileId(const QString &path, quint64 *device, quint64 *inode)
{
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return false;
    *device = quint64(st.st_dev);
    *inode = quint64(st.st_ino);
    return true;
}
} // namespace

struct SqliteWriter::Statements
{
    explicit Statements(const QSqlDatabase &db)
        : sessionUpsert(db), sessionDelete(db), messagesOfSessionDelete(db),
          settingSet(db), settingDelete(db), laneUpsert(db), auditInsert(db), secondInsert(db),
          minuteInsert(db), pruneSeconds(db), pruneMinutes(db), taskUpsert(db), jobUpsert(db),
          jobDelete(db), attemptInsert(db), pruneSelect(db), pruneRun(db), pruneTask(db), pruneAttempts(db)
    {}
    QSqlQuery sessionUpsert, sessionDelete, messagesOfSessionDelete, settingSet,
        settingDelete, laneUpsert, auditInsert, secondInsert, minuteInsert, pruneSeconds,
        pruneMinutes, taskUpsert, jobUpsert, jobDelete, attemptInsert, pruneSelect, pruneRun, pruneTask,
        pruneAttempts;
    SqliteStatement runUpsert;       ///< one row per run and commit: the hot path
    SqliteStatement runStatusUpsert; ///< the same, keeping session, lane and priority
    SqliteStatement messageInsert;   ///< one per submitted message: the API's hot path
};

SqliteWriter::SqliteWriter(QString path, QString connectionName, WriterEvents events)
    : m_path(std::move(path))
    , m_connectionName(std::move(connectionName))
    , m_events(std::move(events))
{
    setObjectName(u"yard-store-writer"_s);
    fileId(m_path, &m_device, &m_inode);
}

SqliteWriter::~SqliteWriter()
{
    stop();
}

void SqliteWriter::submit(MutationBatch &&batch, quint64 seq)
{
    QMutexLocker locker(&m_mutex);
    m_stats.mutations += batch.size();
    m_incoming.push_back(std::move(batch));
    m_submittedSeq = seq;
    if (!m_failing)
        m_wake.wakeOne(); // a failing writer retries on its own schedule
}

Error SqliteWriter::flush()
{
    QMutexLocker locker(&m_mutex);
    const quint64 target = m_submittedSeq;
    if (m_failing && isRunning()) {
        // Do not give up on the backoff's schedule: one more try now (space may be back).
        const quint64 attempts = m_attempts;
        m_wake.wakeOne();
        while (m_failing && m_attempts == attempts && !m_stop)
            m_committed.wait(&m_mutex, QDeadlineTimer(30'000));
    }
    while (m_committedSeq < target) {
        if (m_failing)
            return m_lastError;
        m_committed.wait(&m_mutex);
    }
    return {};
}

void SqliteWriter::stop()
{
    if (!isRunning())
        return;
    {
        QMutexLocker locker(&m_mutex);
        m_stop = true;
        m_wake.wakeOne();
    }
    wait();
}

void SqliteWriter::setMaxSize(qint64 bytes)
{
    QMutexLocker locker(&m_mutex);
    m_maxSizeWanted = qMax<qint64>(0, bytes);
    m_maxSize = -1;
    m_wake.wakeOne(); // applied (and retried against) at once
}

WriterStats SqliteWriter::stats() const
{
    QMutexLocker locker(&m_mutex);
    return m_stats;
}

bool SqliteWriter::isFailing() const
{
    QMutexLocker locker(&m_mutex);
    return m_failing;
}

int SqliteWriter::unwrittenRuns() const
{
    QMutexLocker locker(&m_mutex);
    std::unordered_set<RunId> ids;
    for (const auto *list : {&m_work, &m_incoming}) {
        for (const MutationBatch &batch : *list) {
            for (const Mutation &m : batch) {
                if (const auto *row = std::get_if<RunUpsert>(&m))
                    ids.insert(row->run.id);
            }
        }
    }
    return int(ids.size());
}

void SqliteWriter::visitPending(const std::function<void(const Mutation &)> &fn) const
{
    QMutexLocker locker(&m_mutex);
    for (const auto *list : {&m_work, &m_incoming}) {
        for (const MutationBatch &batch : *list) {
            for (const Mutation &m : batch)
                fn(m);
        }
    }
}

void SqliteWriter::run()
{
    Error error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
        db.setDatabaseName(m_path);
        if (!db.open())
            error = Error::make(ErrorCode::StoreFailed,
                                u"cannot open database %1: %2"_s.arg(m_path, db.lastError().text()));
        else
            error = Schema::configureConnection(db, m_path, true);
        if (error.isError()) {
            failed(error);
        } else {
            Statements st(db);
            WalCheckpointer checkpointer(m_path, m_connectionName + u"-checkpoint"_s);
            checkpointer.attach(db); // else SQLite's auto-checkpoint stays in charge
            if (prepare(db, st))
                loop(db, st);
            checkpointer.stop();
        }
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

void SqliteWriter::failed(const Error &error)
{
    bool news;
    {
        QMutexLocker locker(&m_mutex);
        news = !m_failing || m_lastError.message != error.message;
        m_failing = true;
        m_lastError = error;
        ++m_stats.failures;
        m_committed.wakeAll();
    }
    if (news) { // once per change of state, not once per retry
        qCWarning(lcStore).noquote() << error.toString() << "- keeping the writes and retrying";
        if (m_events.failing)
            m_events.failing(error);
    }
}

void SqliteWriter::loop(QSqlDatabase &db, Statements &st)
{
    int retryMs = kFirstRetryMs;
    QElapsedTimer failingFor;
    for (;;) {
        quint64 workSeq;
        {
            QMutexLocker locker(&m_mutex);
            if (m_failing) {
                // Back off: new work does not make a failing disk work sooner.
                if (!m_stop)
                    m_wake.wait(&m_mutex, QDeadlineTimer(retryMs));
            } else {
                while (m_incoming.empty() && m_work.empty() && !m_stop)
                    m_wake.wait(&m_mutex);
            }
            if (m_stop && (m_failing || (m_incoming.empty() && m_work.empty())))
                return; // writes that still fail are given up (the store counts them)
            for (auto &b : m_incoming)
                m_work.push_back(std::move(b));
            m_incoming.clear();
            workSeq = m_submittedSeq;
        }
        qint64 maxSize = -1;
        {
            QMutexLocker locker(&m_mutex);
            if (m_maxSize < 0)
                maxSize = m_maxSize = m_maxSizeWanted;
        }
        if (maxSize >= 0) {
            // SQLite's own cap (in pages); 0 lifts it. A cap below the current size keeps it.
            QSqlQuery q(db);
            q.exec(maxSize > 0 ? u"PRAGMA max_page_count = %1"_s.arg(qMax<qint64>(1, maxSize / 4096))
                               : u"PRAGMA max_page_count = 4294967294"_s);
        }
        if (m_work.empty())
            continue;
        if (failingFor.isValid()) {
            // Before a retry: fold the write-ahead log into the database and truncate it. It
            // holds many versions of the same pages and is often what filled the disk.
            QSqlQuery(db).exec(u"PRAGMA wal_checkpoint(TRUNCATE)"_s);
        }
        const Error error = apply(db, st, m_work);
        {
            QMutexLocker locker(&m_mutex);
            ++m_attempts;
        }
        if (error.isError()) {
            if (!failingFor.isValid())
                failingFor.start();
            failed(error); // wakes flush()
            retryMs = qMin(retryMs * 2, kMaxRetryMs);
            continue;
        }
        qint64 recoveredAfter = -1;
        {
            QMutexLocker locker(&m_mutex);
            m_work.clear();
            if (m_failing) {
                recoveredAfter = failingFor.elapsed();
                m_failing = false;
                m_lastError = {};
            }
            m_committedSeq = workSeq;
            ++m_stats.batches;
            m_committed.wakeAll();
        }
        if (recoveredAfter >= 0) {
            // Give the space the write-ahead log took back to the disk that just ran out of it.
            QSqlQuery(db).exec(u"PRAGMA wal_checkpoint(TRUNCATE)"_s);
            qCInfo(lcStore).noquote() << u"%1: writes succeed again after %2 s; everything kept "
                                         "meanwhile is written"_s.arg(m_path).arg(double(recoveredAfter) / 1000.0, 0, 'f', 1);
            failingFor.invalidate();
            retryMs = kFirstRetryMs;
            if (m_events.recovered)
                m_events.recovered(recoveredAfter);
        }
        if (m_events.committed)
            m_events.committed(workSeq);
    }
}

Error SqliteWriter::checkFileIsStillOurs() const
{
    if (m_inode == 0)
        return {};
    quint64 device = 0, inode = 0;
    if (!fileId(m_path, &device, &inode) || device != m_device || inode != m_inode)
        return Error::make(ErrorCode::StoreFailed,
                           u"the database file %1 vanished while open (deleted, moved or replaced); "
                           "writes cannot reach it"_s.arg(m_path));
    return {};
}

bool SqliteWriter::prepare(QSqlDatabase &db, Statements &st)
{
    const bool prepared =
        st.sessionUpsert.prepare(SqliteRows::sessionUpsertSql())
        && st.sessionDelete.prepare(u"DELETE FROM sessions WHERE id = ?"_s)
        && st.messagesOfSessionDelete.prepare(u"DELETE FROM messages WHERE session_id = ?"_s)
        && st.settingSet.prepare(u"INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)"_s)
        && st.settingDelete.prepare(u"DELETE FROM settings WHERE key = ?"_s)
        && st.laneUpsert.prepare(
            u"INSERT OR REPLACE INTO lanes (name, max_concurrency, paused, preempt_grace_ms) "
              "VALUES (?, ?, ?, ?)"_s)
        && st.auditInsert.prepare(u"INSERT INTO audit_log (time, actor, action, target, reason, "
                                  "details) VALUES (?, ?, ?, ?, ?, ?)"_s)
        && st.secondInsert.prepare(SqliteRows::statsInsertSql(u"stats_seconds"_s))
        && st.minuteInsert.prepare(SqliteRows::statsInsertSql(u"stats_minutes"_s))
        && st.pruneSeconds.prepare(u"DELETE FROM stats_seconds WHERE t < ?"_s)
        && st.pruneMinutes.prepare(u"DELETE FROM stats_minutes WHERE t < ?"_s)
        && st.jobUpsert.prepare(SqliteRows::jobUpsertSql())
        && st.jobDelete.prepare(u"DELETE FROM jobs WHERE id = ?"_s)
        && st.attemptInsert.prepare(u"INSERT OR REPLACE INTO run_attempts (%1) VALUES (?, ?, ?, ?, ?, ?, ?)"_s.arg(
            QString::fromUtf16(SqliteRows::kAttemptColumns)))
        // Retention (SPEC J8): finished runs past their age, or beyond the count kept; failed
        // and needs-attention runs only past their longer age, or once acknowledged.
        && st.pruneSelect.prepare(
            u"SELECT id FROM runs WHERE (state IN ('completed', 'cancelled', 'merged') AND finished_at < ?) "
            "OR (state IN ('failed', 'needs_attention') AND finished_at < ?) "
            "OR (state = 'needs_attention' AND finished_at < ? AND id IN (SELECT run_id FROM tasks "
            "WHERE acknowledged_at > 0)) "
            "OR id IN (SELECT id FROM runs WHERE state IN ('completed', 'cancelled', 'merged') "
            "ORDER BY id DESC LIMIT -1 OFFSET ?) LIMIT ?"_s)
        && st.pruneRun.prepare(u"DELETE FROM runs WHERE id = ?"_s)
        && st.pruneTask.prepare(u"DELETE FROM tasks WHERE run_id = ?"_s)
        && st.pruneAttempts.prepare(u"DELETE FROM run_attempts WHERE run_id = ?"_s)
        && st.taskUpsert.prepare(SqliteRows::taskUpsertSql());
    if (!prepared) {
        failed(Error::make(ErrorCode::StoreFailed,
                           u"%1: cannot prepare statements: %2"_s.arg(m_path, db.lastError().text())));
        return false;
    }
    if (!st.runUpsert.prepare(db, SqliteRows::runUpsertSql())
        || !st.runStatusUpsert.prepare(db, SqliteRows::runStatusUpsertSql())
        || !st.messageInsert.prepare(db, SqliteRows::messageInsertSql())) {
        failed(Error::make(ErrorCode::StoreFailed,
                           u"%1: cannot prepare statements: %2"_s.arg(
                               m_path, st.runUpsert.errorText() + st.runStatusUpsert.errorText()
                                           + st.messageInsert.errorText())));
        return false;
    }
    return true;
}


Error SqliteWriter::apply(QSqlDatabase &db, Statements &st, const std::vector<MutationBatch> &work)
{
    // Coalesce run rows: only the newest row of each run is written, whole if any upsert of
    // it in this batch may have changed its indexed keys.
    struct Newest
    {
        const Run *run;
        bool keysChanged;
    };
    std::unordered_map<RunId, Newest> runs;
    std::vector<RunId> runOrder;
    // Sessions likewise: a busy session changes with every message, only its last row counts.
    std::unordered_map<SessionId, const Session *> sessions;
    std::vector<SessionId> sessionOrder;
    if (Error e = checkFileIsStillOurs(); e.isError())
        return e;
    if (!db.transaction())
        return Error::make(ErrorCode::StoreFailed,
                           u"%1: cannot begin a transaction: %2"_s.arg(m_path, db.lastError().text()));
    quint64 statements = 0;
    qint64 pruned = 0;
    bool failed = false;
    QString failure;
    auto exec = [&](auto &q) {
        ++statements;
        if (!q.exec() && !failed) {
            failed = true;
            if constexpr (std::is_same_v<std::decay_t<decltype(q)>, SqliteStatement>)
                failure = q.errorText();
            else
                failure = q.lastError().text();
        }
    };
    for (const MutationBatch &batch : work) {
        for (const Mutation &m : batch) {
            if (failed)
                break;
            std::visit(
                [&](auto &&v) {
                    using T = std::decay_t<decltype(v)>;
                    if constexpr (std::is_same_v<T, RunUpsert>) {
                        auto [it, inserted] = runs.try_emplace(v.run.id, Newest{&v.run, v.keysChanged});
                        if (inserted) {
                            runOrder.push_back(v.run.id);
                        } else {
                            it->second.run = &v.run;
                            it->second.keysChanged |= v.keysChanged;
                        }
                    } else if constexpr (std::is_same_v<T, SessionUpsert>) {
                        auto [it, inserted] = sessions.try_emplace(v.session.id, &v.session);
                        if (inserted)
                            sessionOrder.push_back(v.session.id);
                        else
                            it->second = &v.session;
                    } else if constexpr (std::is_same_v<T, SessionDelete>) {
                        sessions.erase(v.id); // an upsert before it in this batch is moot
                        st.sessionDelete.bindValue(0, v.id);
                        exec(st.sessionDelete);
                        st.messagesOfSessionDelete.bindValue(0, v.id);
                        exec(st.messagesOfSessionDelete);
                    } else if constexpr (std::is_same_v<T, MessageInsert>) {
                        SqliteRows::bindMessage(st.messageInsert, v.message);
                        exec(st.messageInsert);
                    } else if constexpr (std::is_same_v<T, MessagesReplace>) {
                        st.messagesOfSessionDelete.bindValue(0, v.sessionId);
                        exec(st.messagesOfSessionDelete);
                        for (const Message &msg : v.messages) {
                            SqliteRows::bindMessage(st.messageInsert, msg);
                            exec(st.messageInsert);
                        }
                    } else if constexpr (std::is_same_v<T, SettingSet>) {
                        if (v.value.isNull()) {
                            st.settingDelete.bindValue(0, v.key);
                            exec(st.settingDelete);
                        } else {
                            st.settingSet.bindValue(0, v.key);
                            st.settingSet.bindValue(1, v.value);
                            exec(st.settingSet);
                        }
                    } else if constexpr (std::is_same_v<T, LaneUpsert>) {
                        st.laneUpsert.bindValue(0, v.name);
                        st.laneUpsert.bindValue(1, v.limit);
                        st.laneUpsert.bindValue(2, int(v.paused));
                        st.laneUpsert.bindValue(3, v.preemptGraceMs);
                        exec(st.laneUpsert);
                    } else if constexpr (std::is_same_v<T, AuditInsert>) {
                        SqliteRows::bindAudit(st.auditInsert, v.entry);
                        exec(st.auditInsert);
                    } else if constexpr (std::is_same_v<T, StatsInsert>) {
                        QSqlQuery &q = v.sample.resolutionMs >= 60'000 ? st.minuteInsert
                                                                       : st.secondInsert;
                        SqliteRows::bindStats(q, v.sample);
                        exec(q);
                    } else if constexpr (std::is_same_v<T, StatsPrune>) {
                        st.pruneSeconds.bindValue(0, v.secondsBefore);
                        exec(st.pruneSeconds);
                        st.pruneMinutes.bindValue(0, v.minutesBefore);
                        exec(st.pruneMinutes);
                    } else if constexpr (std::is_same_v<T, JobUpsert>) {
                        SqliteRows::bindJob(st.jobUpsert, v.job);
                        exec(st.jobUpsert);
                    } else if constexpr (std::is_same_v<T, JobDelete>) {
                        st.jobDelete.bindValue(0, v.id);
                        exec(st.jobDelete);
                    } else if constexpr (std::is_same_v<T, AttemptInsert>) {
                        SqliteRows::bindAttempt(st.attemptInsert, v.attempt);
                        exec(st.attemptInsert);
                    } else if constexpr (std::is_same_v<T, RunsPrune>) {
                        st.pruneSelect.bindValue(0, v.completedBefore);
                        st.pruneSelect.bindValue(1, v.failedBefore);
                        st.pruneSelect.bindValue(2, v.completedBefore);
                        st.pruneSelect.bindValue(3, v.keepCompleted);
                        st.pruneSelect.bindValue(4, v.batch);
                        exec(st.pruneSelect);
                        std::vector<qint64> ids;
                        while (st.pruneSelect.next())
                            ids.push_back(st.pruneSelect.value(0).toLongLong());
                        st.pruneSelect.finish();
                        for (qint64 id : ids) {
                            for (QSqlQuery *q : {&st.pruneRun, &st.pruneTask, &st.pruneAttempts}) {
                                q->bindValue(0, id);
                                exec(*q);
                            }
                        }
                        pruned += qint64(ids.size());
                    }
                },
                m);
        }
    }
    for (SessionId id : sessionOrder) {
        const auto it = sessions.find(id);
        if (failed || it == sessions.end())
            continue;
        SqliteRows::bindSession(st.sessionUpsert, *it->second);
        exec(st.sessionUpsert);
    }
    for (RunId id : runOrder) {
        if (failed)
            break;
        const Newest &n = runs[id];
        SqliteStatement &statement = n.keysChanged ? st.runUpsert : st.runStatusUpsert;
        SqliteRows::bindRun(statement, *n.run);
        exec(statement);
        if (n.run->task && !failed) {
            SqliteRows::bindTask(st.taskUpsert, id, *n.run->task);
            exec(st.taskUpsert);
        }
    }
    if (failed) {
        const Error e = Error::make(ErrorCode::StoreFailed,
                                    u"%1: write failed: %2"_s.arg(m_path, failure));
        db.rollback();
        return e;
    }
    if (!db.commit()) {
        const Error e = Error::make(ErrorCode::StoreFailed,
                                    u"%1: commit failed: %2"_s.arg(m_path, db.lastError().text()));
        db.rollback();
        return e;
    }
    QMutexLocker locker(&m_mutex);
    m_stats.statements += statements;
    if (pruned > 0)
        qCInfo(lcStore).noquote() << u"retention: %1 finished runs past their time removed"_s.arg(pruned);
    return {};
}

} // namespace Yard
