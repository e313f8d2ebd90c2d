// SPDX-License-Identifier: GPL-3.0-or-later
#include "storereader.h"

#include "logging.h"
#include "sqliterows.h"

#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QThread>

using namespace Qt::StringLiterals;

namespace Yard {

namespace {
std::atomic<int> s_readerSerial{0};

RunRow rowFromQuery(const QSqlQuery &q)
{
    RunRow r;
    r.id = q.value(0).toLongLong();
    r.sessionId = q.value(1).toLongLong();
    r.sessionKey = q.value(2).toString();
    r.handler = q.value(3).toString();
    r.lane = q.value(4).toString();
    r.priority = Priority(qBound(0, q.value(5).toInt(), int(Priority::Count) - 1));
    r.state = runStateFromName(q.value(6).toString()).value_or(RunState::Queued);
    r.attempt = q.value(7).toInt();
    r.queuedAt = q.value(8).toLongLong();
    r.startedAt = q.value(9).toLongLong();
    r.finishedAt = q.value(10).toLongLong();
    r.errorCode = errorCodeFromName(q.value(11).toString()).value_or(ErrorCode::None);
    r.error = q.value(12).toString().section(u'\n', 0, 0);
    r.preview = q.value(13).toString().simplified();
    r.progress = q.value(14).toDouble();
    r.progressText = q.value(15).toString();
    return r;
}

const QString kRowColumns =
    u"r.id, r.session_id, coalesce(s.key, ''), r.handler, r.lane, r.priority, r.state, r.attempt, "
    "r.queued_at, r.started_at, r.finished_at, r.error_code, substr(r.error, 1, 200), "
    "substr(r.input, 1, 160), r.progress, substr(r.progress_text, 1, 80)"_s;
} // namespace

class StoreReader::Worker final : public QObject
{
public:
    Worker(QString path, QString connection)
        : m_path(std::move(path))
        , m_connection(std::move(connection))
    {}
    ~Worker() override
    {
        if (m_opened) {
            {
                QSqlDatabase db = QSqlDatabase::database(m_connection, false);
                db.close();
            }
            QSqlDatabase::removeDatabase(m_connection);
        }
    }

    QSqlDatabase db()
    {
        if (!m_opened) {
            m_opened = true;
            QSqlDatabase d = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connection);
            d.setDatabaseName(m_path);
            d.setConnectOptions(u"QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"_s);
            if (!d.open())
                qCWarning(lcStore).noquote() << "reader cannot open" << m_path << d.lastError().text();
        }
        return QSqlDatabase::database(m_connection, false);
    }

    QString m_path;
    QString m_connection;
    bool m_opened = false;
};

StoreReader::StoreReader(const QString &path, QObject *parent)
    : QObject(parent)
    , m_worker(std::make_unique<Worker>(path, u"yard-reader-%1"_s.arg(s_readerSerial.fetch_add(1))))
    , m_thread(new QThread)
    , m_path(path)
{
    qRegisterMetaType<Yard::RunPage>();
    qRegisterMetaType<Yard::AttentionPage>();
    qRegisterMetaType<Yard::RunAttempts>();
    qRegisterMetaType<Yard::Run>();
    qRegisterMetaType<Yard::MessageList>();
    qRegisterMetaType<Yard::StatsSeries>();
    qRegisterMetaType<Yard::AuditLog>();
    qRegisterMetaType<Yard::SessionId>("Yard::SessionId");
    m_thread->setObjectName(u"yard-reader"_s);
    m_worker->moveToThread(m_thread);
    m_thread->start();
}

StoreReader::~StoreReader()
{
    // The worker's connection must be closed on its own thread. The thread
    // quits from inside that same event: quitting from here could end its
    // loop before the posted delete runs, leaking the worker and its
    // connection.
    Worker *worker = m_worker.release();
    QMetaObject::invokeMethod(worker, [worker] {
        delete worker;
        QThread::currentThread()->quit();
    }, Qt::QueuedConnection);
    m_thread->wait();
    delete m_thread;
}

QString StoreReader::path() const
{
    return m_path;
}

void StoreReader::post(std::function<void(Worker &)> fn)
{
    Worker *w = m_worker.get();
    QMetaObject::invokeMethod(w, [w, fn = std::move(fn)] { fn(*w); }, Qt::QueuedConnection);
}

