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

void ClusterMonitor::act(std::function<Expected<QString>(ClusterDb &)> action)
{
    onWorker([this, action = std::move(action)] {
        QString error;
        ClusterDb *db = static_cast<MonitorWorker *>(m_worker)->connection(&error);
        const Expected<QString> done = db ? action(*db) : Expected<QString>(Error::make(ErrorCode::StoreFailed, error));
        Q_EMIT actionDone(done ? done.value() : done.error().message, bool(done));
    });
    refresh();
}

namespace {

/// The message of an action that answers nothing but success or an error.
Expected<QString> said(const Error &e, const QString &message)
{
    if (e.isError())
        return e;
    return message;
}

} // namespace

void ClusterMonitor::pause(const QString &reason)
{
    act([this, reason](ClusterDb &db) {
        return said(db.setControl(true, false, reason, m_actor),
                    tr("Cluster paused: no node starts a run until it is resumed"));
    });
}

void ClusterMonitor::resume()
{
    act([this](ClusterDb &db) { return said(db.setControl(false, false, {}, m_actor), tr("Cluster resumed")); });
}

void ClusterMonitor::drain(const QString &reason)
{
    act([this, reason](ClusterDb &db) {
        return said(db.setControl(false, true, reason, m_actor),
                    tr("Cluster draining: no node starts a run; running ones finish"));
    });
}

void ClusterMonitor::onEachRun(const QVector<qint64> &runs, const QString &reason,
                               Expected<bool> (ClusterDb::*action)(qint64, const QString &),
                               std::function<QString(int)> done)
{
    act([this, runs, reason, action, done = std::move(done)](ClusterDb &db) -> Expected<QString> {
        const QString who = reason.isEmpty() ? m_actor : u"%1 (%2)"_s.arg(m_actor, reason);
        int acted = 0;
        for (qint64 id : runs) {
            const Expected<bool> r = (db.*action)(id, who);
            if (!r)
                return r.error();
            acted += r.value() ? 1 : 0;
        }
        return done(acted);
    });
}

void ClusterMonitor::cancel(const QVector<qint64> &runs, const QString &reason)
{
    onEachRun(runs, reason, &ClusterDb::cancelRun, [](int n) {
        return tr("Cancelled %n run(s); running ones stop at their node's next heartbeat", nullptr, n);
    });
}

void ClusterMonitor::requeue(const QVector<qint64> &runs, const QString &reason)
{
    onEachRun(runs, reason, &ClusterDb::requeueRun, [](int n) { return tr("Requeued %n run(s)", nullptr, n); });
}

void ClusterMonitor::setLane(const QString &name, int limit, bool paused)
{
    act([this, name, limit, paused](ClusterDb &db) {
        return said(db.setLane(name, limit, paused, m_actor),
                    tr("Lane %1: limit %2 on the whole cluster%3")
                        .arg(name)
                        .arg(limit)
                        .arg(paused ? tr(", paused") : QString()));
    });
}

} // namespace Yard
