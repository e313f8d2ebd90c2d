// SPDX-License-Identifier: GPL-3.0-or-later
// The local API server (SPEC I2) with real sockets: every kind of bad request gets a JSON error
// with an S3 code while the connection and the server carry on; a client that never reads is
// dropped without costing the server's memory; a silent client is closed; a submit is
// acknowledged only once its run is on disk; the event stream honours its filter.
#include "tempdatabase.h"

#include "api/apiprotocol.h"
#include "api/apiserver.h"
#include "engine/scheduler.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace Yard;
using namespace Qt::StringLiterals;

namespace {

/// A client that speaks the wire protocol by hand.
class RawClient
{
public:
    explicit RawClient(const QString &path)
    {
        m_socket.connectToServer(path);
        m_connected = m_socket.waitForConnected(5000);
    }
    bool connected() const { return m_connected; }
    QLocalSocket &socket() { return m_socket; }

    void send(const QByteArray &bytes)
    {
        m_socket.write(bytes);
        m_socket.flush();
    }
    void request(const QJsonObject &o) { send(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n'); }

    /// The next line as JSON; empty when nothing came within `ms`.
    QJsonObject next(int ms = 10000)
    {
        QDeadlineTimer deadline(ms);
        while (!m_in.contains('\n')) {
            if (deadline.hasExpired() || m_socket.state() != QLocalSocket::ConnectedState)
                if (m_socket.bytesAvailable() == 0)
                    return {};
            m_socket.waitForReadyRead(50);
            m_in += m_socket.readAll();
        }
        const qsizetype nl = m_in.indexOf('\n');
        const QByteArray line = m_in.left(nl);
        m_in.remove(0, nl + 1);
        return QJsonDocument::fromJson(line).object();
    }
    /// The reply to a request (event lines skipped).
    QJsonObject reply(int ms = 10000)
    {
        for (;;) {
            const QJsonObject o = next(ms);
            if (o.isEmpty() || !o.contains(u"event"_s))
                return o;
        }
    }
    bool pong()
    {
        request({{u"id"_s, u"p"_s}, {u"command"_s, u"ping"_s}});
        const QJsonObject r = reply();
        return r.value(u"ok"_s).toBool() && r.value(u"id"_s) == u"p"_s;
    }

private:
    QLocalSocket m_socket;
    QByteArray m_in;
    bool m_connected = false;
};

QString errorCode(const QJsonObject &reply)
{
    return reply.value(u"error"_s).toObject().value(u"code"_s).toString();
}

QString errorMessage(const QJsonObject &reply)
{
    return reply.value(u"error"_s).toObject().value(u"message"_s).toString();
}

} // namespace

class tst_ApiServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void badRequestsGetAnErrorAndTheConnectionGoesOn_data();
    void badRequestsGetAnErrorAndTheConnectionGoesOn();
    void oversizedRequestIsRefusedAndTheNextOneServed();
    void halfALineThenDisconnect();
    void aClientThatNeverReadsIsDropped();
    void manyRequestsBeforeReadingAreAllAnswered();
    void aSilentClientIsClosed();
    void submitIsAcknowledgedOnceOnDisk();
    void eventsFollowTheirFilter();
    void socketIsPrivateAndNotShared();
    void everyReplyCarriesTheVersion();
    void jobsArePagedAndFiltered();

private:
    void startServer(const ApiServer::Limits &limits = {});

