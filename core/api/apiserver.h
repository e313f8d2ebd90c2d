// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "apiprotocol.h"

#include "model/errors.h"

#include <QObject>
#include <QPointer>

#include <memory>

class QThread;

namespace Yard {

class Scheduler;
struct ClusterUrl;

/// The local control API (SPEC I2): newline-delimited JSON on a per-user QLocalServer socket
/// (mode 0600, in the runtime dir), served on a thread of its own so that parsing never costs
/// the engine a turn. Requests become engine calls through the Scheduler; a submit is
/// acknowledged once its run is on disk (Engine::whenDurable). Every operator action lands in
/// the audit log as "api:<user>" with its reason.
///
/// Bad input never costs the server: an error reply with an S3 code, and the connection goes on
/// (invalid JSON, unknown commands, wrong types, a request over 1 MiB). A client that does not
/// read its replies stops being read, and is dropped once its backlog passes a bound; one that
/// says nothing for ten minutes is closed. See docs/api.md.
class ApiServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiServer)

public:
    /// The socket for `name`: a path as given when it has a '/', else a file of that name
    /// (".sock" added) in the per-user runtime directory. Empty: "yardmaster".
    static QString socketPath(const QString &name = {});

    /// How much a client may owe the server before it is slowed, then dropped (SPEC I2).
    struct Limits
    {
        /// Replies a client has not read: past this, its further requests wait unread.
        qsizetype maxUnreadReplies = 4 * 1024 * 1024;
        /// Unread replies plus unparsed requests: past this, the client is dropped.
        qsizetype maxBacklog = 16 * 1024 * 1024;
        /// A client that says nothing (and follows no events) for this long is closed.
        qint64 idleMs = 10 * 60'000;
        /// How often idle clients are looked for.
        int sweepMs = 30'000;
    };

    /// Listens on `path` (refusing when another live server has it) and serves `scheduler`.
    /// `databasePath` (empty for in-memory) lets list queries read history on their own thread.
    static Expected<std::unique_ptr<ApiServer>> start(Scheduler *scheduler, const QString &path,
                                                      const QString &databasePath, const Limits &limits);
    static Expected<std::unique_ptr<ApiServer>> start(Scheduler *scheduler, const QString &path,
                                                      const QString &databasePath)
    {
        return start(scheduler, path, databasePath, Limits());
    }
    /// A cluster node's API (SPEC X1): the same socket, protocol and limits; the commands act
    /// on the cluster's database (submit, status, pause/resume/drain for every node, runs,
    /// sessions, lanes, nodes). Jobs, tasks, cycles and the event stream are refused by name.
    static Expected<std::unique_ptr<ApiServer>> startCluster(const ClusterUrl &url, qint64 node, const QString &path,
                                                             const Limits &limits);
    static Expected<std::unique_ptr<ApiServer>> startCluster(const ClusterUrl &url, qint64 node, const QString &path)
    {
        return startCluster(url, node, path, Limits());
    }
    ~ApiServer() override;

    QString path() const;
    /// Connected clients right now (tests, the status bar).
    int clients() const;
    /// Clients dropped for not reading or for saying nothing, since start.
    int dropped() const;

private:
    ApiServer();
    static Expected<std::unique_ptr<ApiServer>> begin(std::unique_ptr<ApiServer> s, const QString &path,
                                                      const Limits &limits);
    class Private;
    std::unique_ptr<Private> d;
    QThread *m_thread = nullptr;
};

} // namespace Yard
