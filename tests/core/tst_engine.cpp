// SPDX-License-Identifier: GPL-3.0-or-later
// Engine-wide behaviour: lanes, admission order, pause, exactly-once outcomes, the real pool.
#include "fakehandlers.h"
#include "logcapture.h"
#include "testengine.h"

#include "exec/executor.h"

#include <QRandomGenerator>
#include <QSemaphore>
#include <QTest>

#include <atomic>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

namespace {


RunId submitTo(TestEngine &t, SessionId s, Priority p, const QString &lane = {})
{
    MessageRequest req;
    req.sessionId = s;
    req.content = u"x"_s;
    req.priority = p;
    req.lane = lane;
    Expected<SubmitReceipt> r = t.engine->submitMessage(req);
    return r ? r->runId : 0;
}

} // namespace

class tst_Engine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void laneLimitNeverExceededYetFullyUsed();
    void admissionOrderWithinLane();
    void lanesAreIndependent();
    void unknownLaneFallsBackToMainLoggedOnce();
    void pauseHoldsWorkAndResumeStartsAtOnce();
    void lanePause();
    void everyRunGetsExactlyOneOutcome_data();
    void everyRunGetsExactlyOneOutcome();
    void preExecuteHookCanRewriteOrAbort();
    void freeRunsGoStraightToTheirLane();
    void unknownHandlerFailsTheRun();
    void idleQueuesAreEvicted();
    // With the real private QThreadPool:
    void poolRunsSessionsInParallel();
    void throwingHandlerFailsRunAndFreesSlot();
    void laneDeadlockWorkloadCompletes();
    void shutdownWaitsThenInterrupts();
    void replacingTheHookWhileAWorkerIsInsideItIsSafe();
    void poolFollowsWhatTheLanesAdmit();
};

void tst_Engine::laneLimitNeverExceededYetFullyUsed()
{
    TestEngine t;
    QVERIFY(!t.engine->setLaneLimit(u"main"_s, 3).isError());
    QVector<RunId> ids;
    for (int i = 0; i < 10; ++i)
        ids << t.send(t.session(u"s%1"_s.arg(i)));
    QCOMPARE(t.manual()->held().size(), 3); // fully used
    QCOMPARE(t.engine->laneStats(u"main"_s)->active, 3);
    QCOMPARE(t.engine->laneStats(u"main"_s)->pending, 7);
    while (!t.manual()->held().isEmpty()) {
        t.finish(t.manual()->held().first());
        const int left = ids.size() - t.events->count(EventType::RunCompleted);
        QCOMPARE(t.manual()->held().size(), qMin(3, left)); // refilled at once, never above
    }
    QCOMPARE(t.manual()->maxHeld(), 3);
    QCOMPARE(t.events->count(EventType::RunCompleted), 10);
    // Raising the limit live admits more immediately.
    for (int i = 0; i < 6; ++i)
        t.send(t.session(u"late%1"_s.arg(i)));
    QCOMPARE(t.manual()->held().size(), 3);
    QVERIFY(!t.engine->setLaneLimit(u"main"_s, 5).isError());
    QCOMPARE(t.manual()->held().size(), 5);
}

void tst_Engine::admissionOrderWithinLane()
{
    TestEngine t;
    t.engine->setLaneLimit(u"main"_s, 1);
    const RunId blocker = t.send(t.session(u"blocker"_s));
    QVector<RunId> expected(5);
    // Enqueue in a scrambled order: low, normal(1), urgent, interactive, normal(2).
    const RunId low = submitTo(t, t.session(u"a"_s), Priority::Low);
    t.advance(1);
    const RunId normal1 = submitTo(t, t.session(u"b"_s), Priority::Normal);
    t.advance(1);
    const RunId urgent = submitTo(t, t.session(u"c"_s), Priority::Urgent);
    t.advance(1);
    const RunId interactive = submitTo(t, t.session(u"d"_s), Priority::Interactive);
    t.advance(1);
    const RunId normal2 = submitTo(t, t.session(u"e"_s), Priority::Normal);
    t.finish(blocker);
    while (!t.manual()->held().isEmpty())
        t.finish(t.manual()->held().first());
    // Priority first, then enqueue time (FIFO across sessions at equal priority, SPEC Q7).
    QCOMPARE(t.events->startOrder(),
             (QVector<RunId>{blocker, interactive, urgent, normal1, normal2, low}));
}

