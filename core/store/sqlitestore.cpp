// SPDX-License-Identifier: GPL-3.0-or-later
#include "sqlitestore.h"

#include "databasefile.h"
#include "logging.h"
#include "schema.h"
#include "sqliterows.h"
#include "sqlitestatement.h"

#include <QDeadlineTimer>
#include <QMutex>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QWaitCondition>

#include <atomic>
#include <unordered_map>

using namespace Qt::StringLiterals;

namespace Yard {

namespace {

std::atomic<int> s_storeSerial{0};

QSqlDatabase openConnection(const QString &name, const QString &path, bool writer, Error *error,
                            bool configure = true)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
    db.setDatabaseName(path);
    if (!db.open()) {
        *error = Error::make(ErrorCode::InvalidDatabase,
                             u"cannot open database %1: %2"_s.arg(path, db.lastError().text()));
        return db;
    }
    if (configure)
        *error = Schema::configureConnection(db, path, writer);
    return db;
}

} // namespace

// ---------------------------------------------------------------------------------------------

class SqliteStore::Writer final : public QThread
{
public:
    Writer(QString path, QString connectionName, const SqliteStore *store)
        : m_path(std::move(path))
        , m_connectionName(std::move(connectionName))
        , m_store(store)
    {
        setObjectName(u"yard-store-writer"_s);
    }

    quint64 submit(MutationBatch &&batch)
    {
        QMutexLocker locker(&m_mutex);
        m_stats.mutations += batch.size();
        m_incoming.push_back(std::move(batch));
        const quint64 seq = ++m_submittedSeq;
        m_wake.wakeOne();
        return seq;
    }

    Error flush()
    {
        QMutexLocker locker(&m_mutex);
        const quint64 target = m_submittedSeq;
        while (m_committedSeq < target) {
            if (m_failing)
                return m_lastError;
            m_committed.wait(&m_mutex);
        }
        return {};
    }

    void stop()
    {
        {
            QMutexLocker locker(&m_mutex);
            m_stop = true;
            m_wake.wakeOne();
        }
        wait();
    }

    WriterStats stats() const
    {
        QMutexLocker locker(&m_mutex);
        return m_stats;
    }

protected:
    void run() override
    {
        Error error;
        {
            QSqlDatabase db = openConnection(m_connectionName, m_path, true, &error);
            if (!error.isError())
                loop(db);
            else
                fail(error);
        }
        QSqlDatabase::removeDatabase(m_connectionName);
    }

private:
    struct Statements
    {
        QSqlQuery sessionUpsert, sessionDelete, messagesOfSessionDelete, messageInsert, settingSet,
            settingDelete, laneUpsert, auditInsert, secondInsert, minuteInsert, pruneSeconds,
            pruneMinutes;
        SqliteStatement runUpsert;       ///< one row per run and commit: the hot path
        SqliteStatement runStatusUpsert; ///< the same, keeping session, lane and priority
    };

    void fail(const Error &error)
    {
        {
            QMutexLocker locker(&m_mutex);
            m_failing = true;
            m_lastError = error;
            ++m_stats.failures;
            m_committed.wakeAll();
        }
        qCWarning(lcStore).noquote() << error.toString();
        m_store->reportWriteError(error);
    }

