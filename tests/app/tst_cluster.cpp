// SPDX-License-Identifier: GPL-3.0-or-later
// Several headless nodes (real yardmaster processes) on one real PostgreSQL 15 (SPEC X1):
// draining a large workload, a node killed, a node frozen past its lease, a cluster-wide pause.
#include "cluster/clusterdb.h"

#include "pgserver.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlError>
#include <QTcpServer>
#include <QTcpSocket>
#include <QSqlQuery>
#include <QtTest>

#include <csignal>

using namespace Qt::StringLiterals;
using namespace Yard;

namespace {

struct NodeProcess
{
    std::unique_ptr<QProcess> process;
    qint64 id = 0;
    QString socketPath;
};

/// A TCP proxy to the server, in the test's event loop: cut() drops every connection and
/// refuses new ones (a network cut between a node and PostgreSQL), restore() lets them in again.
class CutProxy : public QObject
{
public:
    CutProxy(quint16 target)
        : m_target(target)
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] { accept(); });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, m_port); }
    quint16 port() const { return m_port ? m_port : m_server.serverPort(); }
    void cut()
    {
        m_port = m_server.serverPort();
        m_server.close();
        for (auto &pair : m_pairs) {
            pair.first->abort();
            pair.second->abort();
        }
        m_pairs.clear();
    }
    bool restore() { return listen(); }

private:
    void accept()
    {
        while (QTcpSocket *in = m_server.nextPendingConnection()) {
            auto out = std::make_shared<QTcpSocket>();
            std::shared_ptr<QTcpSocket> inside(in, [](QTcpSocket *s) { s->deleteLater(); });
            out->connectToHost(QHostAddress::LocalHost, m_target);
            QTcpSocket *o = out.get();
            QObject::connect(in, &QTcpSocket::readyRead, o, [in, o] { o->write(in->readAll()); });
            QObject::connect(o, &QTcpSocket::readyRead, in, [in, o] { in->write(o->readAll()); });
            QObject::connect(o, &QTcpSocket::disconnected, in, [in] { in->disconnectFromHost(); });
            QObject::connect(in, &QTcpSocket::disconnected, o, [o] { o->disconnectFromHost(); });
            m_pairs.push_back({inside, out});
        }
    }

    quint16 m_target;
    quint16 m_port = 0;
    QTcpServer m_server;
    std::vector<std::pair<std::shared_ptr<QTcpSocket>, std::shared_ptr<QTcpSocket>>> m_pairs;
};

} // namespace

class TestCluster : public QObject
{
    Q_OBJECT

    Test::PgServer m_server;
    std::unique_ptr<ClusterDb> m_db;
    std::vector<NodeProcess> m_nodes;
    QTemporaryDir m_sockets;
    int m_started = 0;

