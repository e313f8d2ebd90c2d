// SPDX-License-Identifier: GPL-3.0-or-later
#include "apiserver.h"

#include "apicommands.h"

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

constexpr qsizetype kMaxUnreadReplies = 4 * 1024 * 1024; ///< a client this far behind is not read
constexpr qsizetype kMaxBacklog = 16 * 1024 * 1024;      ///< …and past this it is dropped
constexpr qint64 kIdleMs = 10 * 60'000;                  ///< a silent client is closed after this

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
    };

    Scheduler *scheduler = nullptr;
    QString path;
    QString databasePath;
    QLocalServer *server = nullptr;
    std::unique_ptr<StoreReader> reader;
    std::unique_ptr<Api::Commands> commands;
    std::unordered_map<QLocalSocket *, std::unique_ptr<Connection>> connections;
    std::unordered_map<quint64, Connection *> byId;
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
        if (!databasePath.isEmpty())
            reader = std::make_unique<StoreReader>(databasePath);
        commands = std::make_unique<Api::Commands>(scheduler, reader.get(), this, this);
        idleSweep = new QTimer(this);
        idleSweep->setInterval(30'000);
        connect(idleSweep, &QTimer::timeout, this, [this] { sweepIdle(); });
        idleSweep->start();
        return {};
    }

    void stop()
    {
        for (auto &[socket, c] : connections) {
            if (c->socket)
                c->socket->disconnect(this);
        }
        connections.clear();
        byId.clear();
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
            byId[c->id] = c.get();
            c->user = peerUser(socket);
            c->lastActivity = clock.elapsed();
            Connection *raw = c.get();
            connections[socket] = std::move(c);
            ++clientCount;
            connect(socket, &QLocalSocket::readyRead, this, [this, raw] { read(raw); });
            connect(socket, &QLocalSocket::bytesWritten, this, [this, raw] {
                // It read some replies: what it sent meanwhile is read now.
                if (raw->socket && raw->socket->bytesToWrite() < kMaxUnreadReplies && !raw->in.isEmpty())
                    process(raw);
            });
            connect(socket, &QLocalSocket::disconnected, this, [this, socket] { forget(socket); });
        }
    }

    void forget(QLocalSocket *socket)
    {
        auto it = connections.find(socket);
        if (it == connections.end())
            return;
        if (it->second->subscription.active)
            unsubscribe(it->second.get());
        byId.erase(it->second->id);
        connections.erase(it); // half a line it sent is dropped with it
        --clientCount;
        socket->deleteLater();
    }

    void drop(Connection *c, const QString &why)
    {
        qCWarning(lcApi).noquote() << u"dropping API client %1: %2"_s.arg(c->user, why);
        if (QLocalSocket *s = c->socket) {
            s->abort();
            forget(s);
        }
    }

    void read(Connection *c)
    {
        if (!c->socket)
            return;
        c->in += c->socket->readAll();
        c->lastActivity = clock.elapsed();
        process(c);
    }

    void process(Connection *c)
    {
        QVector<Api::Request> batch;
        qsizetype start = 0;
        while (c->socket) {
            // A client far behind on its replies is not read further until it catches up.
            if (c->socket->bytesToWrite() > kMaxUnreadReplies) {
                if (c->in.size() - start + c->socket->bytesToWrite() > kMaxBacklog) {
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
                                                                              u"the request is larger than %1 bytes and is ignored"_s.arg(Api::kMaxRequestBytes))));
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
        if (!c->socket)
            return;
        c->in.remove(0, start);
        if (!batch.isEmpty())
            commands->handle(c->id, c->user, batch);
    }

    void send(Connection *c, const QByteArray &bytes)
    {
        if (!c->socket)
            return;
        c->socket->write(bytes);
        if (c->socket->bytesToWrite() > kMaxBacklog)
            drop(c, u"it does not read what it receives"_s);
    }

    // Api::Replier
    void reply(quint64 client, const QByteArray &bytes) override
    {
        auto it = byId.find(client);
        if (it != byId.end())
            send(it->second, bytes);
    }

    bool subscribe(quint64 client, const Api::EventSubscription &subscription) override
    {
        auto it = byId.find(client);
        if (it == byId.end())
            return false;
        Connection *c = it->second;
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
        for (auto &[socket, c] : connections) {
            if (c->subscription.active)
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
                    lines[i] = Api::eventLine(commands->eventJson(e));
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
        for (auto &[socket, c] : connections) {
            if (!c->subscription.active && now - c->lastActivity > kIdleMs)
                idle.push_back(c.get());
        }
        for (Connection *c : idle)
            drop(c, u"it said nothing for %1 minutes"_s.arg(kIdleMs / 60'000));
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

Expected<std::unique_ptr<ApiServer>> ApiServer::start(Scheduler *scheduler, const QString &path,
                                                      const QString &databasePath)
{
    std::unique_ptr<ApiServer> s(new ApiServer);
    s->d->scheduler = scheduler;
    s->d->path = path;
    s->d->databasePath = databasePath;
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
    QMetaObject::invokeMethod(p, [p] {
        p->stop();
        delete p; // on its own thread, with its sockets and reader
    }, Qt::QueuedConnection);
    m_thread->quit();
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

} // namespace Yard
