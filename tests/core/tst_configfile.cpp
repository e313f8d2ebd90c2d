// SPDX-License-Identifier: GPL-3.0-or-later
// The JSON config file (SPEC L1): lane limits, queue defaults, clear errors.
#include "tempdatabase.h"
#include "testengine.h"

#include "config/configfile.h"

#include <QFile>
#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_ConfigFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void appliesLanesQueueAndWindows();
    void appliesCycleAndAgentTemplates();
    void precedenceEnvironmentOverFile();
    void badFiles_data();
    void badFiles();
    void missingFileIsFineUnlessRequired();
};

namespace {
QString write(const TempDatabase &dir, const QByteArray &json)
{
    const QString path = dir.path(u"config.json"_s);
    QFile f(path);
    f.open(QIODevice::WriteOnly | QIODevice::Truncate);
    f.write(json);
    return path;
}
} // namespace

void tst_ConfigFile::appliesLanesQueueAndWindows()
{
    TempDatabase dir;
    const QString path = write(dir, R"({"lanes": {"main": 7, "gpu": 3},
        "queue": {"cap": 4, "mode": "collect"}, "context_windows": {"coder": 1000},
        "worker_threads": 12})");
    EngineOptions o = TestEngine::defaultOptions();
    int threads = 0;
    QVERIFY(!ConfigFile::apply(path, o, &threads, true).isError());
    QCOMPARE(threads, 12);
    QCOMPARE(o.defaultQueue.cap, 4);
    QCOMPARE(o.defaultQueue.mode, QueueMode::Collect);
    TestEngine t(o);
    QCOMPARE(t.engine->laneStats(u"main"_s)->limit, 7);
    QCOMPARE(t.engine->laneStats(u"gpu"_s)->limit, 3);
    SessionSpec spec;
    spec.key = u"c"_s;
    spec.agent = u"coder"_s;
    const SessionId s = t.engine->createSession(spec)->id;
    t.send(s, QString(600, u'x')); // 150 tokens of 1000
    QCOMPARE(t.engine->sessionStatus(s)->tokenRatio, 0.15);
}

void tst_ConfigFile::precedenceEnvironmentOverFile()
{
    EngineOptions o = TestEngine::defaultOptions();
    o.laneLimits.insert(u"main"_s, 7);
    qputenv("YARD_LANE_MAIN", "9");
    TestEngine t(o);
    qunsetenv("YARD_LANE_MAIN");
    QCOMPARE(t.engine->laneStats(u"main"_s)->limit, 9);
    t.engine->setLaneLimit(u"main"_s, 11); // the operator wins, live
    QCOMPARE(t.engine->laneStats(u"main"_s)->limit, 11);
}

void tst_ConfigFile::appliesCycleAndAgentTemplates()
{
    TempDatabase dir;
    const QString path = write(dir, R"({"cycle": {"interval_ms": 2000, "wake_cooldown_ms": 0,
        "lease_ms": 5000, "sweep_limit": 10, "starvation": {"min_queued_age_ms": 3000,
        "fan_out_after": 1, "needs_attention_after": 5}},
        "agent_templates": [{"agent": "coder", "capabilities": ["go", "sql"]}]})");
    EngineOptions o = TestEngine::defaultOptions();
    QVERIFY(!ConfigFile::apply(path, o, nullptr, true).isError());
    QCOMPARE(o.cycle.intervalMs, 2000);
    QCOMPARE(o.cycle.wakeCooldownMs, 0);
    QCOMPARE(o.cycle.leaseMs, 5000);
    QCOMPARE(o.cycle.sweepLimit, 10);
    QCOMPARE(o.cycle.thresholds.minQueuedAgeMs, 3000);
    QCOMPARE(o.cycle.thresholds.fanOutAfter, 1);
    QCOMPARE(o.cycle.thresholds.spawnAfter, 4); // untouched keys keep their defaults
    QCOMPARE(o.cycle.thresholds.needsAttentionAfter, 5);
    QCOMPARE(o.agentTemplates.size(), 1);
    QCOMPARE(o.agentTemplates.first().agent, u"coder"_s);
    QCOMPARE(o.agentTemplates.first().capabilities, (QStringList{u"go"_s, u"sql"_s}));
}