    struct Ctl
    {
        int exitCode = -1;
        QString out;
        QString err;
    };
    /// yardctl against the API of the `node`-th node started (0-based).
    Ctl yardctl(size_t node, const QStringList &args)
    {
        QProcess p;
        p.start(QStringLiteral(YARDCTL_BINARY), QStringList{u"--socket"_s, m_nodes.at(node).socketPath} + args);
        p.waitForFinished(30000);
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

    /// Starts `yardmaster --headless` on the cluster; returns its node id (0 on failure).
    qint64 startNode(int leaseMs, int cycleMs = 50, int capacity = 64, const QString &url = {})
    {
        NodeProcess node;
        node.process = std::make_unique<QProcess>();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"YARD_CLUSTER_LEASE_MS"_s, QString::number(leaseMs));
        env.insert(u"YARD_CLUSTER_CYCLE_MS"_s, QString::number(cycleMs));
        env.insert(u"YARD_CLUSTER_CAPACITY"_s, QString::number(capacity));
        env.insert(u"YARD_NODE_NAME"_s, u"node-%1"_s.arg(m_nodes.size() + 1));
        node.socketPath = m_sockets.filePath(u"node-%1.sock"_s.arg(++m_started));
        env.insert(u"XDG_CONFIG_HOME"_s, QDir::tempPath() + u"/yard-cluster-no-config"_s);
        node.process->setProcessEnvironment(env);
        node.process->setProcessChannelMode(QProcess::SeparateChannels);
        node.process->start(QStringLiteral(YARDMASTER_BINARY),
                            {u"--headless"_s, u"--db"_s, url.isEmpty() ? m_server.url() : url, u"--socket"_s,
                             node.socketPath});
        QByteArray out;
        // qWaitFor keeps the event loop running: a proxy in this process keeps forwarding.
        const bool said = QTest::qWaitFor([&] {
            out += node.process->readAllStandardOutput();
            return out.contains('\n') || node.process->state() == QProcess::NotRunning;
        }, 20000);
        Q_UNUSED(said); // the line itself is checked below
        const QRegularExpressionMatch m =
            QRegularExpression(u"cluster node (\\d+) running"_s).match(QString::fromUtf8(out));
        if (!m.hasMatch()) {
            qWarning("node did not start: %s %s", out.constData(), node.process->readAllStandardError().constData());
            return 0;
        }
        node.id = m.captured(1).toLongLong();
        m_nodes.push_back(std::move(node));
        return m_nodes.back().id;
    }
    QProcess *process(qint64 id)
    {
        for (NodeProcess &n : m_nodes) {
            if (n.id == id)
                return n.process.get();
        }
        return nullptr;
    }
    void stopNodes()
    {
        for (NodeProcess &n : m_nodes) {
            ::kill(pid_t(n.process->processId()), SIGCONT);
            n.process->terminate();
        }
        for (NodeProcess &n : m_nodes) {
            if (!n.process->waitForFinished(15000))
                n.process->kill();
            n.process->waitForFinished(5000);
        }
        m_nodes.clear();
    }
    qint64 scalar(const QString &sql)
    {
        QSqlQuery q(m_db->database());
        if (!q.exec(sql) || !q.next()) {
            qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
            return -1;
        }
        return q.value(0).toLongLong();
    }
    /// Submits `count` runs over `sessions` sessions, five of a session in a row (so a session's
    /// next run is among the first candidates while its previous one runs); every fifth
    /// session's runs go to the gpu lane.
    bool submit(int count, int sessions, int durationMs)
    {
        const QByteArray payload = QJsonDocument(QJsonObject{{u"duration_ms"_s, durationMs},
                                                             {u"distribution"_s, u"fixed"_s},
                                                             {u"steps"_s, 2}})
                                       .toJson(QJsonDocument::Compact);
        QVector<ClusterRunSpec> batch;
        for (int i = 0; i < count; ++i) {
            ClusterRunSpec r;
            const int s = (i / 5) % sessions;
            r.sessionKey = u"session-%1"_s.arg(s, 3, 10, QLatin1Char('0'));
            r.lane = s % 5 == 0 ? u"gpu"_s : u"default"_s;
            r.handler = u"simulate"_s;
            r.payloadJson = payload;
            batch.push_back(r);
            if (batch.size() == 1000 || i == count - 1) {
                auto ids = m_db->submit(batch);
                if (!ids) {
                    qWarning("%s", qPrintable(ids.error().message));
                    return false;
                }
                batch.clear();
            }
        }
        return true;
    }
    bool waitAllEnded(qint64 total, int timeoutMs)
    {
        return QTest::qWaitFor([&] {
            return scalar(u"SELECT count(*) FROM runs WHERE state IN ('completed', 'failed', 'needs_attention', 'cancelled')"_s)
                   == total;
        }, timeoutMs);
    }
    /// The cluster-wide invariants, from what every node recorded of every attempt.
    void checkInvariants(qint64 total, int defaultLimit, int gpuLimit)
    {
        // Every run ended exactly once: one accepted completion each, and its row says completed.
        QCOMPARE(scalar(u"SELECT count(*) FROM runs WHERE state = 'completed'"_s), total);
        QCOMPARE(scalar(u"SELECT count(*) FROM run_attempts WHERE outcome = 'completed'"_s), total);
        QCOMPARE(scalar(u"SELECT count(*) FROM (SELECT run_id FROM run_attempts WHERE outcome = 'completed' "
                        "GROUP BY run_id HAVING count(*) > 1) x"_s),
                 0);
        // No session ever had two runs executing at once under a valid lease. (An attempt whose
        // result was refused ran on past its lease, on a node that was frozen: the lease is what
        // makes the other node's attempt legitimate, and the refusal what keeps it intact.)
        QCOMPARE(scalar(u"SELECT count(*) FROM (SELECT a.started_us, max(a.ended_us) OVER (PARTITION BY r.session_key "
                        "ORDER BY a.started_us ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before "
                        "FROM run_attempts a JOIN runs r ON r.id = a.run_id WHERE a.started_us IS NOT NULL "
                        "AND a.outcome <> 'refused') x WHERE before > started_us"_s),
                 0);
        // ... and a session's runs completed in submission order.
        QCOMPARE(scalar(u"SELECT count(*) FROM (SELECT a.started_us, lag(a.started_us) OVER (PARTITION BY "
                        "r.session_key ORDER BY r.id) AS before FROM run_attempts a JOIN runs r ON r.id = a.run_id "
                        "WHERE a.outcome = 'completed') x WHERE before > started_us"_s),
                 0);
        // No lane ever ran more than its limit, counted over every node.
        const QString concurrency =
            u"WITH ev AS (SELECT r.lane, a.started_us AS t, 1 AS d FROM run_attempts a JOIN runs r ON r.id = a.run_id "
            "WHERE a.started_us IS NOT NULL AND a.outcome <> 'refused' UNION ALL SELECT r.lane, a.ended_us, -1 "
            "FROM run_attempts a JOIN runs r ON r.id = a.run_id WHERE a.started_us IS NOT NULL "
            "AND a.outcome <> 'refused'), "
            "c AS (SELECT lane, sum(d) OVER (PARTITION BY lane ORDER BY t, d ROWS UNBOUNDED PRECEDING) AS n FROM ev) "
            "SELECT coalesce(max(n), 0) FROM c WHERE lane = '%1'"_s;
        const qint64 defaultPeak = scalar(concurrency.arg(u"default"_s));
        const qint64 gpuPeak = scalar(concurrency.arg(u"gpu"_s));
        qInfo("peak concurrency: default %lld of %d, gpu %lld of %d", defaultPeak, defaultLimit, gpuPeak, gpuLimit);
        QVERIFY(defaultPeak > 0 && defaultPeak <= defaultLimit);
        QVERIFY(gpuPeak > 0 && gpuPeak <= gpuLimit);
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString error = m_server.start();
        if (!error.isEmpty())
            QFAIL(qPrintable(error)); // never passes without a real server
        auto db = ClusterDb::open(ClusterUrl::parse(m_server.url()).value(), u"test"_s);
        QVERIFY2(db, db ? "" : qPrintable(db.error().message));
        m_db = std::move(db).value();
    }
    void init()
    {
        QVERIFY(!m_db->exec(u"TRUNCATE runs, sessions, lanes, nodes, run_attempts, audit RESTART IDENTITY"_s).isError());
        QVERIFY(!m_db->setControl(false, false, {}, u"test"_s).isError());
    }
    void cleanup() { stopNodes(); }
    void cleanupTestCase() { m_db.reset(); }

