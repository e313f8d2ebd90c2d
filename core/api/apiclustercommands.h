// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "apicommands.h"

#include "cluster/clusterurl.h"

#include <memory>

namespace Yard {
class ClusterDb;
}

namespace Yard::Api {

/// The API of a cluster node (SPEC I2 on SPEC X1): the same wire format and socket; every
/// command acts on the cluster's database on the API thread's own connection, so what one node
/// is told applies to every node: `pause` on any node stops admission everywhere within one
/// cycle. Served: ping, status/stats (the cluster: nodes, counts, lanes), pause, resume, drain,
/// submit (acknowledged once the run's row is committed), sessions.list, runs.list,
/// runs.cancel, runs.requeue, runs.retry, lanes.list, lanes.set, nodes.list. Jobs, tasks, cycles and the
/// event stream belong to the single-node scheduler and are refused by name.
class ClusterCommands final : public CommandSet
{
    Q_DISABLE_COPY_MOVE(ClusterCommands)

public:
    ClusterCommands(ClusterUrl url, qint64 node, Replier *replier);
    ~ClusterCommands() override;

    void handle(quint64 client, const QString &user, const QVector<Request> &batch) override;
    QByteArray eventLine(const Event &) const override { return {}; }
    QString sessionKey(SessionId) const override { return {}; }
    void learnKeys(const EventBatch &) override {}

    /// The commands a cluster node serves.
    static QStringList names();

private:
    Expected<QJsonValue> dispatch(const QString &user, const Request &r);
    void submitBatch(quint64 client, const QVector<Request> &submits);
    Expected<ClusterDb *> db();

    ClusterUrl m_url;
    qint64 m_node = 0;
    Replier *m_replier;
    std::unique_ptr<ClusterDb> m_db;
};

} // namespace Yard::Api