void tst_Engine::lanesAreIndependent()
{
    TestEngine t;
    t.engine->setLaneLimit(u"main"_s, 1);
    t.engine->setLaneLimit(u"team"_s, 2);
    const SessionId m1 = t.session(u"m1"_s), m2 = t.session(u"m2"_s);
    const SessionId t1 = t.session(u"t1"_s, {}, u"team"_s), t2 = t.session(u"t2"_s, {}, u"team"_s),
                    t3 = t.session(u"t3"_s, {}, u"team"_s);
    t.send(m1);
    t.send(m2);
    t.send(t1);
    t.send(t2);
    t.send(t3);
    QCOMPARE(t.engine->laneStats(u"main"_s)->active, 1);
    QCOMPARE(t.engine->laneStats(u"team"_s)->active, 2);
    QCOMPARE(t.engine->laneStats(u"team"_s)->pending, 1);
    QCOMPARE(t.engine->laneStats(u"team"_s)->utilisation(), 1.0);
    // Defaults from goclaw for lanes not touched.
    QCOMPARE(t.engine->laneStats(u"subagent"_s)->limit, 50);
    QCOMPARE(t.engine->laneStats(u"cron"_s)->limit, 30);
}

void tst_Engine::unknownLaneFallsBackToMainLoggedOnce()
{
    QStringList captured;
    {
        LogCapture log("yard.lanes");
        TestEngine t;
        const SessionId s = t.session(u"s"_s);
        const RunId a = submitTo(t, s, Priority::Normal, u"bogus"_s);
        const RunId b = submitTo(t, t.session(u"s2"_s), Priority::Normal, u"bogus"_s);
        QCOMPARE(t.engine->liveRun(a)->lane, u"main"_s);
        QCOMPARE(t.engine->liveRun(b)->lane, u"main"_s);
        QCOMPARE(t.engine->laneStats(u"main"_s)->active, 2);
        QVERIFY(!t.engine->laneStats(u"bogus"_s));
        captured = log.messages();
    }
    QCOMPARE(captured.size(), 1);
    QVERIFY2(captured.first().contains(u"\"bogus\""_s), qPrintable(captured.first()));
}

void tst_Engine::pauseHoldsWorkAndResumeStartsAtOnce()
{
    TestEngine t;
    const SessionId a = t.session(u"a"_s), b = t.session(u"b"_s);
    const RunId running = t.send(a);
    t.engine->pause(u"maintenance"_s, u"alice"_s);
    QVERIFY(t.engine->pauseState().paused);
    QCOMPARE(t.engine->pauseState().reason, u"maintenance"_s);
    QCOMPARE(t.engine->pauseState().actor, u"alice"_s);
    const RunId waiting = t.send(b);
    const RunId behind = t.send(a);
    // Running runs continue; nothing new starts.
    QVERIFY(t.manual()->isHeld(running));
    QVERIFY(!t.manual()->isHeld(waiting));
    t.finish(running);
    QVERIFY(!t.manual()->isHeld(behind));
    QCOMPARE(t.events->count(EventType::SchedulerPaused), 1);
    t.engine->resume(u"alice"_s);
    QVERIFY(t.manual()->isHeld(waiting));
    QVERIFY(t.manual()->isHeld(behind));
    QCOMPARE(t.events->count(EventType::SchedulerResumed), 1);
}

void tst_Engine::lanePause()
{
    TestEngine t;
    const SessionId m = t.session(u"m"_s), c = t.session(u"c"_s, {}, u"cron"_s);
    QVERIFY(!t.engine->setLanePaused(u"cron"_s, true).isError());
    const RunId inMain = t.send(m);
    const RunId inCron = t.send(c);
    QVERIFY(t.manual()->isHeld(inMain));
    QVERIFY(!t.manual()->isHeld(inCron));
    QVERIFY(t.engine->laneStats(u"cron"_s)->paused);
    QVERIFY(!t.engine->setLanePaused(u"cron"_s, false).isError());
    QVERIFY(t.manual()->isHeld(inCron));
    QCOMPARE(t.engine->setLanePaused(u"nope"_s, true).code, ErrorCode::InvalidRequest);
}

void tst_Engine::everyRunGetsExactlyOneOutcome_data()
{
    QTest::addColumn<quint32>("seed");
    for (quint32 seed : {1u, 7u, 42u, 1234u, 99991u})
        QTest::newRow(qPrintable(u"seed %1"_s.arg(seed))) << seed;
}