    void drainsTogether_data()
    {
        QTest::addColumn<int>("nodes");
        QTest::newRow("two nodes") << 2;
        QTest::newRow("three nodes") << 3;
    }
    void drainsTogether()
    {
        QFETCH(int, nodes);
        const int total = 10000;
        QVERIFY(!m_db->setLane(u"default"_s, 24, false, u"test"_s).isError());
        QVERIFY(!m_db->setLane(u"gpu"_s, 4, false, u"test"_s).isError());
        QVERIFY(submit(total, 200, 6));
        QElapsedTimer took;
        took.start();
        for (int i = 0; i < nodes; ++i)
            QVERIFY(startNode(10000));
        QVERIFY2(waitAllEnded(total, 180000), "the cluster did not drain in time");
        qInfo("%d nodes drained %d runs in %lld ms", nodes, total, qlonglong(took.elapsed()));
        checkInvariants(total, 24, 4);
        QCOMPARE(scalar(u"SELECT count(*) FROM nodes WHERE completed > 0"_s), nodes); // every node took part
        QCOMPARE(scalar(u"SELECT count(*) FROM run_attempts WHERE outcome = 'refused'"_s), 0);
    }

    void killedNodeIsRecovered()
    {
        QVERIFY(!m_db->setLane(u"default"_s, 16, false, u"test"_s).isError());
        QVERIFY(!m_db->setLane(u"gpu"_s, 4, false, u"test"_s).isError());
        const int total = 600;
        QVERIFY(submit(total, 40, 150));
        const qint64 victim = startNode(1000);
        QVERIFY(victim);
        QTRY_VERIFY_WITH_TIMEOUT(scalar(u"SELECT count(*) FROM runs WHERE state = 'running' AND lease_owner = %1"_s
                                            .arg(victim)) >= 5,
                                 10000);
        const qint64 survivor = startNode(1000);
        QVERIFY(survivor);
        QProcess *p = process(victim);
        const qint64 held = scalar(u"SELECT count(*) FROM runs WHERE state = 'running' AND lease_owner = %1"_s.arg(victim));
        ::kill(pid_t(p->processId()), SIGKILL);
        p->waitForFinished(5000);
        const qint64 killedAt = scalar(u"SELECT CAST(extract(epoch FROM clock_timestamp()) * 1000000 AS bigint)"_s);
        QVERIFY2(waitAllEnded(total, 120000), "the survivor did not finish the work");
        checkInvariants(total, 16, 4);
        const qint64 recovered = scalar(u"SELECT count(*) FROM run_attempts WHERE outcome = 'lease_expired' AND node_id = %1"_s
                                            .arg(victim));
        qInfo("killed node held %lld runs; %lld recovered after their lease", held, recovered);
        QVERIFY(recovered >= 1);
        // Recovered runs ran again elsewhere, as their next attempt, only after the kill.
        QCOMPARE(scalar(u"SELECT count(*) FROM run_attempts a JOIN run_attempts e ON e.run_id = a.run_id "
                        "AND e.outcome = 'lease_expired' WHERE a.outcome = 'completed' AND "
                        "(a.node_id <> %1 OR a.attempt <> e.attempt + 1 OR a.started_us < %2)"_s
                            .arg(survivor)
                            .arg(killedAt)),
                 0);
        auto snapshot = m_db->snapshot();
        QVERIFY(snapshot);
        bool shownLost = false;
        for (const ClusterNodeRow &n : snapshot.value().nodes)
            shownLost |= n.id == victim && n.lost();
        QVERIFY2(shownLost, "the killed node is shown as not heartbeating");
    }

