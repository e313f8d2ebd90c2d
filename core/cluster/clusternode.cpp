// SPDX-License-Identifier: GPL-3.0-or-later
#include "clusternode.h"

#include "clusternode_p.h"

#include "engine/clock.h"
#include "exec/handlerregistry.h"
#include "exec/inbox.h"
#include "exec/runticket.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QEvent>
#include <QHostInfo>
#include <QLoggingCategory>
#include <QMutex>
#include <QThread>
#include <QSqlDriver>
#include <QThreadPool>
#include <QTimer>

#include <ctime>
#include <unordered_map>

#include <unistd.h>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcNode, "yard.node")

namespace Yard {

ClusterNode::ClusterNode(ClusterNodeOptions options, std::shared_ptr<HandlerRegistry> handlers)
    : d(std::make_unique<Private>())
{
    d->options = std::move(options);
    if (d->options.name.isEmpty())
        d->options.name = u"%1:%2"_s.arg(QHostInfo::localHostName()).arg(::getpid());
    d->options.capacity = qMax(1, d->options.capacity);
    d->options.leaseMs = qMax(300, d->options.leaseMs);
    d->options.cycleMs = qBound(20, d->options.cycleMs, d->options.leaseMs / 2);
    d->handlers = std::move(handlers);
    d->pool.setMaxThreadCount(qMax(1, d->options.workers));
    d->pool.setObjectName(u"yard-workers"_s);
    d->thread.setObjectName(u"yard-node"_s);
}

ClusterNode::~ClusterNode()
{
    stop(0);
}

qint64 ClusterNode::nodeId() const
{
    QMutexLocker lock(&d->statsMutex);
    return d->stats.nodeId;
}

ClusterNodeStats ClusterNode::stats() const
{
    QMutexLocker lock(&d->statsMutex);
    return d->stats;
}

Error ClusterNode::start()
{
    moveToThread(&d->thread);
    d->thread.start();
    Error result;
    QMetaObject::invokeMethod(
        this,
        [this, &result] {
            auto db = ClusterDb::open(d->options.url, u"yard-node-%1"_s.arg(quintptr(this)));
            if (!db) {
                result = db.error();
                return;
            }
            d->db = std::move(db).value();
            auto id = d->db->registerNode(d->options.name, d->options.capacity, d->options.leaseMs);
            if (!id) {
                result = id.error();
                d->db.reset();
                return;
            }
            {
                QMutexLocker lock(&d->statsMutex);
                d->stats.nodeId = id.value();
                d->stats.state = u"running"_s;
            }
            // New work (a submit, a requeue, a resume) is claimed at once, not at the next cycle.
            connect(d->db->database().driver(), &QSqlDriver::notification, this,
                    [this](const QString &) { onNewRuns(); });
            if (Error e = d->db->listen(QString::fromLatin1(ClusterDb::kNewRunsChannel)); e.isError())
                qCWarning(lcNode, "%s (new runs are claimed every cycle instead)", qPrintable(e.message));
            d->clock = std::make_unique<SystemClock>();
            d->inbox = std::make_unique<Inbox>(this);
            d->since.start();
            d->renewedAt = 0;
            d->sincePrune.start();
            d->cycleTimer = new QTimer(this);
            d->cycleTimer->setTimerType(Qt::PreciseTimer);
            connect(d->cycleTimer, &QTimer::timeout, this, [this] { cycle(); });
            d->cycleTimer->start(d->options.cycleMs);
            d->heartbeatTimer = new QTimer(this);
            connect(d->heartbeatTimer, &QTimer::timeout, this, [this] { heartbeat(); });
            d->heartbeatTimer->start(qMax(50, d->options.leaseMs / 3));
            if (d->options.demo) {
                d->demo = std::make_unique<ClusterDemo>();
                for (const auto &[lane, limit] : ClusterDemo::lanes()) // unless an operator set them
                    d->db->ensureLane(lane, limit);
            }
            qCInfo(lcNode, "node %lld (%s) joined the cluster on %s: capacity %d, lease %d ms, cycle %d ms",
                   id.value(), qPrintable(d->options.name), qPrintable(d->options.url.display()),
                   d->options.capacity, d->options.leaseMs, d->options.cycleMs);
            cycle();
        },
        Qt::BlockingQueuedConnection);
    if (result.isError()) {
        d->thread.quit();
        d->thread.wait();
        d->stopped = true;
    }
    return result;
}

void ClusterNode::stop(int graceMs)
{
    if (d->stopped || !d->thread.isRunning()) {
        d->stopped = true;
        return;
    }
    QMetaObject::invokeMethod(
        this,
        [this, graceMs] {
            d->stopping = true;
            delete d->cycleTimer;
            d->cycleTimer = nullptr;
            QElapsedTimer waited;
            waited.start();
            QElapsedTimer sinceBeat;
            sinceBeat.start();
            // Let executing runs end: their reports (inbox events) and their next steps (timers)
            // are this thread's events. Nothing new is claimed meanwhile.
            while (!d->live.empty() && waited.elapsed() < graceMs) {
                QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
                drainInbox();
                if (sinceBeat.elapsed() > d->options.leaseMs / 3) {
                    heartbeat(); // keep the leases while waiting
                    sinceBeat.restart();
                }
                if (!d->live.empty())
                    QThread::msleep(2);
            }
            for (auto &[id, l] : d->live) {
                l.stoppedByShutdown = true;
                d->stopRun(l);
            }
            delete d->heartbeatTimer;
            d->heartbeatTimer = nullptr;
            d->pool.waitForDone(qMin(graceMs, 1000));
            drainInbox();
            flush();
            if (d->db) {
                const qint64 node = nodeId();
                if (Error e = d->db->stopNode(node); e.isError())
                    qCWarning(lcNode, "%s", qPrintable(e.message));
                else
                    qCInfo(lcNode, "node %lld left the cluster (%zu unfinished runs queued again)", node,
                           d->live.size());
            }
            d->pool.waitForDone();
            d->live.clear();
            d->demo.reset();
            d->db.reset();
            d->inbox.reset();
            d->clock.reset();
            {
                QMutexLocker lock(&d->statsMutex);
                d->stats.state = u"stopped"_s;
            }
            moveToThread(QCoreApplication::instance() ? QCoreApplication::instance()->thread() : nullptr);
        },
        Qt::BlockingQueuedConnection);
    d->thread.quit();
    d->thread.wait();
    d->stopped = true;
}

void ClusterNode::customEvent(QEvent *event)
{
    if (event->type() == Inbox::eventType()) {
        drainInbox();
        return;
    }
    QObject::customEvent(event);
}

void ClusterNode::cycle()
{
    if (!d->db || d->stopping)
        return;
    fenceIfSilent();
    if (auto swept = d->db->sweepExpiredLeases(); swept) {
        if (swept.value() > 0) {
            qCInfo(lcNode, "recovered %d run(s) whose lease expired", swept.value());
            QMutexLocker lock(&d->statsMutex);
            d->stats.recovered += swept.value();
        }
    } else {
        d->setError(this, swept.error());
        return;
    }
    auto control = d->db->control();
    if (!control) {
        d->setError(this, control.error());
        return;
    }
    d->setError(this, {});
    applyControl(control.value());
    claimMore();
    if (d->sincePrune.elapsed() > 60000) {
        d->sincePrune.restart();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        auto pruned = d->db->pruneFinished(now.addDays(-d->options.keepFinishedDays), now.addDays(-30));
        if (!pruned)
            d->setError(this, pruned.error());
        else if (pruned.value() > 0)
            qCInfo(lcNode, "retention: %d finished run(s) pruned", pruned.value());
    }
    // After this node's claim: the demo's new runs go to whichever node looks next.
    if (d->demo && !d->paused && !d->draining) {
        if (auto submitted = d->db->submit(d->demo->next()); !submitted)
            d->setError(this, submitted.error());
    }
}

void ClusterNode::onNewRuns()
{
    if (!d->db || d->stopping)
        return;
    if (auto control = d->db->control(); control)
        applyControl(control.value()); // a pause, resume or drain notifies too
    claimMore();
}

void ClusterNode::applyControl(const ClusterControl &control)
{
    if (control.paused == d->paused && control.draining == d->draining)
        return;
    d->paused = control.paused;
    d->draining = control.draining;
    qCInfo(lcNode, "cluster %s%s", d->draining ? "draining" : d->paused ? "paused" : "resumed",
           qPrintable(control.reason.isEmpty() ? QString() : u": "_s + control.reason));
    heartbeat(); // the node's row shows the new state at once
}

void ClusterNode::fenceIfSilent()
{
    // A node that could not renew for (nearly) a whole lease (frozen, cut off) must assume its
    // runs are recovered elsewhere: it stops them a tenth of a lease early, counted from when its
    // last successful renewal was *sent* (the database's lease runs from then), and the database
    // refuses their late results.
    const qint64 silentMs = d->since.elapsed() - d->renewedAt;
    if (silentMs <= d->options.leaseMs * 9 / 10)
        return;
    int lost = 0;
    for (auto &[id, l] : d->live) {
        if (!l.leaseLost) {
            l.leaseLost = true;
            d->stopRun(l);
            ++lost;
        }
    }
    if (lost) {
        qCWarning(lcNode, "no lease renewal for %lld ms (lease %d ms): %d run(s) stopped here, they belong to "
                          "whichever node recovers them",
                  qlonglong(silentMs), d->options.leaseMs, lost);
        QMutexLocker lock(&d->statsMutex);
        d->stats.leasesLost += lost;
    }
}

void ClusterNode::heartbeat()
{
    if (!d->db)
        return;
    fenceIfSilent();
    QVector<qint64> executing;
    executing.reserve(int(d->live.size()));
    for (const auto &[id, l] : d->live) {
        if (!l.vanished && !l.leaseLost)
            executing.push_back(id);
    }
    QVector<qint64> cancelRequested;
    const qint64 sentAt = d->since.elapsed();
    auto held = d->db->heartbeat(nodeId(), d->stateName(), executing, d->options.leaseMs, &cancelRequested);
    if (!held) {
        d->setError(this, held.error());
        return;
    }
    d->setError(this, {});
    // The leases run from the database's now(): count from when the request went out.
    d->renewedAt = sentAt;
    QSet<qint64> kept(held.value().cbegin(), held.value().cend());
    int lost = 0;
    for (qint64 id : executing) {
        auto it = d->live.find(id);
        if (it == d->live.end() || kept.contains(id))
            continue;
        it->second.leaseLost = true;
        d->stopRun(it->second);
        ++lost;
    }
    for (qint64 id : cancelRequested) {
        auto it = d->live.find(id);
        if (it != d->live.end() && d->stopRun(it->second))
            qCInfo(lcNode, "run %lld: cancelled by an operator", id);
    }
    QMutexLocker lock(&d->statsMutex);
    d->stats.running = int(d->live.size());
    d->stats.state = d->stateName();
    if (lost) {
        d->stats.leasesLost += lost;
        qCWarning(lcNode, "%d run(s) lost their lease (recovered by another node): stopped here", lost);
    }
}

void ClusterNode::claimMore()
{
    if (!d->db || d->stopping || d->paused || d->draining)
        return;
    const int room = d->options.capacity - int(d->live.size());
    if (room <= 0)
        return;
    auto claimed = d->db->claim(nodeId(), qMin(room, d->options.claimBatch), d->options.leaseMs);
    if (!claimed) {
        d->setError(this, claimed.error());
        return;
    }
    if (claimed.value().isEmpty())
        return;
    {
        QMutexLocker lock(&d->statsMutex);
        d->stats.claimed += claimed.value().size();
    }
    for (ClaimedRun &run : claimed.value())
        dispatch(std::move(run));
}

void ClusterNode::dispatch(ClaimedRun &&run)
{
    const qint64 id = run.id;
    Private::Live &l = d->live[id];
    l.run = std::move(run);
    l.handler = d->handlers->find(l.run.handler);
    l.ticket = std::make_unique<RunTicket>();
    RunTicket &t = *l.ticket;
    t.request.runId = id;
    t.request.handler = l.run.handler;
    t.request.lane = l.run.lane;
    t.request.priority = Priority(qBound(0, l.run.priority, int(Priority::Count) - 1));
    t.request.attempt = l.run.attempt;
    t.request.input = l.run.input;
    t.request.payloadJson = l.run.payloadJson;
    t.savedState = l.run.savedState;
    t.handler = l.handler.get();
    t.inbox = d->inbox.get();
    t.clock = d->clock.get();
    l.startedUs = wallMicros();
    l.executing = true;
    d->pool.start(&t);
}

} // namespace Yard
