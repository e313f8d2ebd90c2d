// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clusterurl.h"

#include "model/errors.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QSqlDatabase>
#include <QString>
#include <QVector>

class QSqlQuery;

namespace Yard {

/// A run handed to the cluster (SPEC X1): it is durable once submit() returns its id.
struct ClusterRunSpec
{
    QString sessionKey;
    QString lane = QStringLiteral("default");
    QString handler;
    int priority = 3; ///< Priority's value: 0 interactive … 4 low
    QString input;
    QByteArray payloadJson;
    int maxAttempts = 3;
};

/// A run a node claimed: it holds the run's lease and its session's lease.
struct ClaimedRun
{
    qint64 id = 0;
    QString sessionKey;
    QString lane;
    QString handler;
    int priority = 3;
    int attempt = 1;
    int maxAttempts = 3;
    QString input;
    QByteArray payloadJson;
    QByteArray savedState;
};

/// What a node reports for one attempt of a claimed run.
struct ClusterCompletion
{
    qint64 id = 0;
    int attempt = 1;
    QString outcome;   ///< what happened: completed, failed, cancelled, yielded, retry
    QString nextState; ///< the run's state after it: completed, failed, cancelled or queued
    bool nextAttempt = false; ///< queued again as a new attempt (a retried failure)
    QString result;
    QString error;
    qint64 startedUs = 0; ///< wall clock, µs, when this node began executing it
    qint64 endedUs = 0;   ///< … and when it saw it end
    QByteArray savedState; ///< null: keep what is stored
};

struct ClusterControl
{
    bool paused = false;
    bool draining = false;
    QString reason;
    QString changedBy;
    QDateTime changedAt;
};

struct ClusterNodeRow
{
    qint64 id = 0;
    QString name;
    QString host;
    int pid = 0;
    QString version;
    QDateTime startedAt;
    QDateTime heartbeatAt;
    qint64 heartbeatAgeMs = 0; ///< measured by the database's clock, so console clocks do not matter
    QString state;             ///< running, paused, draining, stopped (clean); lost is derived
    int running = 0;
    int capacity = 0;
    int leaseMs = 0;
    qint64 claimed = 0;
    qint64 completed = 0;
    qint64 refused = 0;
    /// Not heartbeating: no heartbeat for longer than its lease (a clean stop says "stopped").
    bool lost() const { return state != QLatin1String("stopped") && heartbeatAgeMs > leaseMs; }
};

struct ClusterLaneRow
{
    QString name;
    int limit = 0;
    bool paused = false;
    int running = 0; ///< on every node
    int queued = 0;
    QHash<qint64, int> runningByNode;
};

struct ClusterRunRow
{
    qint64 id = 0;
    QString sessionKey;
    QString lane;
    QString handler;
    int priority = 3;
    QString state;
    int attempt = 1;
    int maxAttempts = 3;
    qint64 owner = 0;
    qint64 leaseLeftMs = 0;
    bool cancelRequested = false;
    QDateTime queuedAt;
    QDateTime startedAt;
    QDateTime finishedAt;
    QString error;
    int recoveries = 0;
};

struct ClusterSessionRow
{
    QString key;
    qint64 runningRun = 0;
    qint64 owner = 0;
    int queued = 0;
    QDateTime lastRunAt;
};

/// An operator action on the cluster (SPEC E2), from whichever console or node API took it.
struct ClusterAuditRow
{
    qint64 id = 0;
    QDateTime at;
    QString actor;
    QString action;
    QString detail;
};

/// Everything the console shows of a cluster, read in one transaction.
struct ClusterSnapshot
{
    QString location;
    ClusterControl control;
    QVector<ClusterNodeRow> nodes;
    QVector<ClusterLaneRow> lanes;
    QVector<ClusterRunRow> runs;      ///< running first, then the newest
    QVector<ClusterRunRow> attention; ///< needs_attention, newest first
    QVector<ClusterSessionRow> sessions;
    QVector<ClusterAuditRow> audit; ///< newest first
    qint64 queued = 0;
    qint64 running = 0;
    qint64 needsAttention = 0;
    qint64 completed = 0; ///< by every node since it registered
    QDateTime readAt;
};

/// One connection to a cluster's PostgreSQL, used from one thread. Every operation is one
/// statement (one round trip, one transaction); a lost connection is reopened by the next call,
/// and reads (snapshot, runs, control) are retried once on the new connection. Writes are not:
/// whether a statement cut off mid-commit committed is unknown, so the caller decides.
class ClusterDb final
{
    Q_DISABLE_COPY_MOVE(ClusterDb)

public:
    /// Connects (password from PGPASSWORD / PGPASSFILE / ~/.pgpass, by libpq) and brings the
    /// schema up to date. Errors name the server and libpq's reason.
    static Expected<std::unique_ptr<ClusterDb>> open(const ClusterUrl &url, const QString &connectionName);
    ~ClusterDb();

