// SPDX-License-Identifier: GPL-3.0-or-later
#include "apiserver.h"

#include "apicommands.h"
#include "apiclustercommands.h"

#include "engine/scheduler.h"
#include "logging.h"
#include "store/storereader.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QLocalServer>
#include <QLocalSocket>
#include <QSemaphore>
#include <QFile>
#include <QFileInfo>
#include <QThread>
#include <QTimer>

#include <pwd.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <unordered_map>

using namespace Qt::StringLiterals;

namespace Yard {

namespace {

QString peerUser(QLocalSocket *socket)
{
    ucred cred{};
    socklen_t len = sizeof(cred);
    if (::getsockopt(int(socket->socketDescriptor()), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
        return u"unknown"_s;
    if (const passwd *pw = ::getpwuid(cred.uid))
        return QString::fromLocal8Bit(pw->pw_name);
    return u"uid %1"_s.arg(cred.uid);
}

} // namespace

class ApiServer::Private final : public QObject, public Api::Replier
{
public:
    struct Connection
    {
        quint64 id = 0; ///< what replies find it by (a socket's address may be reused)
        QPointer<QLocalSocket> socket;
        QByteArray in;
        bool skipping = false; ///< inside an oversized request: everything up to its newline goes
        QString user;
        qint64 lastActivity = 0;
        Api::EventSubscription subscription;
        bool closed = false; ///< gone or dropped; its entry is erased on a later turn
    };

    Scheduler *scheduler = nullptr;
    Limits limits;
    std::atomic<int> droppedCount{0};
    QString path;
    QString databasePath;
    QLocalServer *server = nullptr;
    std::unique_ptr<StoreReader> reader;
    std::unique_ptr<Api::CommandSet> commands;
    std::optional<ClusterUrl> cluster; ///< a cluster node's API (SPEC X1): commands on the database
    qint64 clusterNode = 0;
    /// By client id (a socket's address may be reused). A closed connection stays until the
    /// next turn, so that code still holding it (a parse loop, a broadcast) sees it closed.
    std::unordered_map<quint64, std::unique_ptr<Connection>> connections;
    quint64 nextId = 1;
    std::atomic<int> clientCount{0};
    QTimer *idleSweep = nullptr;
    QElapsedTimer clock;
    int subscribers = 0;
    QMetaObject::Connection eventFeed;

    Error listen()
    {
        clock.start();
        // Another live server on this path is refused, a stale socket file replaced.
        {
            QLocalSocket probe;
            probe.connectToServer(path);
            if (probe.waitForConnected(300))
                return Error::make(ErrorCode::InvalidRequest,
                                   u"another Yardmaster already serves the API on %1 (use --socket to pick another)"_s.arg(path));
        }
        const QFileInfo dir(QFileInfo(path).absolutePath());
        if (!dir.exists()) {
            QDir().mkpath(dir.absoluteFilePath());
            QFile::setPermissions(dir.absoluteFilePath(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        } else if (dir.ownerId() != ::getuid() && dir.absoluteFilePath().startsWith(QDir::tempPath() + u"/yardmaster-"_s)) {
            return Error::make(ErrorCode::InvalidRequest,
                               u"%1 belongs to another user: refusing to serve the API there"_s.arg(dir.absoluteFilePath()));
        }
        QLocalServer::removeServer(path);
        server = new QLocalServer(this);
        server->setSocketOptions(QLocalServer::UserAccessOption); // mode 0600 (SPEC R6)
        server->setMaxPendingConnections(64);
        if (!server->listen(path))
            return Error::make(ErrorCode::InvalidRequest, u"cannot listen on %1: %2"_s.arg(path, server->errorString()));
        connect(server, &QLocalServer::newConnection, this, [this] { accept(); });
        if (cluster) {
            commands = std::make_unique<Api::ClusterCommands>(*cluster, clusterNode, this);
        } else {
            if (!databasePath.isEmpty())
                reader = std::make_unique<StoreReader>(databasePath);
            commands = std::make_unique<Api::Commands>(scheduler, reader.get(), this, this);
        }
        idleSweep = new QTimer(this);
        idleSweep->setInterval(limits.sweepMs);
        connect(idleSweep, &QTimer::timeout, this, [this] { sweepIdle(); });
        idleSweep->start();
        return {};
    }

    void stop()
    {
        for (auto &[id, c] : connections) {
            if (c->socket)
                c->socket->disconnect(this);
        }
        connections.clear();
        commands.reset();
        reader.reset();
        // Only our own socket file goes: a refused start must not take another server's.
        if (server && server->isListening()) {
            server->close();
            QLocalServer::removeServer(path);
        }
    }

    void accept()
    {
        while (QLocalSocket *socket = server->nextPendingConnection()) {
            auto c = std::make_unique<Connection>();
            c->socket = socket;
            c->id = nextId++;
            c->user = peerUser(socket);
            c->lastActivity = clock.elapsed();
            Connection *raw = c.get();
            connections[c->id] = std::move(c);
            ++clientCount;
            connect(socket, &QLocalSocket::readyRead, this, [this, raw] { read(raw); });
            connect(socket, &QLocalSocket::bytesWritten, this, [this, raw] {
                // It read some replies: what it sent meanwhile is read now.
                if (!raw->closed && raw->socket->bytesToWrite() < limits.maxUnreadReplies && !raw->in.isEmpty())
                    process(raw);
            });
            connect(socket, &QLocalSocket::disconnected, this, [this, raw] { close(raw); });
        }
    }

    /// Ends a connection (half a line it sent goes with it). Safe to call twice, and from
    /// inside its own read or a broadcast: the entry is erased on a later turn.
    void close(Connection *c)
    {
        if (c->closed)
            return;
        c->closed = true;
        if (c->subscription.active)
            unsubscribe(c);
        --clientCount;
        if (QLocalSocket *s = c->socket) {
            s->disconnect(this);
            s->abort();
            s->deleteLater();
        }
        QMetaObject::invokeMethod(this, [this, id = c->id] { connections.erase(id); }, Qt::QueuedConnection);
    }

    void drop(Connection *c, const QString &why)
    {
        if (c->closed)
            return;
        qCWarning(lcApi).noquote() << u"dropping API client %1 (#%2): %3"_s.arg(c->user).arg(c->id).arg(why);
        ++droppedCount;
        close(c);
    }

    void read(Connection *c)
    {
        if (c->closed)
            return;
        c->in += c->socket->readAll();
        c->lastActivity = clock.elapsed();
        process(c);
    }

    void process(Connection *c)
    {
        QVector<Api::Request> batch;
        qsizetype start = 0;
        while (!c->closed) {
            // A client far behind on its replies is not read further until it catches up.
            if (c->socket->bytesToWrite() > limits.maxUnreadReplies) {
                if (c->in.size() - start + c->socket->bytesToWrite() > limits.maxBacklog) {
                    drop(c, u"it does not read its replies"_s);
                    return;
                }
                break;
            }
            const qsizetype nl = c->in.indexOf('\n', start);
            if (nl < 0) {
                if (c->in.size() - start > Api::kMaxRequestBytes) {
                    if (!c->skipping)
                        send(c, Api::errorReply(QJsonValue::Null, Error::make(ErrorCode::InvalidRequest,
                                                                              u"the request is larger than 1 MiB and is ignored: at most %1 bytes are accepted"_s.arg(Api::kMaxRequestBytes))));
                    c->skipping = true;
                    start = c->in.size();
                }
                break;
            }
            const QByteArray line = c->in.mid(start, nl - start).trimmed();
            start = nl + 1;
            if (c->skipping) { // the tail of an oversized request
                c->skipping = false;
                continue;
            }
            if (line.isEmpty())
                continue;
            QJsonValue id;
            Expected<Api::Request> r = Api::parseRequest(line, &id);
            if (!r) {
                send(c, Api::errorReply(id, r.error()));
                continue;
            }
            batch.append(r.value());
        }
        if (c->closed)
            return;
        c->in.remove(0, start);
        if (!batch.isEmpty())
            commands->handle(c->id, c->user, batch);
    }

    void send(Connection *c, const QByteArray &bytes)
    {
        if (c->closed)
            return;
        c->socket->write(bytes);
        if (c->socket->bytesToWrite() > limits.maxBacklog)
            drop(c, u"it does not read what it receives"_s);
    }

    // Api::Replier
    void reply(quint64 client, const QByteArray &bytes) override
    {
        auto it = connections.find(client);
        if (it != connections.end())
            send(it->second.get(), bytes);
    }

    bool subscribe(quint64 client, const Api::EventSubscription &subscription) override
    {
        auto it = connections.find(client);
        if (it == connections.end() || it->second->closed)
            return false;
        Connection *c = it->second.get();
        if (!scheduler)
            return false; // a cluster node has no event stream
        if (!c->subscription.active && ++subscribers == 1)
            eventFeed = connect(scheduler, &Scheduler::eventsReady, this, [this](const EventBatch &events) { broadcast(events); },
                                Qt::QueuedConnection);
        c->subscription = subscription;
        c->subscription.active = true;
        return true;
    }

    void unsubscribe(Connection *c)
    {
        c->subscription.active = false;
        if (--subscribers == 0)
            disconnect(eventFeed);
    }

    void broadcast(const EventBatch &events)
    {
        std::vector<Connection *> targets;
        for (auto &[id, c] : connections) {
            if (c->subscription.active && !c->closed)
                targets.push_back(c.get());
        }
        commands->learnKeys(events);
        // Each event is written as JSON once, however many clients want it.
        std::vector<QByteArray> lines(events.size());
        std::vector<QByteArray> out(targets.size());
        for (size_t i = 0; i < size_t(events.size()); ++i) {
            const Event &e = events[qsizetype(i)];
            const QString key = commands->sessionKey(e.session);
            for (size_t t = 0; t < targets.size(); ++t) {
                if (!targets[t]->subscription.matches(e, key))
                    continue;
                if (lines[i].isEmpty())
                    lines[i] = commands->eventLine(e);
                out[t] += lines[i];
            }
        }
        for (size_t t = 0; t < targets.size(); ++t) {
            if (!out[t].isEmpty())
                send(targets[t], out[t]);
        }
    }

    void sweepIdle()
    {
        const qint64 now = clock.elapsed();
        std::vector<Connection *> idle;
        for (auto &[id, c] : connections) {
            if (!c->closed && !c->subscription.active && now - c->lastActivity > limits.idleMs)
                idle.push_back(c.get());
        }
        for (Connection *c : idle)
            drop(c, u"it said nothing for %1 ms"_s.arg(limits.idleMs));
    }
};

QString ApiServer::socketPath(const QString &name)
{
    const QString n = name.trimmed().isEmpty() ? u"yardmaster"_s : name.trimmed();
    if (n.contains(u'/'))
        return n;
    // $XDG_RUNTIME_DIR (a per-user 0700 directory), else a private directory of our own in /tmp.
    QString dir = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (dir.isEmpty())
        dir = QDir(QDir::tempPath()).filePath(u"yardmaster-%1"_s.arg(::getuid()));
    return QDir(dir).filePath(n.endsWith(u".sock"_s) ? n : n + u".sock"_s);
}

ApiServer::ApiServer()
    : d(std::make_unique<Private>())
{}

Expected<std::unique_ptr<ApiServer>> ApiServer::startCluster(const ClusterUrl &url, qint64 node, const QString &path,
                                                             const Limits &limits)
{
    std::unique_ptr<ApiServer> s(new ApiServer);
    s->d->cluster = url;
    s->d->clusterNode = node;
    return begin(std::move(s), path, limits);
}

Expected<std::unique_ptr<ApiServer>> ApiServer::start(Scheduler *scheduler, const QString &path,
                                                      const QString &databasePath, const Limits &limits)
{
    std::unique_ptr<ApiServer> s(new ApiServer);
    s->d->scheduler = scheduler;
    s->d->databasePath = databasePath;
    return begin(std::move(s), path, limits);
}

Expected<std::unique_ptr<ApiServer>> ApiServer::begin(std::unique_ptr<ApiServer> s, const QString &path,
                                                      const Limits &limits)
{
    s->d->limits = limits;
    s->d->path = path;
    s->m_thread = new QThread;
    s->m_thread->setObjectName(u"yard-api"_s);
    s->d->moveToThread(s->m_thread);
    s->m_thread->start();
    Error error;
    QSemaphore done;
    Private *p = s->d.get();
    QMetaObject::invokeMethod(p, [p, &error, &done] {
        error = p->listen();
        done.release();
    }, Qt::QueuedConnection);
    done.acquire();
    if (error.isError())
        return error; // the destructor stops the thread
    qCInfo(lcApi).noquote() << u"API listening on %1"_s.arg(path);
    return s;
}

ApiServer::~ApiServer()
{
    if (!m_thread)
        return;
    Private *p = d.release();
    // Deleted on its own thread, with its sockets and reader; the thread
    // quits from inside that event so the loop cannot end before it runs.
    QMetaObject::invokeMethod(p, [p] {
        p->stop();
        delete p;
        QThread::currentThread()->quit();
    }, Qt::QueuedConnection);
    m_thread->wait();
    delete m_thread;
}

QString ApiServer::path() const
{
    return d ? d->path : QString();
}

int ApiServer::clients() const
{
    return d ? d->clientCount.load() : 0;
}

int ApiServer::dropped() const
{
    return d ? d->droppedCount.load() : 0;
}

} // namespace Yard
