// SPDX-License-Identifier: GPL-3.0-or-later
#include "clustermonitor.h"

#include <QTimer>

using namespace Qt::StringLiterals;

namespace Yard {

namespace {

/// The monitor's thread side: the connection, the timer.
class MonitorWorker final : public QObject
{
public:
    ClusterUrl url;
    std::unique_ptr<ClusterDb> db;
    QTimer *timer = nullptr;
    QString lastError;

    ClusterDb *connection(QString *error)
    {
        if (!db) {
            auto opened = ClusterDb::open(url, u"yard-monitor-%1"_s.arg(quintptr(this)));
            if (!opened) {
                *error = opened.error().message;
                return nullptr;
            }
            db = std::move(opened).value();
        }
        return db.get();
    }
};

} // namespace

ClusterMonitor::ClusterMonitor(ClusterUrl url, QString actor, QObject *parent)
    : QObject(parent)
    , m_url(std::move(url))
    , m_actor(std::move(actor))
{
    qRegisterMetaType<Yard::ClusterSnapshot>();
    m_thread.setObjectName(u"yard-monitor"_s);
    auto *worker = new MonitorWorker;
    worker->url = m_url;
    worker->moveToThread(&m_thread);
    m_worker = worker;
    m_thread.start();
}

ClusterMonitor::~ClusterMonitor()
{
    // The connection and timer die on their own thread, then the thread ends.
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker] { delete w; QThread::currentThread()->quit(); }, Qt::QueuedConnection);
    m_thread.wait();
}

void ClusterMonitor::onWorker(std::function<void()> fn)
{
    QMetaObject::invokeMethod(m_worker, std::move(fn), Qt::QueuedConnection);
}

void ClusterMonitor::start(int intervalMs)
{
    onWorker([this, intervalMs] {
        auto *w = static_cast<MonitorWorker *>(m_worker);
        if (!w->timer) {
            w->timer = new QTimer(w);
            connect(w->timer, &QTimer::timeout, w, [this] { refresh(); });
        }
        w->timer->start(intervalMs);
    });
    refresh();
}

void ClusterMonitor::refresh()
{
    onWorker([this] {
        auto *w = static_cast<MonitorWorker *>(m_worker);
        QString error;
        ClusterDb *db = w->connection(&error);
        if (db) {
            auto snapshot = db->snapshot();
            if (snapshot) {
                if (!w->lastError.isEmpty()) {
                    w->lastError.clear();
                    Q_EMIT readFailed({});
                }
                Q_EMIT snapshotReady(snapshot.value());
                return;
            }
            error = snapshot.error().message;
        }
        if (error != w->lastError) {
            w->lastError = error;
            Q_EMIT readFailed(error);
        }
    });
}

void ClusterMonitor::pause(const QString &reason)
{
    onWorker([this, reason] {
        QString error;
        ClusterDb *db = static_cast<MonitorWorker *>(m_worker)->connection(&error);
        const Error e = db ? db->setControl(true, false, reason, m_actor) : Error::make(ErrorCode::StoreFailed, error);
        Q_EMIT actionDone(e.isError() ? e.message : tr("Cluster paused: no node starts a run until it is resumed"),
                          !e.isError());
    });
    refresh();
}

void ClusterMonitor::resume()
{
    onWorker([this] {
        QString error;
        ClusterDb *db = static_cast<MonitorWorker *>(m_worker)->connection(&error);
        const Error e = db ? db->setControl(false, false, {}, m_actor) : Error::make(ErrorCode::StoreFailed, error);
        Q_EMIT actionDone(e.isError() ? e.message : tr("Cluster resumed"), !e.isError());
    });
    refresh();
}

void ClusterMonitor::drain(const QString &reason)
{
    onWorker([this, reason] {
        QString error;
        ClusterDb *db = static_cast<MonitorWorker *>(m_worker)->connection(&error);
        const Error e = db ? db->setControl(false, true, reason, m_actor) : Error::make(ErrorCode::StoreFailed, error);
        Q_EMIT actionDone(e.isError() ? e.message
                                      : tr("Cluster draining: no node starts a run; running ones finish"),
                          !e.isError());
    });
    refresh();
}

void ClusterMonitor::cancel(const QVector<qint64> &runs, const QString &reason)
{
    onWorker([this, runs, reason] {
        QString error;
        ClusterDb *db = static_cast<MonitorWorker *>(m_worker)->connection(&error);
        int done = 0;
        for (qint64 id : runs) {
            if (!db)
                break;
            auto r = db->cancelRun(id, reason.isEmpty() ? m_actor : u"%1 (%2)"_s.arg(m_actor, reason));
            if (!r) {
                error = r.error().message;
                break;
            }
            done += r.value() ? 1 : 0;
        }
        Q_EMIT actionDone(!error.isEmpty() ? error
                                           : tr("Cancelled %n run(s); running ones stop at their node's next heartbeat",
                                                nullptr, done),
                          error.isEmpty());
    });
    refresh();
}

void ClusterMonitor::requeue(const QVector<qint64> &runs, const QString &reason)
{
    onWorker([this, runs, reason] {
        QString error;
        ClusterDb *db = static_cast<MonitorWorker *>(m_worker)->connection(&error);
        int done = 0;
        for (qint64 id : runs) {
            if (!db)
                break;
            auto r = db->requeueRun(id, reason.isEmpty() ? m_actor : u"%1 (%2)"_s.arg(m_actor, reason));
            if (!r) {
                error = r.error().message;
                break;
            }
            done += r.value() ? 1 : 0;
        }
        Q_EMIT actionDone(!error.isEmpty() ? error : tr("Requeued %n run(s)", nullptr, done), error.isEmpty());
    });
    refresh();
}

void ClusterMonitor::setLane(const QString &name, int limit, bool paused)
{
    onWorker([this, name, limit, paused] {
        QString error;
        ClusterDb *db = static_cast<MonitorWorker *>(m_worker)->connection(&error);
        const Error e = db ? db->setLane(name, limit, paused, m_actor) : Error::make(ErrorCode::StoreFailed, error);
        Q_EMIT actionDone(e.isError() ? e.message : tr("Lane %1: limit %2 on the whole cluster%3")
                                                          .arg(name)
                                                          .arg(limit)
                                                          .arg(paused ? tr(", paused") : QString()),
                          !e.isError());
    });
    refresh();
}

} // namespace Yard