void tst_Engine::everyRunGetsExactlyOneOutcome()
{
    QFETCH(quint32, seed);
    QRandomGenerator rng(seed);
    TestEngine t;
    t.engine->setLaneLimit(u"main"_s, 4);
    QVector<SessionId> sessions;
    const QueueMode modes[] = {QueueMode::Queue, QueueMode::Followup, QueueMode::Interrupt,
                               QueueMode::Collect};
    for (int i = 0; i < 12; ++i) {
        QueueConfigOverride o;
        o.mode = modes[i % 4];
        o.cap = int(rng.bounded(4));
        o.drop = rng.bounded(2) ? DropPolicy::Old : DropPolicy::New;
        o.debounceMs = rng.bounded(3) == 0 ? 200 : 0;
        o.maxConcurrent = 1 + int(rng.bounded(2));
        sessions << t.session(u"s%1"_s.arg(i), o);
    }
    for (int step = 0; step < 3000; ++step) {
        const SessionId s = sessions[int(rng.bounded(quint32(sessions.size())))];
        const QVector<RunId> held = t.manual()->held();
        switch (rng.bounded(12)) {
        case 0: case 1: case 2: case 3:
            t.send(s, u"m"_s, nullptr, rng.bounded(10) == 0 ? t.clock.now() - 5 : 0);
            break;
        case 4: case 5:
            if (!held.isEmpty())
                t.finish(held[int(rng.bounded(quint32(held.size())))],
                         rng.bounded(4) == 0 ? Outcome::failure(u"nope"_s) : Outcome::success());
            break;
        case 6:
            t.engine->cancelOne(s);
            break;
        case 7:
            if (rng.bounded(3) == 0)
                t.engine->cancelAll(s);
            else
                t.engine->reset(s);
            break;
        case 8:
            t.engine->cancelRun(t.events->events().isEmpty() ? 0 : t.events->events().last().run);
            break;
        case 9:
            t.advance(rng.bounded(300));
            break;
        case 10:
            if (t.engine->pauseState().paused)
                t.engine->resume(u"fuzz"_s);
            else
                t.engine->pause(u"fuzz"_s, u"fuzz"_s);
            break;
        case 11:
            if (!held.isEmpty())
                t.finish(held.first(), Outcome::continueAfter(50));
            break;
        }
    }
    // Let everything finish.
    t.engine->resume(u"fuzz"_s);
    for (int guard = 0; guard < 10000 && (t.engine->runningCount() + t.engine->queuedCount()) > 0;
         ++guard) {
        t.manual()->finishAll();
        t.advance(1000);
    }
    QCOMPARE(t.engine->runningCount() + t.engine->queuedCount(), 0);
    const QVector<Event> queued = t.events->ofType(EventType::RunQueued);
    QVERIFY(queued.size() > 100);
    for (const Event &q : queued) {
        const int outcomes = int(t.events->outcomesOf(q.run).size());
        QVERIFY2(outcomes == 1, qPrintable(u"run %1 has %2 outcomes"_s.arg(q.run).arg(outcomes)));
    }
    const auto &c = t.engine->counters();
    QCOMPARE(c.accepted, quint64(queued.size()));
    QCOMPARE(c.completed + c.failed + c.cancelled + c.merged, c.accepted);
}

void tst_Engine::preExecuteHookCanRewriteOrAbort()
{
    TestEngine t;
    QString seenInput;
    t.handlers.add(u"echo"_s, [&seenInput](RunContext &ctx) {
        seenInput = ctx.input();
        return Outcome::success(ctx.input());
    });
    t.engine->setPreExecuteHook([](RunRequest &req) {
        if (req.input.contains(u"forbidden"_s))
            return HookVerdict{true, u"policy says no"_s};
        req.input = req.input.toUpper();
        return HookVerdict{};
    });
    const SessionId s = t.session(u"s"_s);
    const SessionId s2 = t.session(u"s2"_s);
    RunSubmission sub;
    sub.sessionId = s;
    sub.handler = u"echo"_s;
    sub.input = u"hello"_s;
    const RunId ok = t.engine->submitRun(sub).value();
    sub.sessionId = s2;
    sub.input = u"forbidden thing"_s;
    const RunId aborted = t.engine->submitRun(sub).value();
    QVERIFY(t.manual()->execute(ok));
    QVERIFY(t.manual()->execute(aborted));
    t.runUntilIdle();
    QCOMPARE(seenInput, u"HELLO"_s);
    QCOMPARE(t.events->outcomesOf(ok).first().text, u"HELLO"_s);
    const Event abortedOutcome = t.events->outcomesOf(aborted).first();
    QCOMPARE(abortedOutcome.type, EventType::RunFailed);
    QCOMPARE(abortedOutcome.code, ErrorCode::Aborted);
    QCOMPARE(abortedOutcome.text, u"policy says no"_s);
    QCOMPARE(t.engine->runningCount(), 0); // slot freed
}