QString StoreReader::whereClause(const RunFilter &f, QVariantList *binds)
{
    QStringList parts;
    auto inList = [&](const QString &column, const QVariantList &values) {
        if (values.isEmpty())
            return;
        QStringList marks;
        for (const QVariant &v : values) {
            marks << u"?"_s;
            binds->append(v);
        }
        parts << u"%1 IN (%2)"_s.arg(column, marks.join(u", "_s));
    };
    QVariantList states, lanes, priorities;
    for (RunState s : f.states)
        states << runStateName(s);
    for (const QString &l : f.lanes)
        lanes << l;
    for (Priority p : f.priorities)
        priorities << int(p);
    inList(u"r.state"_s, states);
    inList(u"r.lane"_s, lanes);
    inList(u"r.priority"_s, priorities);
    QVariantList handlers;
    for (const QString &h : f.handlers)
        handlers << h;
    inList(u"r.handler"_s, handlers);
    if (f.job) {
        parts << u"r.job_id = ?"_s;
        binds->append(f.job);
    }
    if (f.session) {
        parts << u"r.session_id = ?"_s;
        binds->append(f.session);
    }
    if (f.queuedAfter > 0) {
        parts << u"r.queued_at >= ?"_s;
        binds->append(f.queuedAfter);
    }
    if (f.queuedBefore > 0) {
        parts << u"r.queued_at < ?"_s;
        binds->append(f.queuedBefore);
    }
    const QString text = f.text.trimmed();
    if (!text.isEmpty()) {
        bool isId = false;
        const qint64 id = text.startsWith(u'#') ? text.mid(1).toLongLong(&isId) : 0;
        if (isId) {
            parts << u"r.id = ?"_s;
            binds->append(id);
        } else {
            QString pattern = text;
            pattern.replace(u"\\"_s, u"\\\\"_s).replace(u"%"_s, u"\\%"_s).replace(u"_"_s, u"\\_"_s);
            pattern = u"%"_s + pattern + u"%"_s;
            parts << u"(r.input LIKE ? ESCAPE '\\' OR r.error LIKE ? ESCAPE '\\' OR "
                     "r.result LIKE ? ESCAPE '\\' OR s.key LIKE ? ESCAPE '\\' OR r.payload LIKE ? ESCAPE '\\')"_s;
            for (int i = 0; i < 5; ++i)
                binds->append(pattern);
        }
    }
    return parts.join(u" AND "_s);
}

quint64 StoreReader::requestRuns(const RunFilter &filter, RunId before, int limit)
{
    return requestPage(filter, u"r.id < ?"_s, before, limit);
}

quint64 StoreReader::requestNewerRuns(const RunFilter &filter, RunId after, int limit)
{
    return requestPage(filter, u"r.id > ?"_s, after, limit);
}

quint64 StoreReader::requestPage(const RunFilter &filter, const QString &keyCondition, RunId key, int limit)
{
    const quint64 id = m_nextRequest++;
    post([this, id, filter, keyCondition, key, limit](Worker &w) {
        QElapsedTimer timer;
        timer.start();
        RunPage page;
        page.request = id;
        QVariantList binds;
        QString where = whereClause(filter, &binds);
        if (key > 0) {
            where = where.isEmpty() ? keyCondition : where + u" AND "_s + keyCondition;
            binds << key;
        }
        const QString sql = u"SELECT %1 FROM runs r LEFT JOIN sessions s ON s.id = r.session_id %2 "
                            "ORDER BY r.id DESC LIMIT ?"_s.arg(kRowColumns,
                                                             where.isEmpty() ? QString() : u"WHERE "_s + where);
        QSqlQuery q(w.db());
        q.setForwardOnly(true);
        q.prepare(sql);
        for (int i = 0; i < binds.size(); ++i)
            q.bindValue(i, binds[i]);
        q.bindValue(int(binds.size()), limit + 1);
        if (!q.exec()) {
            page.error = Error::make(ErrorCode::StoreFailed, q.lastError().text());
        } else {
            while (q.next()) {
                if (page.rows.size() == limit) {
                    page.more = true;
                    break;
                }
                page.rows.append(rowFromQuery(q));
            }
        }
        page.elapsedMs = timer.elapsed();
        Q_EMIT runsReady(page);
    });
    return id;
}

