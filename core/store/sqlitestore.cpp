// SPDX-License-Identifier: GPL-3.0-or-later
#include "sqlitestore.h"

#include "databasefile.h"
#include "logging.h"
#include "schema.h"
#include "sqliterows.h"
#include "sqlitewriter.h"

#include <QDeadlineTimer>
#include <QLockFile>
#include <QMutex>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QWaitCondition>

#include <algorithm>
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

SqliteStore::SqliteStore(QString path)
    : m_path(std::move(path))
    , m_connectionPrefix(u"yard-store-%1"_s.arg(s_storeSerial.fetch_add(1)))
{}

Expected<std::unique_ptr<SqliteStore>> SqliteStore::open(const QString &path)
{
    if (path.isEmpty())
        return Error::make(ErrorCode::InvalidDatabase, u"no database path given"_s);
    if (Error e = DatabaseFile::ensureParentDir(path); e.isError())
        return e;
    if (Error e = DatabaseFile::checkPath(path); e.isError())
        return e;
    Expected<std::unique_ptr<QLockFile>> lock = DatabaseFile::lock(path);
    if (!lock)
        return lock.error();
    if (Error e = DatabaseFile::check(path); e.isError())
        return e;

    std::unique_ptr<SqliteStore> store(new SqliteStore(path));
    store->m_lock = std::move(lock).value();
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

    SqliteStore *raw = store.get();
    WriterEvents events;
    events.committed = [raw](quint64 seq) { raw->notifyCommitted(seq); };
    events.failing = [raw](const Error &e) { raw->notifyWritesFailing(e); };
    events.recovered = [raw](qint64 ms) { raw->notifyWritesRecovered(ms); };
    store->m_writer = std::make_unique<SqliteWriter>(path, store->m_connectionPrefix + u"-writer"_s,
                                                     std::move(events));
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

void SqliteStore::submit(MutationBatch &&batch, quint64 seq)
{
    m_writer->submit(std::move(batch), seq);
}

int SqliteStore::unwrittenRuns() const
{
    return m_writer->unwrittenRuns();
}

Error SqliteStore::flush()
{
    commitAsync();
    return m_writer->flush();
}

void SqliteStore::setMaxSize(qint64 bytes)
{
    m_writer->setMaxSize(bytes);
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
    if (!q.exec(SqliteRows::runSelectSql()
                + u" WHERE state IN ('scheduled', 'queued', 'claimed', 'running', 'retry_wait') "
                  "ORDER BY queued_at, id"_s))
        return fail(u"open runs"_s);
    while (q.next())
        state.openRuns.append(SqliteRows::runWithTaskFromQuery(q));
    if (!q.exec(u"SELECT key, value FROM settings"_s))
        return fail(u"settings"_s);
    while (q.next())
        state.settings.insert(q.value(0).toString(), q.value(1).toString());
    if (!q.exec(u"SELECT name, max_concurrency, paused, preempt_grace_ms FROM lanes ORDER BY name"_s))
        return fail(u"lanes"_s);
    while (q.next())
        state.lanes.append(LaneSetting{q.value(0).toString(), q.value(1).toInt(), q.value(2).toBool(),
                                       q.value(3).toInt()});
    if (!q.exec(u"SELECT (SELECT coalesce(max(id), 0) FROM runs), "
                "(SELECT coalesce(max(id), 0) FROM sessions), "
                "(SELECT coalesce(max(id), 0) FROM messages)"_s)
        || !q.next())
        return fail(u"id counters"_s);
    state.maxRunId = q.value(0).toLongLong();
    noteHighestRunId(state);
    state.maxSessionId = q.value(1).toLongLong();
    state.maxMessageId = q.value(2).toLongLong();
    if (!q.exec(u"SELECT count(*) FROM runs LEFT JOIN tasks ON tasks.run_id = runs.id "
                "WHERE runs.state = 'needs_attention' AND coalesce(tasks.acknowledged_at, 0) = 0"_s)
        || !q.next())
        return fail(u"needs_attention runs"_s);
    state.needsAttentionOpen = q.value(0).toInt();
    if (!q.exec(u"SELECT %1 FROM jobs ORDER BY id"_s.arg(QString::fromUtf16(SqliteRows::kJobColumns))))
        return fail(u"jobs"_s);
    while (q.next()) {
        Expected<Job> job = SqliteRows::jobFromQuery(q);
        state.maxJobId = qMax(state.maxJobId, q.value(0).toLongLong());
        if (job)
            state.jobs.append(job.value());
        else // kept as it is on disk; the operator sees why it does not fire
            qCWarning(lcStore).noquote() << u"%1: %2; the job is left as it is and does not fire"_s.arg(
                m_path, job.error().message);
    }
    return state;
}

template<typename Fn>
void SqliteStore::visitPending(Fn fn) const
{
    // The writer's queue first (older), then what this turn appended: the newest change wins.
    m_writer->visitPending([&fn](const Mutation &m) { fn(m); });
    for (const Mutation &m : buffered())
        fn(m);
}

std::optional<Session> SqliteStore::loadSession(SessionId id)
{
    // No flush: a read never waits for the writer (the engine calls this). Changes still in
    // flight are found where they wait.
    std::optional<Session> pending;
    bool deleted = false;
    visitPending([&](const Mutation &m) {
        if (const auto *u = std::get_if<SessionUpsert>(&m); u && u->session.id == id) {
            pending = u->session;
            deleted = false;
        } else if (const auto *d = std::get_if<SessionDelete>(&m); d && d->id == id) {
            pending.reset();
            deleted = true;
        }
    });
    if (pending || deleted)
        return pending;
    QSqlQuery q(connection());
    q.prepare(u"SELECT %1 FROM sessions WHERE id = ?"_s.arg(QString::fromUtf16(SqliteRows::kSessionColumns)));
    q.bindValue(0, id);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return SqliteRows::sessionFromQuery(q);
}

std::optional<Session> SqliteStore::loadSessionByKey(const QString &key)
{
    std::optional<Session> pending;
    visitPending([&](const Mutation &m) {
        if (const auto *u = std::get_if<SessionUpsert>(&m); u && u->session.key == key)
            pending = u->session;
    });
    if (pending)
        return pending;
    QSqlQuery q(connection());
    q.prepare(u"SELECT %1 FROM sessions WHERE key = ?"_s.arg(QString::fromUtf16(SqliteRows::kSessionColumns)));
    q.bindValue(0, key);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return SqliteRows::sessionFromQuery(q);
}

Expected<MessageList> SqliteStore::loadMessages(SessionId id)
{
    // Stored messages, then those still in flight: a replacement in flight supersedes both.
    MessageList pending;
    bool replaced = false;
    visitPending([&](const Mutation &m) {
        if (const auto *r = std::get_if<MessagesReplace>(&m); r && r->sessionId == id) {
            pending = r->messages;
            replaced = true;
        } else if (const auto *i = std::get_if<MessageInsert>(&m); i && i->message.sessionId == id) {
            pending.append(i->message);
        } else if (const auto *d = std::get_if<SessionDelete>(&m); d && d->id == id) {
            pending.clear();
            replaced = true;
        }
    });
    MessageList list;
    if (!replaced) {
        QSqlQuery q(connection());
        q.prepare(u"SELECT %1 FROM messages WHERE session_id = ? ORDER BY id"_s.arg(
            QString::fromUtf16(SqliteRows::kMessageColumns)));
        q.bindValue(0, id);
        if (!q.exec())
            return Error::make(ErrorCode::StoreFailed,
                               u"%1: cannot load messages: %2"_s.arg(m_path, q.lastError().text()));
        while (q.next())
            list.append(SqliteRows::messageFromQuery(q));
    }
    const MessageId lastStored = list.isEmpty() ? 0 : list.last().id;
    for (const Message &m : std::as_const(pending)) {
        if (m.id > lastStored) // a message committed meanwhile is not listed twice
            list.append(m);
    }
    return list;
}

QVector<RunId> SqliteStore::needsAttentionRuns(const NeedsAttentionFilter &filter)
{
    // What is written, and what is still on its way (the newest row of a run wins).
    std::unordered_map<RunId, bool> pending;
    visitPending([&](const Mutation &m) {
        if (const auto *u = std::get_if<RunUpsert>(&m))
            pending[u->run.id] = filter.matches(u->run);
    });
    QVector<RunId> ids;
    QVariantList binds;
    QSqlQuery q(connection());
    q.setForwardOnly(true);
    q.prepare(SqliteRows::runSelectSql() + u" WHERE "_s + SqliteRows::needsAttentionWhere(filter, &binds)
              + u" ORDER BY runs.id"_s);
    for (int i = 0; i < binds.size(); ++i)
        q.bindValue(i, binds[i]);
    if (q.exec()) {
        while (q.next()) {
            const RunId id = q.value(0).toLongLong();
            if (!pending.count(id))
                ids.append(id);
        }
    } else {
        qCWarning(lcStore).noquote() << "cannot list needs_attention runs:" << q.lastError().text();
    }
    for (const auto &[id, matches] : pending) {
        if (matches)
            ids.append(id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

AttentionPage SqliteStore::needsAttentionPage(const NeedsAttentionFilter &filter, RunId before, int limit)
{
    return SqliteRows::needsAttentionPage(connection(), filter, before, limit);
}

std::optional<Run> SqliteStore::loadRun(RunId id)
{
    std::optional<Run> pending;
    visitPending([&](const Mutation &m) {
        if (const auto *u = std::get_if<RunUpsert>(&m); u && u->run.id == id)
            pending = u->run;
    });
    if (pending)
        return pending;
    QSqlQuery q(connection());
    q.prepare(SqliteRows::runSelectSql() + u" WHERE runs.id = ?"_s);
    q.bindValue(0, id);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return SqliteRows::runWithTaskFromQuery(q);
}

} // namespace Yard
