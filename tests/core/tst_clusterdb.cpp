// SPDX-License-Identifier: GPL-3.0-or-later
// The cluster's database operations on a real PostgreSQL 15 (SPEC X1): claims, leases, sweeps,
// late results, pause, operator actions.
#include "cluster/clusterdb.h"
#include "cluster/clusterschema.h"

#include "pgserver.h"

#include <QSqlQuery>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace Yard;

class TestClusterDb : public QObject
{
    Q_OBJECT

    Test::PgServer m_server;
    std::unique_ptr<ClusterDb> m_db;
    int m_connections = 0;

    std::unique_ptr<ClusterDb> connect()
    {
        auto db = ClusterDb::open(ClusterUrl::parse(m_server.url()).value(), u"test-%1"_s.arg(++m_connections));
        if (!db)
            qWarning("%s", qPrintable(db.error().message));
        return db ? std::move(db).value() : nullptr;
    }
    QVector<qint64> submit(const QStringList &sessions, const QString &lane = u"default"_s, int maxAttempts = 3)
    {
        QVector<ClusterRunSpec> runs;
        for (const QString &s : sessions) {
            ClusterRunSpec r;
            r.sessionKey = s;
            r.lane = lane;
            r.handler = u"simulate"_s;
            r.maxAttempts = maxAttempts;
            runs.push_back(r);
        }
        auto ids = m_db->submit(runs);
        return ids ? ids.value() : QVector<qint64>();
    }
    static QVector<qint64> ids(const QVector<ClaimedRun> &runs)
    {
        QVector<qint64> out;
        for (const ClaimedRun &r : runs)
            out << r.id;
        return out;
    }
    ClusterCompletion done(const ClaimedRun &r, const QString &state = u"completed"_s)
    {
        ClusterCompletion c;
        c.id = r.id;
        c.attempt = r.attempt;
        c.outcome = c.nextState = state;
        return c;
    }
    int sweep()
    {
        auto swept = m_db->sweepExpiredLeases();
        if (!swept)
            qWarning("%s", qPrintable(swept.error().message));
        return swept ? swept.value() : -1;
    }
    /// Sweeps until a lease expired (QTRY_COMPARE would sweep again to compare).
    int sweepUntilSome()
    {
        int swept = 0;
        if (!QTest::qWaitFor([&] { return (swept = sweep()) != 0; }, 5000))
            return 0;
        return swept;
    }
    QString scalar(const QString &sql)
    {
        QSqlQuery q(m_db->database());
        if (!q.exec(sql) || !q.next())
            return u"<error>"_s;
        return q.value(0).toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString error = m_server.start();
        if (!error.isEmpty())
            QFAIL(qPrintable(error)); // never passes without a real server
        m_db = connect();
        QVERIFY(m_db);
    }
    void init()
    {
        QVERIFY(!m_db->exec(u"TRUNCATE runs, sessions, lanes, nodes, run_attempts, audit RESTART IDENTITY"_s).isError());
        QVERIFY(!m_db->exec(u"UPDATE control SET paused = false, draining = false"_s).isError());
    }
    void cleanupTestCase() { m_db.reset(); }

    void migratesOnceAndRefusesNewer()
    {
        auto second = connect(); // a second node migrating again changes nothing
        QVERIFY(second);
        QCOMPARE(scalar(u"SELECT value FROM yard_meta WHERE key = 'schema_version'"_s),
                 QString::number(ClusterSchema::currentVersion()));
        QVERIFY(!m_db->exec(u"UPDATE yard_meta SET value = '99' WHERE key = 'schema_version'"_s).isError());
        auto third = ClusterDb::open(ClusterUrl::parse(m_server.url()).value(), u"newer"_s);
        QVERIFY(!third);
        QVERIFY2(third.error().message.contains(u"schema version 99"_s), qPrintable(third.error().message));
        QVERIFY(!m_db->exec(u"UPDATE yard_meta SET value = '1' WHERE key = 'schema_version'"_s).isError());
    }