    void frozenNodeLateResultsAreRefused()
    {
        QVERIFY(!m_db->setLane(u"default"_s, 16, false, u"test"_s).isError());
        QVERIFY(!m_db->setLane(u"gpu"_s, 4, false, u"test"_s).isError());
        const int total = 200;
        QVERIFY(submit(total, 20, 400));
        const qint64 frozen = startNode(1000);
        QVERIFY(frozen);
        QTRY_VERIFY_WITH_TIMEOUT(scalar(u"SELECT count(*) FROM runs WHERE state = 'running' AND lease_owner = %1"_s
                                            .arg(frozen)) >= 5,
                                 10000);
        QProcess *p = process(frozen);
        ::kill(pid_t(p->processId()), SIGSTOP);
        const qint64 other = startNode(1000);
        QVERIFY(other);
        // The other node sweeps the frozen node's leases once they expire and runs the work again.
        QTRY_VERIFY_WITH_TIMEOUT(scalar(u"SELECT count(*) FROM run_attempts WHERE outcome = 'lease_expired' AND node_id = %1"_s
                                            .arg(frozen)) >= 1,
                                 15000);
        QTRY_VERIFY_WITH_TIMEOUT(scalar(u"SELECT count(*) FROM runs WHERE lease_owner = %1"_s.arg(frozen)) == 0, 15000);
        ::kill(pid_t(p->processId()), SIGCONT);
        // Thawed, it reports what it had in hand: every such result is refused.
        QTRY_VERIFY_WITH_TIMEOUT(scalar(u"SELECT count(*) FROM run_attempts WHERE outcome = 'refused' AND node_id = %1"_s
                                            .arg(frozen)) >= 1,
                                 15000);
        QVERIFY2(waitAllEnded(total, 120000), "the cluster did not finish the work");
        checkInvariants(total, 16, 4);
        // A refused result never overwrote the run: each such run completed in a later attempt.
        QCOMPARE(scalar(u"SELECT count(*) FROM run_attempts f JOIN runs r ON r.id = f.run_id WHERE f.outcome = 'refused' "
                        "AND NOT (r.state = 'completed' AND r.attempt > f.attempt)"_s),
                 0);
        QVERIFY(scalar(u"SELECT refused FROM nodes WHERE id = %1"_s.arg(frozen)) >= 1);
        // And the refused attempts are exactly the frozen node's, for runs recovered from it.
        QCOMPARE(scalar(u"SELECT count(*) FROM run_attempts f WHERE f.outcome = 'refused' AND (f.node_id <> %1 OR NOT EXISTS "
                        "(SELECT 1 FROM run_attempts e WHERE e.run_id = f.run_id AND e.outcome = 'lease_expired' "
                        "AND e.attempt = f.attempt))"_s.arg(frozen)),
                 0);
    }