    std::unique_ptr<Test::TempDatabase> m_dir;
    std::unique_ptr<Scheduler> m_scheduler;
    std::unique_ptr<ApiServer> m_server;
    QString m_path;
};

void tst_ApiServer::init()
{
    m_dir = std::make_unique<Test::TempDatabase>();
    SchedulerOptions options;
    options.databasePath = m_dir->path();
    auto s = Scheduler::open(options);
    QVERIFY2(s, qPrintable(s.error().toString()));
    m_scheduler = std::move(s).value();
    m_path = m_dir->path(u"api.sock"_s);
}

void tst_ApiServer::cleanup()
{
    m_server.reset();
    if (m_scheduler)
        m_scheduler->shutdown(5000);
    m_scheduler.reset();
    m_dir.reset();
}

void tst_ApiServer::startServer(const ApiServer::Limits &limits)
{
    auto server = ApiServer::start(m_scheduler.get(), m_path, m_dir->path(), limits);
    QVERIFY2(server, qPrintable(server.error().toString()));
    m_server = std::move(server).value();
}

void tst_ApiServer::badRequestsGetAnErrorAndTheConnectionGoesOn_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("message");
    QTest::newRow("invalid JSON") << QByteArray("{\"id\": 1, \"command\": ") << u"invalid JSON at byte"_s;
    QTest::newRow("not UTF-8 JSON") << QByteArray("\xff\xfe\x01") << u"invalid JSON"_s;
    QTest::newRow("an array") << QByteArray("[1, 2]") << u"a request must be a JSON object"_s;
    QTest::newRow("no command") << QByteArray("{\"id\": 1}") << u"the request has no \"command\""_s;
    QTest::newRow("command not a string") << QByteArray("{\"id\": 1, \"command\": 5}")
                                          << u"\"command\" must be a string, not a number"_s;
    QTest::newRow("unknown command") << QByteArray("{\"id\": 1, \"command\": \"launch\"}")
                                     << u"unknown command \"launch\" (known: ping, status"_s;
    QTest::newRow("unknown runs action") << QByteArray("{\"id\": 1, \"command\": \"runs.explode\"}")
                                         << u"unknown command \"runs.explode\""_s;
    QTest::newRow("limit a string") << QByteArray("{\"id\": 1, \"command\": \"runs.list\", \"limit\": \"10\"}")
                                    << u"\"limit\" must be a whole number from 1 to 1000, not a string"_s;
    QTest::newRow("limit a fraction") << QByteArray("{\"id\": 1, \"command\": \"sessions.list\", \"limit\": 2.5}")
                                      << u"\"limit\" must be a whole number from 1 to 1000, not 2.5"_s;
    QTest::newRow("session a number") << QByteArray("{\"id\": 1, \"command\": \"submit\", \"session\": 5, \"text\": \"x\"}")
                                      << u"\"session\" must be a non-empty string, not a number"_s;
    QTest::newRow("no session") << QByteArray("{\"id\": 1, \"command\": \"submit\", \"text\": \"x\"}")
                                << u"\"session\" is required"_s;
    QTest::newRow("bad priority") << QByteArray("{\"id\": 1, \"command\": \"submit\", \"session\": \"s\", \"priority\": \"asap\"}")
                                  << u"unknown priority \"asap\""_s;
    QTest::newRow("payload a string") << QByteArray("{\"id\": 1, \"command\": \"submit\", \"session\": \"s\", \"payload\": \"{}\"}")
                                      << u"\"payload\" must be an object, not a string"_s;
    QTest::newRow("pause without reason") << QByteArray("{\"id\": 1, \"command\": \"pause\"}") << u"pause needs a \"reason\""_s;
    QTest::newRow("dry_run a string") << QByteArray("{\"id\": 1, \"command\": \"runs.cancel\", \"ids\": [1], \"dry_run\": \"yes\"}")
                                      << u"\"dry_run\" must be true or false, not a string"_s;
    QTest::newRow("ids not a list") << QByteArray("{\"id\": 1, \"command\": \"runs.cancel\", \"ids\": 7}")
                                    << u"\"ids\" must be a list of run ids"_s;
    QTest::newRow("neither ids nor filter") << QByteArray("{\"id\": 1, \"command\": \"runs.retry\"}")
                                            << u"runs.retry needs either \"ids\" or a \"filter\""_s;
    QTest::newRow("unknown run filter") << QByteArray("{\"id\": 1, \"command\": \"runs.cancel\", \"filter\": {\"colour\": \"red\"}}")
                                        << u"unknown filter \"colour\""_s;
    QTest::newRow("unknown state") << QByteArray("{\"id\": 1, \"command\": \"runs.list\", \"state\": \"sleeping\"}")
                                   << u"unknown run state \"sleeping\""_s;
    QTest::newRow("unknown event filter") << QByteArray("{\"id\": 1, \"command\": \"events.subscribe\", \"filter\": {\"colour\": 1}}")
                                          << u"unknown event filter \"colour\""_s;
    QTest::newRow("unknown event type") << QByteArray("{\"id\": 1, \"command\": \"events.subscribe\", \"filter\": {\"types\": [\"run.exploded\"]}}")
                                        << u"unknown event type \"run.exploded\""_s;
    QTest::newRow("job without definition") << QByteArray("{\"id\": 1, \"command\": \"jobs.create\"}")
                                            << u"\"job\" must hold the job's definition"_s;
    QTest::newRow("job with a bad cron") << QByteArray("{\"id\": 1, \"command\": \"jobs.create\", \"job\": {\"name\": \"n\", \"type\": \"simulate\", \"schedule\": {\"cron\": \"61 * * * *\"}}}")
                                         << u"minute"_s;
    QTest::newRow("lane limit negative") << QByteArray("{\"id\": 1, \"command\": \"lanes.set\", \"name\": \"main\", \"limit\": -1}")
                                         << u"\"limit\" must be a whole number from 0 to 100000, not -1"_s;
    QTest::newRow("task caps not strings") << QByteArray("{\"id\": 1, \"command\": \"task.create\", \"requires\": [1]}")
                                           << u"\"requires\" must hold strings only, not a number"_s;
}