    void loop(QSqlDatabase &db)
    {
        Statements st{QSqlQuery(db), QSqlQuery(db), QSqlQuery(db), QSqlQuery(db),
                      QSqlQuery(db), QSqlQuery(db), QSqlQuery(db), QSqlQuery(db),
                      QSqlQuery(db), QSqlQuery(db), QSqlQuery(db), QSqlQuery(db), {}};
        const bool prepared =
            st.sessionUpsert.prepare(SqliteRows::sessionUpsertSql())
            && st.sessionDelete.prepare(u"DELETE FROM sessions WHERE id = ?"_s)
            && st.messagesOfSessionDelete.prepare(u"DELETE FROM messages WHERE session_id = ?"_s)
            && st.messageInsert.prepare(SqliteRows::messageInsertSql())
            && st.settingSet.prepare(u"INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)"_s)
            && st.settingDelete.prepare(u"DELETE FROM settings WHERE key = ?"_s)
            && st.laneUpsert.prepare(
                u"INSERT OR REPLACE INTO lanes (name, max_concurrency, paused) VALUES (?, ?, ?)"_s)
            && st.auditInsert.prepare(u"INSERT INTO audit_log (time, actor, action, target, reason, "
                                      "details) VALUES (?, ?, ?, ?, ?, ?)"_s)
            && st.secondInsert.prepare(SqliteRows::statsInsertSql(u"stats_seconds"_s))
            && st.minuteInsert.prepare(SqliteRows::statsInsertSql(u"stats_minutes"_s))
            && st.pruneSeconds.prepare(u"DELETE FROM stats_seconds WHERE t < ?"_s)
            && st.pruneMinutes.prepare(u"DELETE FROM stats_minutes WHERE t < ?"_s);
        if (!prepared) {
            fail(Error::make(ErrorCode::StoreFailed,
                             u"%1: cannot prepare statements: %2"_s.arg(m_path, db.lastError().text())));
            return;
        }
        if (!st.runUpsert.prepare(db, SqliteRows::runUpsertSql())
            || !st.runStatusUpsert.prepare(db, SqliteRows::runStatusUpsertSql())) {
            fail(Error::make(ErrorCode::StoreFailed,
                             u"%1: cannot prepare statements: %2"_s.arg(
                                 m_path, st.runUpsert.errorText() + st.runStatusUpsert.errorText())));
            return;
        }

        std::vector<MutationBatch> work;
        quint64 workSeq = 0;
        for (;;) {
            {
                QMutexLocker locker(&m_mutex);
                while (m_incoming.empty() && work.empty() && !m_stop)
                    m_wake.wait(&m_mutex);
                if (m_incoming.empty() && work.empty() && m_stop)
                    return;
                for (auto &b : m_incoming)
                    work.push_back(std::move(b));
                m_incoming.clear();
                workSeq = m_submittedSeq;
            }
            const Error error = apply(db, st, work);
            if (error.isError()) {
                fail(error);
                // Keep the work and retry; nothing accepted is dropped (SPEC R5).
                QMutexLocker locker(&m_mutex);
                if (!m_stop)
                    m_wake.wait(&m_mutex, QDeadlineTimer(1000));
                else
                    return;
                continue;
            }
            work.clear();
            QMutexLocker locker(&m_mutex);
            m_failing = false;
            m_lastError = {};
            m_committedSeq = workSeq;
            ++m_stats.batches;
            m_committed.wakeAll();
        }
    }

    Error apply(QSqlDatabase &db, Statements &st, std::vector<MutationBatch> &work)
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
        if (!db.transaction())
            return Error::make(ErrorCode::StoreFailed,
                               u"%1: cannot begin a transaction: %2"_s.arg(m_path, db.lastError().text()));
        quint64 statements = 0;
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
                            SqliteRows::bindSession(st.sessionUpsert, v.session);
                            exec(st.sessionUpsert);
                        } else if constexpr (std::is_same_v<T, SessionDelete>) {
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
                        }
                    },
                    m);
            }
        }
        for (RunId id : runOrder) {
            if (failed)
                break;
            const Newest &n = runs[id];
            SqliteStatement &statement = n.keysChanged ? st.runUpsert : st.runStatusUpsert;
            SqliteRows::bindRun(statement, *n.run);
            exec(statement);
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
        return {};
    }

    const QString m_path;
    const QString m_connectionName;
    const SqliteStore *m_store;

    mutable QMutex m_mutex;
    QWaitCondition m_wake;
    QWaitCondition m_committed;
    std::vector<MutationBatch> m_incoming;
    quint64 m_submittedSeq = 0;
    quint64 m_committedSeq = 0;
    bool m_stop = false;
    bool m_failing = false;
    Error m_lastError;
    WriterStats m_stats;
};

// ---------------------------------------------------------------------------------------------

SqliteStore::SqliteStore(QString path)
    : m_path(std::move(path))
    , m_connectionPrefix(u"yard-store-%1"_s.arg(s_storeSerial.fetch_add(1)))
{}

Expected<std::unique_ptr<SqliteStore>> SqliteStore::open(const QString &path)
{
    if (Error e = DatabaseFile::check(path); e.isError())
        return e;
    if (Error e = DatabaseFile::ensureParentDir(path); e.isError())
        return e;

    std::unique_ptr<SqliteStore> store(new SqliteStore(path));
    const QString setupName = store->m_connectionPrefix + u"-setup"_s;
    Error error;
    {
        // Nothing is written (not even the WAL switch) before migrate() has checked the file is ours.
        QSqlDatabase db = openConnection(setupName, path, true, &error, false);
        if (!error.isError())
            error = Schema::migrate(db, path);
        if (!error.isError())
            error = Schema::configureConnection(db, path, true);
        db.close();
    }
    QSqlDatabase::removeDatabase(setupName);
    if (error.isError())
        return error;

    store->m_writer = std::make_unique<Writer>(path, store->m_connectionPrefix + u"-writer"_s,
                                               store.get());
    store->m_writer->start();
    return store;
}

SqliteStore::~SqliteStore()
{
    commitAsync();
    if (m_writer)
        m_writer->stop();
    for (const QString &name : QSqlDatabase::connectionNames()) {
        if (name.startsWith(m_connectionPrefix + u"-read-"_s))
            QSqlDatabase::removeDatabase(name);
    }
}