    void cutOffNodeStopsItsRunsAndIsRefused()
    {
        QVERIFY(!m_db->setLane(u"default"_s, 16, false, u"test"_s).isError());
        QVERIFY(!m_db->setLane(u"gpu"_s, 4, false, u"test"_s).isError());
        CutProxy proxy(quint16(m_server.port()));
        QVERIFY(proxy.listen());
        const int leaseMs = 1500;
        const int total = 40; // eight sessions of five runs
        QVERIFY(submit(total, 20, 2500)); // runs longer than the lease: the cut catches them in flight
        const qint64 cutOff = startNode(leaseMs, 50, 64, m_server.url().replace(QString::number(m_server.port()),
                                                                                 QString::number(proxy.port())));
        QVERIFY(cutOff);
        QTRY_VERIFY_WITH_TIMEOUT(scalar(u"SELECT count(*) FROM runs WHERE state = 'running' AND lease_owner = %1"_s
                                            .arg(cutOff)) >= 5,
                                 10000);
        const qint64 other = startNode(leaseMs);
        QVERIFY(other);
        // The network between the first node and PostgreSQL goes.
        proxy.cut();
        const qint64 cutAt = scalar(u"SELECT CAST(extract(epoch FROM clock_timestamp()) * 1000000 AS bigint)"_s);
        QTRY_VERIFY_WITH_TIMEOUT(scalar(u"SELECT count(*) FROM run_attempts WHERE outcome = 'lease_expired' AND node_id = %1"_s
                                            .arg(cutOff)) >= 1,
                                 15000);
        // The cut-off node saw it could not renew for a whole lease and stopped its runs itself.
        QProcess *p = process(cutOff);
        QByteArray log;
        QTRY_VERIFY_WITH_TIMEOUT((log += p->readAllStandardError()).contains("run(s) stopped here"), 10000);
        // The network comes back: it reconnects, reports what it had, and every such result is refused.
        QVERIFY(proxy.restore());
        QTRY_VERIFY_WITH_TIMEOUT(scalar(u"SELECT count(*) FROM run_attempts WHERE outcome = 'refused' AND node_id = %1"_s
                                            .arg(cutOff)) >= 1,
                                 20000);
        QVERIFY2(waitAllEnded(total, 120000), "the cluster did not finish the work");
        checkInvariants(total, 16, 4);
        // What the cut-off node ran past its lease it ended within a lease (plus a cycle and a
        // worker's step) of losing the network: it did not keep going beside the new attempt.
        const qint64 lastEnd = scalar(u"SELECT coalesce(max(ended_us), 0) FROM run_attempts WHERE outcome = 'refused' "
                                      "AND node_id = %1"_s.arg(cutOff));
        qInfo("the cut-off node ended its last refused run %lld ms after the cut (lease %d ms)", (lastEnd - cutAt) / 1000,
              leaseMs);
        QVERIFY(lastEnd - cutAt <= qint64(leaseMs + 1500) * 1000);
        QCOMPARE(scalar(u"SELECT count(*) FROM run_attempts f JOIN runs r ON r.id = f.run_id WHERE f.outcome = 'refused' "
                        "AND NOT (r.state = 'completed' AND r.attempt > f.attempt)"_s),
                 0);
    }