    void aNodeRoleNeedsNoCreate()
    {
        // The grants docs/ops.md gives a node's role once the owner migrated.
        QVERIFY(!m_db->exec(u"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'yard_node') THEN "
                            "CREATE ROLE yard_node LOGIN; END IF; END $$; "
                            "REVOKE CREATE ON SCHEMA public FROM PUBLIC; "
                            "GRANT CONNECT ON DATABASE yard TO yard_node; GRANT USAGE ON SCHEMA public TO yard_node; "
                            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO yard_node; "
                            "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO yard_node; "
                            "GRANT EXECUTE ON FUNCTION yard_claim(bigint, integer, integer) TO yard_node"_s)
                     .isError());
        auto node = ClusterDb::open(ClusterUrl::parse(m_server.url().replace(u"yard@"_s, u"yard_node@"_s)).value(),
                                    u"node-role"_s);
        QVERIFY2(node, node ? "" : qPrintable(node.error().message));
        const QVector<qint64> runs = [&] {
            ClusterRunSpec r;
            r.sessionKey = u"s"_s;
            r.handler = u"simulate"_s;
            return node.value()->submit({r}).value();
        }();
        QCOMPARE(runs.size(), 1);
        const qint64 id = node.value()->registerNode(u"restricted"_s, 4, 30000).value();
        const auto claimed = node.value()->claim(id, 1, 30000).value();
        QCOMPARE(claimed.size(), 1);
        ClusterCompletion c = done(claimed[0]);
        QVERIFY(node.value()->complete(id, {c}).value().isEmpty());
        QVERIFY(node.value()->pruneFinished(QDateTime::currentDateTimeUtc(), QDateTime::currentDateTimeUtc()).value() >= 0);
        QVERIFY(!node.value()->stopNode(id).isError());
    }

    void passwordComesFromPgpassOrTheEnvironment()
    {
        QVERIFY(!m_db->exec(u"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'yard_pw') THEN "
                            "CREATE ROLE yard_pw LOGIN PASSWORD 's3cret-pw'; END IF; END $$; "
                            "GRANT USAGE ON SCHEMA public TO yard_pw; "
                            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO yard_pw"_s)
                     .isError());
        QVERIFY(m_server.prependHba(u"host all yard_pw 127.0.0.1/32 scram-sha-256"_s));
        const ClusterUrl url = ClusterUrl::parse(m_server.url().replace(u"yard@"_s, u"yard_pw@"_s)).value();
        QTemporaryDir home;
        qputenv("PGPASSFILE", home.filePath(u"none"_s).toLocal8Bit()); // not the runner's own ~/.pgpass
        qunsetenv("PGPASSWORD");
        auto refused = ClusterDb::open(url, u"no-password"_s);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(u"password"_s), qPrintable(refused.error().message));
        // From a password file (what ~/.pgpass is), mode 0600 as libpq insists.
        QFile pgpass(home.filePath(u"pgpass"_s));
        QVERIFY(pgpass.open(QIODevice::WriteOnly));
        pgpass.write(u"127.0.0.1:%1:yard:yard_pw:s3cret-pw\n"_s.arg(m_server.port()).toUtf8());
        pgpass.close();
        pgpass.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
        qputenv("PGPASSFILE", pgpass.fileName().toLocal8Bit());
        auto fromFile = ClusterDb::open(url, u"pgpass"_s);
        QVERIFY2(fromFile, fromFile ? "" : qPrintable(fromFile.error().message));
        fromFile.value().reset();
        // From the environment.
        qputenv("PGPASSFILE", home.filePath(u"none"_s).toLocal8Bit());
        qputenv("PGPASSWORD", "s3cret-pw");
        auto fromEnv = ClusterDb::open(url, u"pgpassword"_s);
        QVERIFY2(fromEnv, fromEnv ? "" : qPrintable(fromEnv.error().message));
        qunsetenv("PGPASSWORD");
        qunsetenv("PGPASSFILE");
        QVERIFY(!fromEnv.value()->url().display().contains(u"s3cret"_s));
    }

    void unreachableServerIsNamed()
    {
        auto db = ClusterDb::open(ClusterUrl::parse(u"postgresql://yard@127.0.0.1:1/yard"_s).value(), u"nowhere"_s);
        QVERIFY(!db);
        QVERIFY2(db.error().message.contains(u"cannot connect to postgresql://yard@127.0.0.1:1/yard"_s),
                 qPrintable(db.error().message));
    }

