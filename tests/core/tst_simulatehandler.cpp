// SPDX-License-Identifier: GPL-3.0-or-later
// The simulate handler (SPEC H4): deterministic plans, steps with saved state, failures.
#include "testengine.h"

#include "engine/sessionmanager.h"
#include "engine/submission.h"

#include "exec/simulatehandler.h"

#include <QJsonDocument>
#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_SimulateHandler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void planIsDeterministic();
    void stepsFollowTheClock();
    void failureProbability();
    void aVanishedWorkerEndsOnlyThroughTheLeaseSweep();
};

void tst_SimulateHandler::planIsDeterministic()
{
    const QJsonObject p = QJsonDocument::fromJson(R"({"duration_ms": 500, "fail_p": 0.5})").object();
    const auto a = SimulateHandler::plan(p, 17, 1);
    const auto b = SimulateHandler::plan(p, 17, 1);
    QCOMPARE(a.totalMs, b.totalMs);
    QCOMPARE(a.fail, b.fail);
    QVERIFY(a.totalMs >= 250 && a.totalMs <= 750);
    int differ = 0;
    for (int id = 1; id < 50; ++id)
        differ += SimulateHandler::plan(p, id, 1).totalMs != a.totalMs;
    QVERIFY(differ > 40);
}

void tst_SimulateHandler::stepsFollowTheClock()
{
    EngineOptions o = TestEngine::defaultOptions();
    TestEngine t(o, {}, std::make_unique<InlineExecutor>());
    RunSubmission sub;
    sub.handler = u"simulate"_s;
    sub.input = u"question"_s;
    sub.payloadJson = R"({"duration_ms": 1000, "steps": 4, "distribution": "fixed"})";
    const RunId id = t.engine->submitRun(sub).value();
    t.runUntilIdle();
    QCOMPARE(t.engine->liveRun(id)->progress, 0.25);
    t.advance(749);
    QCOMPARE(t.events->outcomeOf(id), EventType::RunQueued);
    QCOMPARE(t.engine->liveRun(id)->savedState, QByteArray(R"({"step":3})"));
    t.advance(251);
    QCOMPARE(t.events->outcomeOf(id), EventType::RunCompleted);
    QVERIFY(t.events->outcomesOf(id).first().text.contains(u"question"_s));
    QCOMPARE(t.engine->runningCount(), 0);
}

void tst_SimulateHandler::aVanishedWorkerEndsOnlyThroughTheLeaseSweep()
{
    EngineOptions o = TestEngine::defaultOptions();
    o.cycle.intervalMs = 0;
    o.cycle.leaseMs = 1000;
    TestEngine t(o, {}, std::make_unique<InlineExecutor>());
    SessionSpec spec;
    spec.key = u"agent"_s;
    const SessionId s = t.engine->createSession(spec)->id;
    TaskSubmission sub;
    sub.handler = u"simulate"_s;
    sub.payloadJson = R"({"vanish": true})";
    sub.maxAttempts = 1;
    const RunId id = t.engine->submitTask(sub).value();
    QVERIFY(t.engine->claimTask(s, id));
    t.runUntilIdle();
    t.advance(900);
    QCOMPARE(t.events->outcomesOf(id).size(), 0); // silent, still holding its lease
    t.advance(200);
    QVERIFY(t.engine->runCycleNow());
    t.runUntilIdle();
    QCOMPARE(t.events->outcomeOf(id), EventType::RunFailed); // its one attempt is spent
    QCOMPARE(t.events->outcomesOf(id).size(), 1);
}

void tst_SimulateHandler::failureProbability()
{
    TestEngine t(TestEngine::defaultOptions(), {}, std::make_unique<InlineExecutor>());
    t.engine->setLaneLimit(u"main"_s, 200);
    RunSubmission sub;
    sub.handler = u"simulate"_s;
    sub.payloadJson = R"({"duration_ms": 0, "steps": 1, "fail_p": 0.3})";
    for (int i = 0; i < 200; ++i)
        t.engine->submitRun(sub);
    t.runUntilIdle();
    t.advance(10);
    const int failed = t.events->count(EventType::RunFailed);
    QCOMPARE(failed + t.events->count(EventType::RunCompleted), 200);
    QVERIFY2(failed > 30 && failed < 90, qPrintable(QString::number(failed)));
}

QTEST_GUILESS_MAIN(tst_SimulateHandler)
#include "tst_simulatehandler.moc"