    void newWorkIsClaimedAtOnce()
    {
        // A cycle of 5 s: without LISTEN/NOTIFY a submit would wait up to 5 s for a claim.
        const qint64 node = startNode(30000, 5000);
        QVERIFY(node);
        QTest::qWait(300); // the node's first cycle has run: the next one is 5 s away
        Ctl c = yardctl(0, {u"submit"_s, u"--session"_s, u"fast"_s, u"--text"_s, u"now"_s, u"--payload"_s,
                            u"{\"duration_ms\": 10, \"distribution\": \"fixed\", \"steps\": 1}"_s});
        QCOMPARE(c.exitCode, 0);
        QElapsedTimer took;
        took.start();
        QTRY_COMPARE_WITH_TIMEOUT(scalar(u"SELECT count(*) FROM runs WHERE session_key = 'fast' AND state = 'completed'"_s), 1,
                                  3000);
        qInfo("a submit on an idle node completed %lld ms later (cycle 5000 ms)", qlonglong(took.elapsed()));
        QCOMPARE(scalar(u"SELECT claimed FROM nodes WHERE id = %1"_s.arg(node)), 1);
    }

    void leavingNodeGivesItsRunsBack()
    {
        QVERIFY(!m_db->setLane(u"default"_s, 16, false, u"test"_s).isError());
        QVERIFY(!m_db->setLane(u"gpu"_s, 4, false, u"test"_s).isError());
        QVERIFY(submit(50, 10, 16000)); // ten sessions; two steps of 8 s: they cannot end within the 5 s grace
        const qint64 leaving = startNode(30000);
        QVERIFY(leaving);
        QTRY_VERIFY_WITH_TIMEOUT(scalar(u"SELECT count(*) FROM runs WHERE state = 'running'"_s) == 10, 10000);
        QProcess *p = process(leaving);
        QElapsedTimer took;
        took.start();
        p->terminate();
        QVERIFY(p->waitForFinished(20000));
        QVERIFY2(p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0,
                 qPrintable(QString::fromUtf8(p->readAllStandardOutput() + p->readAllStandardError())));
        QVERIFY2(took.elapsed() < 12000, "the node left within its grace period and a second");
        // Nothing was cancelled or lost: the runs in hand are queued again, as their next attempt.
        QCOMPARE(scalar(u"SELECT count(*) FROM runs WHERE state = 'cancelled'"_s), 0);
        QCOMPARE(scalar(u"SELECT count(*) FROM runs WHERE state = 'running'"_s), 0);
        QCOMPARE(scalar(u"SELECT count(*) FROM runs WHERE state = 'queued' AND attempt = 2"_s), 10);
        QCOMPARE(scalar(u"SELECT count(*) FROM nodes WHERE id = %1 AND state = 'stopped'"_s.arg(leaving)), 1);
        QCOMPARE(scalar(u"SELECT count(*) FROM sessions WHERE running_run IS NOT NULL"_s), 0);
    }