void tst_ApiServer::badRequestsGetAnErrorAndTheConnectionGoesOn()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, message);
    startServer();
    RawClient bad(m_path);
    RawClient other(m_path);
    QVERIFY(bad.connected() && other.connected());
    bad.send(line + '\n');
    const QJsonObject reply = bad.reply();
    QCOMPARE(reply.value(u"ok"_s).toBool(true), false);
    QCOMPARE(reply.value(u"v"_s).toInt(), Api::kVersion);
    QVERIFY2(!errorCode(reply).isEmpty(), QJsonDocument(reply).toJson().constData());
    QVERIFY2(errorMessage(reply).contains(message), qPrintable(errorMessage(reply)));
    if (QJsonDocument::fromJson(line).object().contains(u"id"_s))
        QCOMPARE(reply.value(u"id"_s).toInt(), 1); // the id is echoed whenever it could be read
    // The connection carries on, and so does everyone else.
    QVERIFY(bad.pong());
    QVERIFY(other.pong());
    QCOMPARE(m_server->clients(), 2);
}

void tst_ApiServer::oversizedRequestIsRefusedAndTheNextOneServed()
{
    startServer();
    RawClient c(m_path);
    QVERIFY(c.connected());
    // Just under the limit is served…
    QByteArray fits = R"({"id": "fits", "command": "ping", "pad": ")";
    fits += QByteArray(Api::kMaxRequestBytes - fits.size() - 2, 'x') + "\"}";
    QCOMPARE(fits.size(), Api::kMaxRequestBytes);
    c.send(fits + '\n');
    QCOMPARE(c.reply().value(u"id"_s).toString(), u"fits"_s);
    // …one byte more is refused, in pieces as a client would send it, and skipped to its end.
    QByteArray big = R"({"id": "big", "command": "ping", "pad": ")";
    big += QByteArray(Api::kMaxRequestBytes - big.size() - 1, 'x') + "\"}";
    for (qsizetype i = 0; i < big.size(); i += 64 * 1024)
        c.send(big.mid(i, 64 * 1024));
    c.send("\n");
    const QJsonObject refused = c.reply();
    QCOMPARE(errorCode(refused), u"invalid_request"_s);
    QVERIFY2(errorMessage(refused).contains(u"at most 1048576 bytes are accepted"_s), qPrintable(errorMessage(refused)));
    QVERIFY(c.pong()); // nothing of the big one is read as a request
    QCOMPARE(c.next(200), QJsonObject());
}

void tst_ApiServer::halfALineThenDisconnect()
{
    startServer();
    RawClient other(m_path);
    {
        RawClient half(m_path);
        QVERIFY(half.connected());
        QTRY_COMPARE(m_server->clients(), 2);
        half.send(R"({"id": 1, "command": "sub)");
        half.socket().disconnectFromServer();
    }
    QTRY_COMPARE(m_server->clients(), 1);
    QVERIFY(other.pong());
    // And a new client starts clean: nothing of the half line is left for it.
    RawClient next(m_path);
    QVERIFY(next.pong());
}

void tst_ApiServer::aClientThatNeverReadsIsDropped()
{
    ApiServer::Limits limits;
    limits.maxUnreadReplies = 64 * 1024;
    limits.maxBacklog = 256 * 1024;
    startServer(limits);
    RawClient greedy(m_path);
    RawClient other(m_path);
    QVERIFY(greedy.connected() && other.connected());
    // 1,000 requests whose replies (about 1.5 KB each) it never reads, then more and more.
    QByteArray burst;
    for (int i = 0; i < 1000; ++i)
        burst += R"({"id": )" + QByteArray::number(i) + R"(, "command": "status"})" "\n";
    for (int round = 0; round < 40 && greedy.socket().state() == QLocalSocket::ConnectedState; ++round) {
        greedy.send(burst);
        QTest::qWait(20);
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_server->dropped(), 1, 15000);
    QTRY_COMPARE(greedy.socket().state(), QLocalSocket::UnconnectedState);
    QVERIFY(other.pong());
    QCOMPARE(m_server->clients(), 1);
}