    void sessionRunsAreSerialAndInOrder()
    {
        const auto runs = submit({u"a"_s, u"a"_s, u"b"_s, u"a"_s});
        QCOMPARE(runs.size(), 4);
        const qint64 node = m_db->registerNode(u"n1"_s, 8, 30000).value();
        auto first = m_db->claim(node, 10, 30000);
        QVERIFY(first);
        QCOMPARE(ids(first.value()), (QVector<qint64>{runs[0], runs[2]})); // one per session, heads only
        QVERIFY(m_db->claim(node, 10, 30000).value().isEmpty()); // both sessions busy
        QVERIFY(m_db->complete(node, {done(first.value()[0])}).value().isEmpty());
        QCOMPARE(ids(m_db->claim(node, 10, 30000).value()), QVector<qint64>{runs[1]});
    }

    void laneLimitCountsEveryNode()
    {
        QVERIFY(!m_db->setLane(u"gpu"_s, 2, false, u"test"_s).isError());
        submit({u"s1"_s, u"s2"_s, u"s3"_s, u"s4"_s, u"s5"_s}, u"gpu"_s);
        const qint64 n1 = m_db->registerNode(u"n1"_s, 8, 30000).value();
        const qint64 n2 = m_db->registerNode(u"n2"_s, 8, 30000).value();
        QCOMPARE(m_db->claim(n1, 1, 30000).value().size(), 1);
        auto other = connect();
        QCOMPARE(other->claim(n2, 10, 30000).value().size(), 1); // the lane's second slot
        QCOMPARE(other->claim(n2, 10, 30000).value().size(), 0);
        QCOMPARE(m_db->claim(n1, 10, 30000).value().size(), 0);
        QVERIFY(!m_db->setLane(u"gpu"_s, 3, false, u"test"_s).isError());
        QCOMPARE(m_db->claim(n1, 10, 30000).value().size(), 1);
    }

    void ensureLaneKeepsAnOperatorsLimit()
    {
        QVERIFY(!m_db->ensureLane(u"io"_s, 6).isError());
        QCOMPARE(scalar(u"SELECT max_running FROM lanes WHERE name = 'io'"_s), u"6"_s);
        QVERIFY(!m_db->setLane(u"io"_s, 2, false, u"op"_s).isError());
        QVERIFY(!m_db->ensureLane(u"io"_s, 6).isError()); // the demo starting again changes nothing
        QCOMPARE(scalar(u"SELECT max_running FROM lanes WHERE name = 'io'"_s), u"2"_s);
    }

    void aFullLaneDoesNotHideOthers()
    {
        QVERIFY(!m_db->setLane(u"gpu"_s, 1, false, u"test"_s).isError());
        QStringList many;
        for (int i = 0; i < 40; ++i)
            many << u"g%1"_s.arg(i);
        submit(many, u"gpu"_s); // forty gpu heads, older than the default lane's run
        const auto other = submit({u"d"_s});
        const qint64 node = m_db->registerNode(u"n"_s, 8, 30000).value();
        QCOMPARE(m_db->claim(node, 4, 30000).value().size(), 2); // one gpu (its limit) and the default run
        QCOMPARE(scalar(u"SELECT state FROM runs WHERE id = %1"_s.arg(other[0])), u"running"_s);
    }

    void priorityOrdersHeads()
    {
        QVector<ClusterRunSpec> runs(3);
        const int priorities[] = {4, 3, 0};
        for (int i = 0; i < 3; ++i) {
            runs[i].sessionKey = u"p%1"_s.arg(i);
            runs[i].handler = u"simulate"_s;
            runs[i].priority = priorities[i];
        }
        const auto submitted = m_db->submit(runs).value();
        const qint64 node = m_db->registerNode(u"n1"_s, 8, 30000).value();
        QCOMPARE(ids(m_db->claim(node, 1, 30000).value()), QVector<qint64>{submitted[2]}); // interactive first
        QCOMPARE(ids(m_db->claim(node, 1, 30000).value()), QVector<qint64>{submitted[1]});
    }