    const ClusterUrl &url() const { return m_url; }

    Expected<qint64> registerNode(const QString &name, int capacity, int leaseMs);
    /// Renews the leases of the `executing` runs of `node` that have not expired (and their sessions'), records
    /// the heartbeat; returns the runs still held, and in `cancelRequested` those an operator
    /// cancelled. A run missing from the answer is lost to this node.
    Expected<QVector<qint64>> heartbeat(qint64 node, const QString &state, const QVector<qint64> &executing,
                                        int leaseMs, QVector<qint64> *cancelRequested);
    Expected<QVector<ClaimedRun>> claim(qint64 node, int batch, int leaseMs);
    /// Records attempts; returns the ids refused (the lease was lost: the run was recovered and
    /// maybe runs elsewhere, so this late result must not overwrite it).
    Expected<QVector<qint64>> complete(qint64 node, const QVector<ClusterCompletion> &done);
    /// Puts runs whose lease expired back to queued with attempt + 1 (needs_attention when their
    /// attempts are spent); returns how many.
    Expected<int> sweepExpiredLeases(int limit = 500);
    /// Retention (SPEC J8 for a cluster): completed and cancelled runs finished before
    /// `finishedBefore`, failed ones before `failedBefore`, with their attempts, at most `batch`
    /// runs per call (so no call holds locks long). Returns how many runs went.
    Expected<int> pruneFinished(const QDateTime &finishedBefore, const QDateTime &failedBefore, int batch = 5000);
    /// A clean stop: the node's unfinished runs go back to queued, its row says stopped.
    Error stopNode(qint64 node);

    /// Commits the runs and notifies the channel kNewRunsChannel (nodes listening claim at once).
    Expected<QVector<qint64>> submit(const QVector<ClusterRunSpec> &runs);
    /// Nodes LISTEN here: a submit, a requeue or a resume says there may be work.
    static constexpr const char *kNewRunsChannel = "yard_runs";
    /// LISTENs to `channel` on this connection, now and after every reconnect; notifications
    /// arrive as QSqlDriver::notification of database().driver(), on this connection's thread.
    Error listen(const QString &channel);
    Expected<ClusterControl> control();

    // Operator actions: written to the database; nodes apply them (claims stop at once on
    // pause; the owner of a running run cancels it at its next heartbeat).
    Error setControl(bool paused, bool draining, const QString &reason, const QString &actor);
    Error setLane(const QString &name, int limit, bool paused, const QString &actor);
    /// Creates a lane with `limit` unless it exists (an operator's setting is kept).
    Error ensureLane(const QString &name, int limit);
    /// Returns true when the run was found cancellable (queued: cancelled now; running: asked).
    Expected<bool> cancelRun(qint64 id, const QString &actor);
    Expected<bool> requeueRun(qint64 id, const QString &actor);
    /// A new run with a failed or cancelled run's session, lane, handler, priority, input and
    /// payload; returns its id, or 0 when the run is neither.
    Expected<qint64> retryRun(qint64 id, const QString &actor);

    Expected<ClusterSnapshot> snapshot(int runLimit = 300);
    /// Runs newest first below `before` (0: from the newest), filtered by state (any of),
    /// session and lane (empty: any).
    Expected<QVector<ClusterRunRow>> runs(const QStringList &states, const QString &session, const QString &lane,
                                          qint64 before, int limit);
    /// Runs one SQL statement (tests, benches); the error names libpq's reason.
    Error exec(const QString &sql);
    QSqlDatabase &database() { return m_db; }

private:
    ClusterDb(ClusterUrl url, QString connectionName);
    Error ensureOpen();
    QSqlQuery *prepared(const QString &sql, Error *error);
    /// prepared() with `binds` bound in order.
    QSqlQuery *bound(const QString &sql, const QVariantList &binds, Error *error);
    /// One prepared statement with its values bound in order; `what` starts the error.
    Error run(const QString &sql, const QVariantList &binds, const QString &what);
    /// The same, answering the first column of the first row.
    Expected<QVariant> value(const QString &sql, const QVariantList &binds, const QString &what);
    Error failed(QSqlQuery &q, const QString &what);
    Expected<ClusterSnapshot> snapshotOnce(int runLimit);
    Expected<QVector<ClusterRunRow>> runsOnce(const QStringList &states, const QString &session, const QString &lane,
                                              qint64 before, int limit);
    Expected<ClusterControl> controlOnce();

    ClusterUrl m_url;
    QString m_connectionName;
    QSqlDatabase m_db;
    QHash<QString, QSqlQuery *> m_prepared;
    QStringList m_channels;
};

} // namespace Yard