void tst_ApiServer::manyRequestsBeforeReadingAreAllAnswered()
{
    startServer();
    RawClient c(m_path);
    QVERIFY(c.connected());
    QByteArray burst;
    for (int i = 0; i < 1000; ++i)
        burst += R"({"id": )" + QByteArray::number(i) + R"(, "command": "ping"})" "\n";
    c.send(burst);
    // It does not read the replies while they pile up (most of them already here).
    QTRY_VERIFY(c.socket().bytesAvailable() > 500 * 30);
    for (int i = 0; i < 1000; ++i) {
        const QJsonObject r = c.reply();
        QCOMPARE(r.value(u"id"_s).toInt(-1), i); // in order, none lost
    }
    QCOMPARE(m_server->dropped(), 0);
}

void tst_ApiServer::aSilentClientIsClosed()
{
    ApiServer::Limits limits;
    limits.idleMs = 300;
    limits.sweepMs = 50;
    startServer(limits);
    RawClient silent(m_path);
    RawClient follower(m_path);
    QVERIFY(silent.connected() && follower.connected());
    follower.request({{u"id"_s, 1}, {u"command"_s, u"events.subscribe"_s}});
    QVERIFY(follower.reply().value(u"ok"_s).toBool());
    QTRY_COMPARE_WITH_TIMEOUT(silent.socket().state(), QLocalSocket::UnconnectedState, 5000);
    QCOMPARE(m_server->dropped(), 1);
    // A client following events says nothing on purpose: it stays.
    QCOMPARE(follower.socket().state(), QLocalSocket::ConnectedState);
    QVERIFY(follower.pong());
}

void tst_ApiServer::submitIsAcknowledgedOnceOnDisk()
{
    startServer();
    RawClient c(m_path);
    QVERIFY(c.connected());
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"peek"_s);
    db.setDatabaseName(m_dir->path());
    QVERIFY(db.open());
    for (int i = 0; i < 20; ++i) {
        c.request({{u"id"_s, i},
                   {u"command"_s, u"submit"_s},
                   {u"session"_s, u"durable"_s},
                   {u"text"_s, u"message %1"_s.arg(i)},
                   {u"payload"_s, QJsonObject{{u"duration_ms"_s, 1}}}});
        const QJsonObject r = c.reply();
        QVERIFY2(r.value(u"ok"_s).toBool(), QJsonDocument(r).toJson().constData());
        const qint64 run = r.value(u"result"_s).toObject().value(u"run"_s).toInteger();
        QVERIFY(run > 0);
        // The moment the reply is read, another connection finds the run in the file.
        QSqlQuery q(db);
        QVERIFY(q.exec(u"SELECT count(*) FROM runs WHERE id = %1"_s.arg(run)) && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"peek"_s);
}

void tst_ApiServer::eventsFollowTheirFilter()
{
    startServer();
    RawClient follower(m_path);
    RawClient submitter(m_path);
    follower.request({{u"id"_s, 1},
                      {u"command"_s, u"events.subscribe"_s},
                      {u"filter"_s, QJsonObject{{u"types"_s, QJsonArray{u"run.queued"_s}}, {u"session"_s, u"mine"_s}}}});
    QVERIFY(follower.reply().value(u"ok"_s).toBool());
    for (const QString &session : {u"theirs"_s, u"mine"_s}) {
        submitter.request({{u"id"_s, session}, {u"command"_s, u"submit"_s}, {u"session"_s, session}, {u"text"_s, u"hi"_s}});
        QVERIFY(submitter.reply().value(u"ok"_s).toBool());
    }
    const QJsonObject line = follower.next();
    QCOMPARE(line.value(u"v"_s).toInt(), Api::kVersion);
    const QJsonObject e = line.value(u"event"_s).toObject();
    QCOMPARE(e.value(u"event"_s).toString(), u"run.queued"_s);
    QCOMPARE(e.value(u"session"_s).toString(), u"mine"_s); // named by key, a session created after the subscription
    QVERIFY(e.value(u"t"_s).toString().endsWith(u'Z'));
    QCOMPARE(follower.next(300), QJsonObject()); // nothing of "theirs", and no other types
}