void tst_ConfigFile::badFiles_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("not JSON") << QByteArray("{lanes: 3") << u"invalid JSON"_s;
    QTest::newRow("cycle unknown key") << QByteArray(R"({"cycle": {"every": 5}})") << u"\"cycle.every\""_s;
    QTest::newRow("cycle bad lease") << QByteArray(R"({"cycle": {"lease_ms": "soon"}})")
                                     << u"cycle.lease_ms must be a whole number from 100 to 86400000, not \"soon\""_s;
    QTest::newRow("starvation bad tier") << QByteArray(R"({"cycle": {"starvation": {"spawn_after": -1}}})")
                                         << u"cycle.starvation.spawn_after"_s;
    QTest::newRow("template without agent") << QByteArray(R"({"agent_templates": [{"capabilities": []}]})")
                                            << u"agent_templates[0] needs an \"agent\""_s;
    QTest::newRow("templates an object") << QByteArray(R"({"agent_templates": {}})")
                                         << u"\"agent_templates\" must be a list"_s;
    QTest::newRow("array") << QByteArray("[1,2]") << u"JSON object"_s;
    QTest::newRow("unknown key") << QByteArray(R"({"lane": {}})") << u"\"lane\""_s;
    QTest::newRow("bad limit") << QByteArray(R"({"lanes": {"main": "x"}})") << u"lanes.main"_s;
    QTest::newRow("bad queue") << QByteArray(R"({"queue": {"drop": "sideways"}})") << u"sideways"_s;
    QTest::newRow("bad window") << QByteArray(R"({"context_windows": {"a": -1}})") << u"context_windows.a"_s;
    QTest::newRow("limit 0") << QByteArray(R"({"lanes": {"main": 0}})")
                             << u"lanes.main must be a whole number of slots from 1 to 100000, not 0"_s;
    QTest::newRow("negative limit") << QByteArray(R"({"lanes": {"main": -5}})") << u"not -5"_s;
    QTest::newRow("huge limit") << QByteArray(R"({"lanes": {"main": 1e12}})") << u"not 1000000000000"_s;
    QTest::newRow("fractional limit") << QByteArray(R"({"lanes": {"main": 2.5}})") << u"not 2.5"_s;
    QTest::newRow("lanes a number") << QByteArray(R"({"lanes": 5})") << u"\"lanes\" must be an object"_s;
    QTest::newRow("lanes an array") << QByteArray(R"({"lanes": [1, 2]})") << u"not [1,2]"_s;
    QTest::newRow("mode a number") << QByteArray(R"({"queue": {"mode": 5}})") << u"queue mode \"5\""_s;
    QTest::newRow("cap huge") << QByteArray(R"({"queue": {"cap": 1e30}})") << u"\"cap\" must be an integer"_s;
    QTest::newRow("too many threads") << QByteArray(R"({"worker_threads": 100000})")
                                      << u"worker_threads must be a whole number from 1 to 1024, not 100000"_s;
    QTest::newRow("windows an array") << QByteArray(R"({"context_windows": [3]})")
                                      << u"\"context_windows\" must be an object"_s;
}

void tst_ConfigFile::badFiles()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, mentions);
    TempDatabase dir;
    const QString path = write(dir, json);
    EngineOptions o;
    const EngineOptions before = o;
    const Error e = ConfigFile::apply(path, o, nullptr, true);
    QVERIFY(e.isError());
    QVERIFY2(e.message.contains(path), qPrintable(e.message));
    QVERIFY2(e.message.contains(mentions), qPrintable(e.message));
    QCOMPARE(o.defaultQueue, before.defaultQueue); // nothing applied
    QVERIFY(o.laneLimits.isEmpty());
}

void tst_ConfigFile::missingFileIsFineUnlessRequired()
{
    EngineOptions o;
    QVERIFY(!ConfigFile::apply(u"/nonexistent/yard.json"_s, o, nullptr, false).isError());
    QVERIFY(ConfigFile::apply(u"/nonexistent/yard.json"_s, o, nullptr, true).isError());
}

QTEST_GUILESS_MAIN(tst_ConfigFile)
#include "tst_configfile.moc"
