// SPDX-License-Identifier: GPL-3.0-or-later
// ClusterNode's state, shared by clusternode.cpp (start, stop, cycle, claims, leases) and
// clusternodereports.cpp (what workers report, and recording it in batches).
#pragma once

#include "clusternode.h"

#include "clusterdb.h"
#include "clusterdemo.h"

#include "engine/clock.h"
#include "exec/handlerregistry.h"
#include "exec/inbox.h"
#include "exec/runticket.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QMutex>
#include <QThread>
#include <QThreadPool>
#include <QTimer>

#include <ctime>
#include <unordered_map>

Q_DECLARE_LOGGING_CATEGORY(lcNode)

namespace Yard {

/// Wall clock in µs: what nodes on one machine (or with synchronised clocks) can compare.
inline qint64 wallMicros()
{
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return qint64(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

struct ClusterNode::Private
{
    struct Live
    {
        ClaimedRun run;
        std::shared_ptr<Handler> handler;
        std::unique_ptr<RunTicket> ticket;
        qint64 startedUs = 0;
        bool executing = false; ///< a worker has the ticket
        bool vanished = false;  ///< the handler went silent: its lease is no longer renewed
        bool leaseLost = false;
        bool stoppedByShutdown = false; ///< cancelled because the node leaves: queued again, not cancelled
    };

    ClusterNodeOptions options;
    std::shared_ptr<HandlerRegistry> handlers;
    QThread thread;
    QThreadPool pool;
    std::unique_ptr<SystemClock> clock;
    std::unique_ptr<Inbox> inbox;
    std::unique_ptr<ClusterDb> db;
    std::unique_ptr<ClusterDemo> demo;
    QTimer *cycleTimer = nullptr;
    QTimer *heartbeatTimer = nullptr;
    std::unordered_map<qint64, Live> live;
    QVector<ClusterCompletion> pending;
    bool flushQueued = false;
    bool paused = false;
    bool draining = false;
    bool stopping = false;
    bool stopped = false;
    QElapsedTimer since;  ///< monotonic, since the node started
    qint64 renewedAt = 0; ///< `since` time when the last heartbeat that renewed the leases was sent
    QElapsedTimer sincePrune;   ///< retention runs once a minute (any node may; batches are small)
    QString dbError;

    mutable QMutex statsMutex;
    ClusterNodeStats stats;

    /// Stops a run here: cancels it, and one waiting for its next step ends at once (nothing
    /// would wake it before the step's time). Returns false if it was stopped already.
    bool stopRun(Live &l)
    {
        if (l.ticket->cancelled.exchange(true))
            return false;
        if (!l.executing) {
            l.ticket->outcome = Outcome::failure(QStringLiteral("stopped between steps"), ErrorCode::RunCancelled);
            inbox->push(l.ticket->finishedItem());
        }
        return true;
    }

    QString stateName() const
    {
        return stopping ? QStringLiteral("stopping") : draining ? QStringLiteral("draining") : paused ? QStringLiteral("paused") : QStringLiteral("running");
    }
    void setError(ClusterNode *q, const Error &e)
    {
        const QString text = e.isError() ? e.message : QString();
        {
            QMutexLocker lock(&statsMutex);
            stats.lastError = text;
        }
        if (text != dbError) {
            dbError = text;
            if (e.isError())
                qCWarning(lcNode, "%s", qPrintable(text));
            else
                qCInfo(lcNode, "the cluster database answers again");
            Q_EMIT q->healthChanged(text);
        }
    }
};

} // namespace Yard