    void yardctlOnAnyNode()
    {
        QVERIFY(startNode(5000));
        QVERIFY(startNode(5000));
        Ctl c = yardctl(0, {u"submit"_s, u"--session"_s, u"ops-1"_s, u"--text"_s, u"hello"_s, u"--lane"_s, u"gpu"_s});
        QVERIFY2(c.exitCode == 0, qPrintable(c.err));
        QVERIFY2(c.out.contains(u"Run 1 queued in session ops-1 (on disk)"_s), qPrintable(c.out));
        QCOMPARE(scalar(u"SELECT count(*) FROM runs WHERE session_key = 'ops-1' AND lane = 'gpu'"_s), 1);
        // Pause through the second node: the first node's API reports it, and no node claims.
        c = yardctl(1, {u"pause"_s, u"--reason"_s, u"db upgrade"_s});
        QVERIFY2(c.exitCode == 0, qPrintable(c.err));
        c = yardctl(0, {u"status"_s});
        QVERIFY2(c.out.contains(u"PAUSED by api:"_s) && c.out.contains(u"db upgrade (every node)"_s), qPrintable(c.out));
        QVERIFY2(c.out.contains(u"2 heartbeating of 2"_s), qPrintable(c.out));
        c = yardctl(1, {u"submit"_s, u"--session"_s, u"ops-2"_s, u"--text"_s, u"while paused"_s});
        QCOMPARE(c.exitCode, 0); // accepted and durable, not started
        QTest::qWait(300); // several cycles of both nodes (50 ms): nothing may start meanwhile
        QCOMPARE(scalar(u"SELECT count(*) FROM runs WHERE session_key = 'ops-2' AND state = 'queued'"_s), 1);
        c = yardctl(0, {u"resume"_s});
        QCOMPARE(c.exitCode, 0);
        QTRY_COMPARE_WITH_TIMEOUT(scalar(u"SELECT count(*) FROM runs WHERE state = 'completed'"_s), 2, 10000);
        c = yardctl(1, {u"--json"_s, u"runs"_s, u"list"_s});
        QCOMPARE(c.exitCode, 0);
        QVERIFY2(c.out.contains(u"\"session\":\"ops-2\""_s), qPrintable(c.out));
        c = yardctl(0, {u"nodes"_s, u"list"_s});
        QVERIFY2(c.out.contains(u"node-1"_s) && c.out.contains(u"node-2"_s), qPrintable(c.out));
        // Drain waits until no node runs anything; the cluster stays draining until resumed.
        c = yardctl(0, {u"submit"_s, u"--session"_s, u"ops-3"_s, u"--text"_s, u"slow"_s, u"--payload"_s,
                        u"{\"duration_ms\": 800, \"distribution\": \"fixed\"}"_s});
        QCOMPARE(c.exitCode, 0);
        QTRY_COMPARE_WITH_TIMEOUT(scalar(u"SELECT count(*) FROM runs WHERE session_key = 'ops-3' AND state = 'running'"_s), 1,
                                  10000);
        c = yardctl(1, {u"drain"_s, u"--timeout"_s, u"30s"_s, u"--reason"_s, u"deploy"_s});
        QVERIFY2(c.exitCode == 0, qPrintable(c.out + c.err));
        QVERIFY2(c.out.contains(u"Drained: nothing runs on any node"_s), qPrintable(c.out));
        QCOMPARE(scalar(u"SELECT count(*) FROM runs WHERE session_key = 'ops-3' AND state = 'completed'"_s), 1);
        QTRY_COMPARE_WITH_TIMEOUT(scalar(u"SELECT count(*) FROM nodes WHERE state = 'draining'"_s), 2, 5000);
        QCOMPARE(yardctl(0, {u"resume"_s}).exitCode, 0);
        // A run that fails for good is retried as a new run.
        c = yardctl(0, {u"submit"_s, u"--session"_s, u"ops-4"_s, u"--text"_s, u"doomed"_s, u"--payload"_s,
                        u"{\"duration_ms\": 5, \"steps\": 1, \"fail_p\": 1, \"retryable\": false}"_s});
        QCOMPARE(c.exitCode, 0);
        QTRY_COMPARE_WITH_TIMEOUT(scalar(u"SELECT count(*) FROM runs WHERE session_key = 'ops-4' AND state = 'failed'"_s), 1,
                                  10000);
        const qint64 doomed = scalar(u"SELECT id FROM runs WHERE session_key = 'ops-4'"_s);
        c = yardctl(1, {u"runs"_s, u"retry"_s, QString::number(doomed), u"--reason"_s, u"fixed upstream"_s});
        QVERIFY2(c.exitCode == 0, qPrintable(c.out + c.err));
        QCOMPARE(scalar(u"SELECT count(*) FROM runs WHERE session_key = 'ops-4'"_s), 2);
        QCOMPARE(scalar(u"SELECT count(*) FROM audit WHERE action = 'run.retry'"_s), 1);
        // What only the single-node scheduler has is refused by name, not half-done.
        c = yardctl(0, {u"jobs"_s, u"list"_s});
        QVERIFY(c.exitCode != 0);
        QVERIFY2(c.err.contains(u"not served by a cluster node"_s), qPrintable(c.err));
    }