    void expiredLeaseIsRecoveredAndLateResultRefused()
    {
        const auto runs = submit({u"s"_s});
        const qint64 dead = m_db->registerNode(u"dead"_s, 8, 300).value();
        const qint64 alive = m_db->registerNode(u"alive"_s, 8, 30000).value();
        const auto claimed = m_db->claim(dead, 1, 300).value();
        QCOMPARE(claimed.size(), 1);
        QCOMPARE(sweep(), 0); // not expired yet
        QCOMPARE(sweepUntilSome(), 1);
        QCOMPARE(scalar(u"SELECT state || ' ' || attempt FROM runs WHERE id = %1"_s.arg(runs[0])), u"queued 2"_s);
        const auto again = m_db->claim(alive, 1, 30000).value();
        QCOMPARE(ids(again), runs);
        QCOMPARE(again[0].attempt, 2);
        // The dead node wakes up and reports: refused, the new attempt is untouched.
        QCOMPARE(m_db->complete(dead, {done(claimed[0], u"failed"_s)}).value(), runs);
        QCOMPARE(scalar(u"SELECT state || ' ' || lease_owner FROM runs WHERE id = %1"_s.arg(runs[0])),
                 u"running %1"_s.arg(alive));
        QVERIFY(m_db->complete(alive, {done(again[0])}).value().isEmpty());
        QCOMPARE(scalar(u"SELECT string_agg(outcome || '@' || attempt, ',' ORDER BY recorded_at, outcome) "
                        "FROM run_attempts"_s),
                 u"lease_expired@1,refused@1,completed@2"_s);
        QCOMPARE(scalar(u"SELECT refused FROM nodes WHERE id = %1"_s.arg(dead)), u"1"_s);
    }

    void heartbeatRenewsOnlyWhatIsExecuting()
    {
        const auto runs = submit({u"a"_s, u"b"_s});
        const qint64 node = m_db->registerNode(u"n"_s, 8, 400).value();
        QCOMPARE(m_db->claim(node, 2, 400).value().size(), 2);
        QVector<qint64> cancel;
        auto held = m_db->heartbeat(node, u"running"_s, {runs[0]}, 30000, &cancel);
        QVERIFY(held);
        QCOMPARE(held.value(), QVector<qint64>{runs[0]});
        QCOMPARE(sweepUntilSome(), 1); // only the silent one
        QCOMPARE(scalar(u"SELECT state FROM runs WHERE id = %1"_s.arg(runs[1])), u"queued"_s);
        QCOMPARE(scalar(u"SELECT state FROM runs WHERE id = %1"_s.arg(runs[0])), u"running"_s);
    }

    void spentAttemptsNeedAttention()
    {
        const auto runs = submit({u"s"_s}, u"default"_s, 1);
        const qint64 node = m_db->registerNode(u"n"_s, 8, 300).value();
        QCOMPARE(m_db->claim(node, 1, 300).value().size(), 1);
        QCOMPARE(sweepUntilSome(), 1);
        QCOMPARE(scalar(u"SELECT state FROM runs WHERE id = %1"_s.arg(runs[0])), u"needs_attention"_s);
        QCOMPARE(m_db->snapshot().value().needsAttention, 1);
        QVERIFY(m_db->requeueRun(runs[0], u"op"_s).value());
        QCOMPARE(scalar(u"SELECT state || ' ' || attempt FROM runs WHERE id = %1"_s.arg(runs[0])), u"queued 2"_s);
        QCOMPARE(scalar(u"SELECT actor || ' ' || action FROM audit"_s), u"op run.requeue"_s);
    }

    void pauseStopsClaimsAtOnce()
    {
        submit({u"a"_s, u"b"_s});
        const qint64 node = m_db->registerNode(u"n"_s, 8, 30000).value();
        auto other = connect();
        QVERIFY(!other->setControl(true, false, u"maintenance"_s, u"op"_s).isError());
        QCOMPARE(m_db->claim(node, 10, 30000).value().size(), 0);
        QCOMPARE(m_db->control().value().reason, u"maintenance"_s);
        QVERIFY(!other->setControl(false, true, u"deploy"_s, u"op"_s).isError());
        QCOMPARE(m_db->claim(node, 10, 30000).value().size(), 0); // draining admits nothing either
        QVERIFY(!other->setControl(false, false, {}, u"op"_s).isError());
        QCOMPARE(m_db->claim(node, 10, 30000).value().size(), 2);
    }

    void cancelQueuedAndRunning()
    {
        const auto runs = submit({u"a"_s, u"b"_s});
        const qint64 node = m_db->registerNode(u"n"_s, 8, 30000).value();
        const auto claimed = m_db->claim(node, 1, 30000).value();
        QCOMPARE(claimed.size(), 1);
        const qint64 queued = claimed[0].id == runs[0] ? runs[1] : runs[0];
        QVERIFY(m_db->cancelRun(queued, u"op"_s).value());
        QCOMPARE(scalar(u"SELECT state FROM runs WHERE id = %1"_s.arg(queued)), u"cancelled"_s);
        QVERIFY(m_db->cancelRun(claimed[0].id, u"op"_s).value()); // asked; the owner applies it
        QVector<qint64> cancel;
        QVERIFY(m_db->heartbeat(node, u"running"_s, {claimed[0].id}, 30000, &cancel));
        QCOMPARE(cancel, QVector<qint64>{claimed[0].id});
        QVERIFY(!m_db->cancelRun(queued, u"op"_s).value()); // nothing left to cancel
    }

