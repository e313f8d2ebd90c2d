// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clusterdb.h"

#include <QObject>
#include <QThread>

namespace Yard {

/// The console's window on a cluster (SPEC X1): reads a ClusterSnapshot every `intervalMs` on a
/// thread and connection of its own (the GUI never runs SQL), and writes operator actions to the
/// database, where the nodes pick them up: pause, resume and drain stop claims at once; a running
/// run's owner cancels it at its next heartbeat. Answers arrive as queued signals.
class ClusterMonitor final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClusterMonitor)

public:
    ClusterMonitor(ClusterUrl url, QString actor, QObject *parent = nullptr);
    ~ClusterMonitor() override;

    const ClusterUrl &url() const { return m_url; }
    /// Starts reading (the first snapshot comes at once).
    void start(int intervalMs = 1000);
    void refresh();

    void pause(const QString &reason);
    void resume();
    void drain(const QString &reason);
    void cancel(const QVector<qint64> &runs, const QString &reason);
    void requeue(const QVector<qint64> &runs, const QString &reason);
    void setLane(const QString &name, int limit, bool paused);

Q_SIGNALS:
    void snapshotReady(const Yard::ClusterSnapshot &snapshot);
    /// The database cannot be read (empty: it can again).
    void readFailed(const QString &error);
    /// An operator action's result, in words.
    void actionDone(const QString &message, bool ok);

private:
    void onWorker(std::function<void()> fn);
    /// Runs an operator action on the monitor's connection; its message (or error) comes back
    /// as actionDone, and the cluster is read again.
    void act(std::function<Expected<QString>(ClusterDb &)> action);
    /// `action` on each run (as the actor, with the reason); `done` words how many it acted on.
    void onEachRun(const QVector<qint64> &runs, const QString &reason,
                   Expected<bool> (ClusterDb::*action)(qint64, const QString &), std::function<QString(int)> done);

    ClusterUrl m_url;
    QString m_actor;
    QThread m_thread;
    QObject *m_worker = nullptr; ///< lives on m_thread; owns the connection and the timer
};

} // namespace Yard

Q_DECLARE_METATYPE(Yard::ClusterSnapshot)