    void pauseStopsAdmissionEverywhere()
    {
        QVERIFY(!m_db->setLane(u"default"_s, 16, false, u"test"_s).isError());
        QVERIFY(!m_db->setLane(u"gpu"_s, 4, false, u"test"_s).isError());
        QVERIFY(submit(3000, 60, 100));
        const int cycleMs = 100;
        for (int i = 0; i < 3; ++i)
            QVERIFY(startNode(5000, cycleMs));
        QTRY_VERIFY_WITH_TIMEOUT(scalar(u"SELECT count(*) FROM runs WHERE state = 'completed'"_s) > 100, 20000);
        // One operator, one connection: the pause is in the database...
        QVERIFY(!m_db->setControl(true, false, u"maintenance window"_s, u"op"_s).isError());
        // ... and every node reports it within one cycle (plus a heartbeat's round trip).
        QElapsedTimer seen;
        seen.start();
        QTRY_VERIFY_WITH_TIMEOUT(scalar(u"SELECT count(*) FROM nodes WHERE state = 'paused'"_s) == 3, 5000);
        qInfo("every node showed the pause after %lld ms (cycle %d ms)", qlonglong(seen.elapsed()), cycleMs);
        QVERIFY(seen.elapsed() <= 2 * cycleMs + 500);
        // No claim committed after the pause: nothing started after it on any node.
        QCOMPARE(scalar(u"SELECT count(*) FROM runs WHERE started_at > (SELECT changed_at FROM control)"_s), 0);
        const qint64 queued = scalar(u"SELECT count(*) FROM runs WHERE state = 'queued'"_s);
        QVERIFY(queued > 0);
        QTRY_COMPARE_WITH_TIMEOUT(scalar(u"SELECT count(*) FROM runs WHERE state = 'running'"_s), 0, 10000);
        QTest::qWait(3 * cycleMs); // a paused cluster stays idle: nothing to wait for, so time must pass
        QCOMPARE(scalar(u"SELECT count(*) FROM runs WHERE state = 'queued'"_s), queued);
        QVERIFY(!m_db->setControl(false, false, {}, u"op"_s).isError());
        QTRY_VERIFY_WITH_TIMEOUT(scalar(u"SELECT count(*) FROM runs WHERE state = 'queued'"_s) < queued, 5000);
    }
};

QTEST_GUILESS_MAIN(TestCluster)
#include "tst_cluster.moc"