void SqliteStore::submit(MutationBatch &&batch)
{
    m_writer->submit(std::move(batch));
}

Error SqliteStore::flush()
{
    commitAsync();
    return m_writer->flush();
}

WriterStats SqliteStore::writerStats() const
{
    return m_writer->stats();
}

QSqlDatabase SqliteStore::connection()
{
    const QString name =
        m_connectionPrefix + u"-read-"_s + QString::number(quintptr(QThread::currentThreadId()), 16);
    if (QSqlDatabase::contains(name))
        return QSqlDatabase::database(name);
    Error error;
    QSqlDatabase db = openConnection(name, m_path, false, &error);
    if (error.isError())
        qCWarning(lcStore).noquote() << error.toString();
    return db;
}

Expected<StoredState> SqliteStore::loadState()
{
    if (Error e = flush(); e.isError())
        return e;
    QSqlDatabase db = connection();
    QSqlQuery q(db);
    auto fail = [&](const QString &what) {
        return Error::make(ErrorCode::InvalidDatabase,
                           u"%1: cannot load %2: %3"_s.arg(m_path, what, q.lastError().text()));
    };
    StoredState state;
    if (!q.exec(u"SELECT %1 FROM sessions ORDER BY id"_s.arg(QString::fromUtf16(SqliteRows::kSessionColumns))))
        return fail(u"sessions"_s);
    while (q.next())
        state.sessions.append(SqliteRows::sessionFromQuery(q));
    if (!q.exec(u"SELECT %1 FROM runs WHERE state IN ('scheduled', 'queued', 'claimed', 'running', "
                "'retry_wait') ORDER BY queued_at, id"_s.arg(QString::fromUtf16(SqliteRows::kRunColumns))))
        return fail(u"open runs"_s);
    while (q.next())
        state.openRuns.append(SqliteRows::runFromQuery(q));
    if (!q.exec(u"SELECT key, value FROM settings"_s))
        return fail(u"settings"_s);
    while (q.next())
        state.settings.insert(q.value(0).toString(), q.value(1).toString());
    if (!q.exec(u"SELECT name, max_concurrency, paused FROM lanes ORDER BY name"_s))
        return fail(u"lanes"_s);
    while (q.next())
        state.lanes.append(LaneSetting{q.value(0).toString(), q.value(1).toInt(), q.value(2).toBool()});
    if (!q.exec(u"SELECT (SELECT coalesce(max(id), 0) FROM runs), "
                "(SELECT coalesce(max(id), 0) FROM sessions), "
                "(SELECT coalesce(max(id), 0) FROM messages)"_s)
        || !q.next())
        return fail(u"id counters"_s);
    state.maxRunId = q.value(0).toLongLong();
    noteHighestRunId(state.maxRunId);
    state.maxSessionId = q.value(1).toLongLong();
    state.maxMessageId = q.value(2).toLongLong();
    return state;
}

std::optional<Session> SqliteStore::loadSession(SessionId id)
{
    flush();
    QSqlQuery q(connection());
    q.prepare(u"SELECT %1 FROM sessions WHERE id = ?"_s.arg(QString::fromUtf16(SqliteRows::kSessionColumns)));
    q.bindValue(0, id);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return SqliteRows::sessionFromQuery(q);
}

std::optional<Session> SqliteStore::loadSessionByKey(const QString &key)
{
    flush();
    QSqlQuery q(connection());
    q.prepare(u"SELECT %1 FROM sessions WHERE key = ?"_s.arg(QString::fromUtf16(SqliteRows::kSessionColumns)));
    q.bindValue(0, key);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return SqliteRows::sessionFromQuery(q);
}

Expected<MessageList> SqliteStore::loadMessages(SessionId id)
{
    flush();
    QSqlQuery q(connection());
    q.prepare(u"SELECT %1 FROM messages WHERE session_id = ? ORDER BY id"_s.arg(
        QString::fromUtf16(SqliteRows::kMessageColumns)));
    q.bindValue(0, id);
    if (!q.exec())
        return Error::make(ErrorCode::StoreFailed,
                           u"%1: cannot load messages: %2"_s.arg(m_path, q.lastError().text()));
    MessageList list;
    while (q.next())
        list.append(SqliteRows::messageFromQuery(q));
    return list;
}

std::optional<Run> SqliteStore::loadRun(RunId id)
{
    flush();
    QSqlQuery q(connection());
    q.prepare(u"SELECT %1 FROM runs WHERE id = ?"_s.arg(QString::fromUtf16(SqliteRows::kRunColumns)));
    q.bindValue(0, id);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return SqliteRows::runFromQuery(q);
}

} // namespace Yard