void tst_Engine::freeRunsGoStraightToTheirLane()
{
    TestEngine t;
    RunSubmission sub;
    sub.handler = u"noop"_s;
    sub.lane = u"cron"_s;
    const RunId a = t.engine->submitRun(sub).value();
    const RunId b = t.engine->submitRun(sub).value();
    QVERIFY(t.manual()->isHeld(a));
    QVERIFY(t.manual()->isHeld(b)); // no session: no serialisation
    QCOMPARE(t.engine->laneStats(u"cron"_s)->active, 2);
}

void tst_Engine::unknownHandlerFailsTheRun()
{
    TestEngine t;
    RunSubmission sub;
    sub.handler = u"does-not-exist"_s;
    const RunId id = t.engine->submitRun(sub).value();
    QVERIFY(t.manual()->execute(id));
    t.runUntilIdle();
    QCOMPARE(t.events->outcomesOf(id).first().code, ErrorCode::UnknownHandler);
}

void tst_Engine::idleQueuesAreEvicted()
{
    TestEngine t; // idle timeout 30 s
    const SessionId busy = t.session(u"busy"_s), idle = t.session(u"idle"_s);
    const RunId running = t.send(busy);
    t.finish(t.send(idle));
    QCOMPARE(t.engine->liveQueueCount(), 2);
    t.advance(29'000);
    QCOMPARE(t.engine->liveQueueCount(), 2);
    t.advance(16'000); // next sweep after 30 s of idleness
    QCOMPARE(t.engine->liveQueueCount(), 1); // the busy one stays
    QCOMPARE(t.events->ofType(EventType::SessionEvicted).size(), 1);
    QCOMPARE(t.events->ofType(EventType::SessionEvicted).first().session, idle);
    // An evicted session comes back on its next message, with its config.
    QVERIFY(t.send(idle) != 0);
    QCOMPARE(t.engine->liveQueueCount(), 2);
    t.finish(running);
}

void tst_Engine::poolRunsSessionsInParallel()
{
    auto gate = std::make_shared<GateHandler>();
    TestEngine t(TestEngine::defaultOptions(), {}, std::make_unique<PoolExecutor>(8));
    t.handlers.add(u"gate"_s, gate);
    QVector<RunId> ids;
    for (int i = 0; i < 4; ++i) {
        const SessionId s = t.session(u"s%1"_s.arg(i));
        RunSubmission sub;
        sub.sessionId = s;
        sub.handler = u"gate"_s;
        ids << t.engine->submitRun(sub).value();
        sub.input = u"second"_s;
        ids << t.engine->submitRun(sub).value();
    }
    QVERIFY(gate->waitStarted(4));
    QCOMPARE(gate->running(), 4); // one per session, all sessions at once
    gate->release(8);
    QTRY_COMPARE(t.events->count(EventType::RunCompleted), 8);
    QCOMPARE(gate->peak(), 4);
}

void tst_Engine::throwingHandlerFailsRunAndFreesSlot()
{
    TestEngine t(TestEngine::defaultOptions(), {}, std::make_unique<PoolExecutor>(4));
    t.handlers.add(u"throw"_s, std::make_shared<ThrowingHandler>());
    t.engine->setLaneLimit(u"main"_s, 1);
    RunSubmission sub;
    sub.sessionId = t.session(u"s"_s);
    sub.handler = u"throw"_s;
    const RunId bad = t.engine->submitRun(sub).value();
    sub.handler = u"noop"_s;
    const RunId next = t.engine->submitRun(sub).value();
    QTRY_COMPARE(t.events->outcomeOf(next), EventType::RunCompleted);
    const Event failed = t.events->outcomesOf(bad).first();
    QCOMPARE(failed.type, EventType::RunFailed);
    QCOMPARE(failed.code, ErrorCode::HandlerFailed);
    QVERIFY2(failed.text.contains(u"boom from handler"_s), qPrintable(failed.text));
    QCOMPARE(t.engine->runningCount(), 0);
}

void tst_Engine::laneDeadlockWorkloadCompletes()
{
    // goclaw's deadlock (DESIGN.md): sessions with backlogs, enqueued session by session, on a
    // lane of 30. A finishing run must release its slot before its session's next run is admitted.
    EngineOptions o = TestEngine::defaultOptions();
    o.defaultQueue.cap = 100;
    TestEngine t(o, {}, std::make_unique<PoolExecutor>(4));
    t.engine->setLaneLimit(u"main"_s, 30);
    constexpr int kSessions = 1000, kMessages = 40;
    for (int s = 0; s < kSessions; ++s) {
        RunSubmission sub;
        sub.sessionId = t.session(u"s%1"_s.arg(s));
        sub.handler = u"noop"_s;
        for (int m = 0; m < kMessages; ++m)
            QVERIFY(t.engine->submitRun(sub));
    }
    QTRY_COMPARE_WITH_TIMEOUT(t.engine->counters().completed, quint64(kSessions * kMessages), 60000);
    QCOMPARE(t.engine->runningCount(), 0);
    QCOMPARE(t.engine->queuedCount(), 0);
}

void tst_Engine::shutdownWaitsThenInterrupts()
{
    auto gate = std::make_shared<GateHandler>();
    TestEngine t(TestEngine::defaultOptions(), {}, std::make_unique<PoolExecutor>(4));
    t.handlers.add(u"gate"_s, gate);
    RunSubmission sub;
    sub.handler = u"gate"_s;
    sub.sessionId = t.session(u"a"_s);
    const RunId finishes = t.engine->submitRun(sub).value();
    sub.sessionId = t.session(u"b"_s);
    const RunId stuck = t.engine->submitRun(sub).value();
    QVERIFY(gate->waitStarted(2));
    bool done = false;
    t.engine->shutdown(1000, [&done] { done = true; });
    Error e;
    QCOMPARE(t.send(t.session(u"c"_s), u"x"_s, &e), RunId(0));
    QCOMPARE(e.code, ErrorCode::Stopped);
    gate->release(1); // one in-flight run finishes within the deadline
    QTRY_VERIFY(t.events->outcomeOf(finishes) == EventType::RunCompleted
                || t.events->outcomeOf(stuck) == EventType::RunCompleted);
    QVERIFY(!done);
    t.advance(1000); // the deadline: the other is interrupted and stays durable as queued
    QVERIFY(done);
    const RunId interrupted =
        t.events->outcomeOf(finishes) == EventType::RunCompleted ? stuck : finishes;
    QCOMPARE(t.events->outcomesOf(interrupted).size(), 0);
    QCOMPARE(t.events->ofRun(interrupted).last().type, EventType::RunInterrupted);
    QCOMPARE(t.engine->start().code, ErrorCode::Stopped);
    QTRY_VERIFY(t.executor->waitForDone(0)); // the cancelled handler saw its token
}

void tst_Engine::replacingTheHookWhileAWorkerIsInsideItIsSafe()
{
    TestEngine t(TestEngine::defaultOptions(), {}, std::make_unique<PoolExecutor>(2));
    QSemaphore inside, leave;
    auto seen = std::make_shared<QString>(u"old hook state"_s);
    t.engine->setPreExecuteHook([&inside, &leave, seen](RunRequest &req) {
        inside.release();
        leave.acquire();
        req.input = *seen; // the hook's own state, still alive after it was replaced
        return HookVerdict{};
    });
    t.handlers.add(u"echo"_s, [](RunContext &ctx) { return Outcome::success(ctx.input()); });
    RunSubmission sub;
    sub.handler = u"echo"_s;
    const RunId first = t.engine->submitRun(sub).value();
    QVERIFY(inside.tryAcquire(1, 5000)); // a worker is inside the hook
    seen.reset();
    t.engine->setPreExecuteHook([](RunRequest &req) {
        req.input = u"new hook"_s;
        return HookVerdict{};
    });
    leave.release();
    QTRY_COMPARE(t.events->outcomeOf(first), EventType::RunCompleted);
    QCOMPARE(t.events->outcomesOf(first).first().text, u"old hook state"_s);
    const RunId second = t.engine->submitRun(sub).value();
    QTRY_COMPARE(t.events->outcomeOf(second), EventType::RunCompleted);
    QCOMPARE(t.events->outcomesOf(second).first().text, u"new hook"_s);
}

void tst_Engine::poolFollowsWhatTheLanesAdmit()
{
    auto pool = std::make_unique<PoolExecutor>(0);
    PoolExecutor *raw = pool.get();
    TestEngine t(TestEngine::defaultOptions(), {}, std::move(pool));
    // main 30 + subagent 50 + team 100 + cron 30: every admitted run can have a thread.
    QCOMPARE(raw->maxThreads(), 210);
    QVERIFY(!t.engine->setLaneLimit(u"main"_s, 100).isError());
    QCOMPARE(raw->maxThreads(), 280);
}

QTEST_GUILESS_MAIN(tst_Engine)
#include "tst_engine.moc"