quint64 StoreReader::requestRun(RunId runId)
{
    const quint64 id = m_nextRequest++;
    post([this, id, runId](Worker &w) {
        QSqlQuery q(w.db());
        q.prepare(u"SELECT *, (SELECT key FROM sessions WHERE id = session_id) FROM (%1 "
                  "WHERE runs.id = ?)"_s.arg(SqliteRows::runSelectSql()));
        q.bindValue(0, runId);
        if (q.exec() && q.next()) {
            const Run run = SqliteRows::runWithTaskFromQuery(q);
            Q_EMIT runReady(id, run, q.value(q.record().count() - 1).toString(), true);
        } else {
            Run missing;
            missing.id = runId;
            Q_EMIT runReady(id, missing, QString(), false);
        }
    });
    return id;
}

quint64 StoreReader::requestMessages(SessionId session, int limit)
{
    const quint64 id = m_nextRequest++;
    post([this, id, session, limit](Worker &w) {
        QSqlQuery q(w.db());
        q.prepare(u"SELECT * FROM (SELECT %1 FROM messages WHERE session_id = ? ORDER BY id DESC "
                  "LIMIT ?) ORDER BY id"_s.arg(QString::fromUtf16(SqliteRows::kMessageColumns)));
        q.bindValue(0, session);
        q.bindValue(1, limit);
        MessageList list;
        if (q.exec()) {
            while (q.next())
                list.append(SqliteRows::messageFromQuery(q));
        }
        Q_EMIT messagesReady(id, session, list);
    });
    return id;
}

quint64 StoreReader::requestHistory(TimeMs from, TimeMs to, int resolutionMs)
{
    const quint64 id = m_nextRequest++;
    post([this, id, from, to, resolutionMs](Worker &w) {
        const QString table = resolutionMs >= 60'000 ? u"stats_minutes"_s : u"stats_seconds"_s;
        QSqlQuery q(w.db());
        q.setForwardOnly(true);
        q.prepare(u"SELECT %1 FROM %2 WHERE t >= ? AND t < ? ORDER BY t"_s.arg(
            QString::fromUtf16(SqliteRows::kStatsColumns), table));
        q.bindValue(0, from);
        q.bindValue(1, to);
        StatsSeries series;
        if (q.exec()) {
            while (q.next())
                series.append(SqliteRows::statsFromQuery(q, resolutionMs >= 60'000 ? 60'000 : 1000));
        }
        Q_EMIT historyReady(id, series);
    });
    return id;
}

quint64 StoreReader::requestAudit(int limit)
{
    const quint64 id = m_nextRequest++;
    post([this, id, limit](Worker &w) {
        QSqlQuery q(w.db());
        q.prepare(u"SELECT %1 FROM audit_log ORDER BY id DESC LIMIT ?"_s.arg(
            QString::fromUtf16(SqliteRows::kAuditColumns)));
        q.bindValue(0, limit);
        AuditLog log;
        if (q.exec()) {
            while (q.next())
                log.append(SqliteRows::auditFromQuery(q));
        }
        Q_EMIT auditReady(id, log);
    });
    return id;
}

quint64 StoreReader::requestNeedsAttention(const NeedsAttentionFilter &filter, RunId before, int limit)
{
    const quint64 id = m_nextRequest++;
    post([this, id, filter, before, limit](Worker &w) {
        AttentionPage page = SqliteRows::needsAttentionPage(w.db(), filter, before, limit);
        page.request = id;
        Q_EMIT needsAttentionReady(page);
    });
    return id;
}

quint64 StoreReader::requestAttempts(RunId run)
{
    const quint64 id = m_nextRequest++;
    post([this, id, run](Worker &w) {
        QSqlQuery q(w.db());
        q.prepare(u"SELECT %1 FROM run_attempts WHERE run_id = ? ORDER BY attempt"_s.arg(
            QString::fromUtf16(SqliteRows::kAttemptColumns)));
        q.bindValue(0, run);
        RunAttempts list;
        if (q.exec()) {
            while (q.next())
                list.append(SqliteRows::attemptFromQuery(q));
        }
        Q_EMIT attemptsReady(id, list);
    });
    return id;
}

} // namespace Yard
