// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clusterurl.h"

#include "model/errors.h"

#include <QObject>
#include <QString>

#include <memory>

namespace Yard {

class HandlerRegistry;
struct ClaimedRun;
struct ClusterControl;

struct ClusterNodeOptions
{
    ClusterUrl url;
    QString name;         ///< empty: host:pid
    int capacity = 64;    ///< runs this node holds at once (claimed, executing or between steps)
    int workers = 8;      ///< threads executing handler steps
    int leaseMs = 30000;  ///< a run's (and its session's) lease; renewed every third of it
    int cycleMs = 250;    ///< sweep, pause check and claim at least this often
    int claimBatch = 128; ///< runs claimed per round trip at most
    bool demo = false;    ///< also feed the demo workload into the cluster
    int keepFinishedDays = 7; ///< completed and cancelled runs older than this are pruned (failed: 30)
};

/// What a node has done, for logs and tests.
struct ClusterNodeStats
{
    qint64 nodeId = 0;
    qint64 claimed = 0;
    qint64 completed = 0;
    qint64 refused = 0;   ///< late results the database turned down (their lease had been lost)
    qint64 recovered = 0; ///< expired leases this node's sweeps put back
    qint64 leasesLost = 0;
    int running = 0;
    QString state;
    QString lastError;
};

/// One scheduler node of a cluster (SPEC X1): it registers in the shared PostgreSQL, claims runs
/// in batches under leases (yard_claim: FOR UPDATE SKIP LOCKED; lane limits counted over every
/// node; one run per session at a time, in order), executes them with the same handlers as the
/// embedded engine, reports them in batches (group commit), renews its leases, and sweeps expired
/// leases, its own or other nodes'. Pause, resume and drain are read from the database on every
/// cycle. A run whose lease this node lost is cancelled locally, and its late result is refused
/// by the database (the attempt no longer matches), so it never overwrites the next attempt.
///
/// Everything happens on the node's own thread (`yard-node`) with its own connection; the
/// handlers run on a private pool.
class ClusterNode final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClusterNode)

public:
    ClusterNode(ClusterNodeOptions options, std::shared_ptr<HandlerRegistry> handlers);
    ~ClusterNode() override;

    /// Connects, migrates, registers and starts claiming. The error names the server and reason.
    Error start();
    /// Stops claiming, gives executing runs up to `graceMs` to end, records what ended, puts
    /// the rest back to queued and marks the node stopped. Blocking; idempotent.
    void stop(int graceMs = 5000);
    qint64 nodeId() const;
    ClusterNodeStats stats() const;

Q_SIGNALS:
    /// From the node's thread: the database cannot be reached (or recovers: empty error).
    void healthChanged(const QString &error);

protected:
    void customEvent(QEvent *event) override;

private:
    void cycle();
    void onNewRuns();
    void applyControl(const ClusterControl &control);
    void heartbeat();
    void fenceIfSilent();
    void claimMore();
    void dispatch(ClaimedRun &&run);
    void drainInbox();
    void flush();

    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace Yard