void tst_ApiServer::socketIsPrivateAndNotShared()
{
    startServer();
    const QFile::Permissions p = QFileInfo(m_path).permissions();
    QVERIFY(p & QFile::ReadOwner);
    QCOMPARE(p & (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther), QFile::Permissions());
    auto second = ApiServer::start(m_scheduler.get(), m_path, m_dir->path());
    QVERIFY(!second);
    QVERIFY2(second.error().message.contains(u"another Yardmaster already serves the API"_s), qPrintable(second.error().message));
    RawClient c(m_path);
    QVERIFY(c.pong()); // the refused one took nothing from the first
}

void tst_ApiServer::everyReplyCarriesTheVersion()
{
    startServer();
    RawClient c(m_path);
    for (const QString &command : {u"status"_s, u"stats"_s, u"cycles"_s, u"sessions.list"_s, u"runs.list"_s, u"jobs.list"_s,
                                   u"lanes.list"_s}) {
        c.request({{u"id"_s, command}, {u"command"_s, command}});
        const QJsonObject r = c.reply();
        QCOMPARE(r.value(u"v"_s).toInt(), Api::kVersion);
        QVERIFY2(r.value(u"ok"_s).toBool(), qPrintable(command + QString::fromUtf8(QJsonDocument(r).toJson())));
        QCOMPARE(r.value(u"id"_s).toString(), command);
    }
}

void tst_ApiServer::jobsArePagedAndFiltered()
{
    startServer();
    RawClient c(m_path);
    for (int i = 0; i < 5; ++i) {
        c.request({{u"id"_s, i}, {u"command"_s, u"jobs.create"_s}, {u"reason"_s, u"test"_s},
                   {u"job"_s, QJsonObject{{u"name"_s, i % 2 ? u"odd-%1"_s.arg(i) : u"even-%1"_s.arg(i)},
                                          {u"type"_s, i < 3 ? u"noop"_s : u"simulate"_s},
                                          {u"enabled"_s, i != 4},
                                          {u"schedule"_s, QJsonObject{{u"cron"_s, u"0 * * * *"_s}}}}}});
        QVERIFY2(c.reply().value(u"ok"_s).toBool(), "jobs.create");
    }
    auto list = [&](const QJsonObject &params) {
        QJsonObject req{{u"id"_s, u"l"_s}, {u"command"_s, u"jobs.list"_s}};
        for (auto it = params.begin(); it != params.end(); ++it)
            req.insert(it.key(), it.value());
        c.request(req);
        return c.reply();
    };
    auto names = [](const QJsonObject &r) {
        QStringList n;
        for (const QJsonValue &j : r[u"result"_s][u"jobs"_s].toArray())
            n << j[u"job"_s][u"name"_s].toString();
        return n;
    };
    QJsonObject r = list({{u"limit"_s, 2}});
    QCOMPARE(names(r), (QStringList{u"even-0"_s, u"odd-1"_s}));
    QCOMPARE(r[u"result"_s][u"total"_s].toInt(), 5);
    r = list({{u"limit"_s, 2}, {u"offset"_s, 4}});
    QCOMPARE(names(r), QStringList{u"even-4"_s});
    QCOMPARE(names(list({{u"search"_s, u"ODD"_s}})), (QStringList{u"odd-1"_s, u"odd-3"_s}));
    QCOMPARE(names(list({{u"type"_s, u"simulate"_s}})), (QStringList{u"odd-3"_s, u"even-4"_s}));
    QCOMPARE(names(list({{u"enabled"_s, false}})), QStringList{u"even-4"_s});
    const qint64 third = list({})[u"result"_s][u"jobs"_s][2][u"id"_s].toInteger();
    QCOMPARE(names(list({{u"job_id"_s, third}})), QStringList{u"even-2"_s});
    r = list({{u"limit"_s, 0}});
    QVERIFY(!r[u"ok"_s].toBool());
    QVERIFY2(r[u"error"_s][u"message"_s].toString().contains(u"limit"_s), qPrintable(QString::fromUtf8(QJsonDocument(r).toJson())));
}

QTEST_GUILESS_MAIN(tst_ApiServer)
#include "tst_apiserver.moc"