    void retryMakesANewRunOfAFailedOne()
    {
        const auto runs = submit({u"a"_s, u"b"_s});
        QVERIFY(!m_db->exec(u"UPDATE runs SET state = 'failed', input = 'again', lane = 'gpu' WHERE id = %1"_s.arg(runs[0]))
                     .isError());
        const qint64 created = m_db->retryRun(runs[0], u"op"_s).value();
        QVERIFY(created > runs[1]);
        QCOMPARE(scalar(u"SELECT session_key || ' ' || lane || ' ' || input || ' ' || state FROM runs WHERE id = %1"_s.arg(created)),
                 u"a gpu again queued"_s);
        QCOMPARE(m_db->retryRun(runs[1], u"op"_s).value(), 0); // queued: nothing to retry
        QCOMPARE(scalar(u"SELECT action || ' ' || detail FROM audit"_s), u"run.retry run %1 as run %2"_s.arg(runs[0]).arg(created));
    }

    void stoppedNodeGivesRunsBack()
    {
        const auto runs = submit({u"a"_s});
        const qint64 node = m_db->registerNode(u"n"_s, 8, 30000).value();
        QCOMPARE(m_db->claim(node, 1, 30000).value().size(), 1);
        QVERIFY(!m_db->stopNode(node).isError());
        QCOMPARE(scalar(u"SELECT state || ' ' || attempt FROM runs WHERE id = %1"_s.arg(runs[0])), u"queued 2"_s);
        const auto snap = m_db->snapshot().value();
        QCOMPARE(snap.nodes.size(), 1);
        QCOMPARE(snap.nodes[0].state, u"stopped"_s);
        QVERIFY(!snap.nodes[0].lost());
    }

    void retentionPrunesOnlyOldFinishedRuns()
    {
        const auto runs = submit({u"a"_s, u"b"_s, u"c"_s, u"d"_s});
        QVERIFY(!m_db->exec(u"UPDATE runs SET state = 'completed', finished_at = now() - interval '8 days' WHERE id = %1; "
                            "UPDATE runs SET state = 'failed', finished_at = now() - interval '8 days' WHERE id = %2; "
                            "UPDATE runs SET state = 'completed', finished_at = now() - interval '1 day' WHERE id = %3; "
                            "INSERT INTO run_attempts (run_id, attempt, outcome) VALUES (%1, 1, 'completed')"_s
                                .arg(runs[0])
                                .arg(runs[1])
                                .arg(runs[2]))
                     .isError());
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QCOMPARE(m_db->pruneFinished(now.addDays(-7), now.addDays(-30)).value(), 1);
        QCOMPARE(scalar(u"SELECT string_agg(CAST(id AS text), ',' ORDER BY id) FROM runs"_s),
                 u"%1,%2,%3"_s.arg(runs[1]).arg(runs[2]).arg(runs[3])); // failed kept 30 days, queued never pruned
        QCOMPARE(scalar(u"SELECT count(*) FROM run_attempts"_s), u"0"_s);
    }

    void retryGoesBackInOrder()
    {
        const auto runs = submit({u"a"_s, u"a"_s});
        const qint64 node = m_db->registerNode(u"n"_s, 8, 30000).value();
        auto claimed = m_db->claim(node, 4, 30000).value();
        QCOMPARE(ids(claimed), QVector<qint64>{runs[0]});
        ClusterCompletion c = done(claimed[0], u"failed"_s);
        c.nextState = u"queued"_s;
        c.nextAttempt = true;
        QVERIFY(m_db->complete(node, {c}).value().isEmpty());
        claimed = m_db->claim(node, 4, 30000).value();
        QCOMPARE(ids(claimed), QVector<qint64>{runs[0]}); // the retry comes before the session's next run
        QCOMPARE(claimed[0].attempt, 2);
    }
};

QTEST_GUILESS_MAIN(TestClusterDb)
#include "tst_clusterdb.moc"
