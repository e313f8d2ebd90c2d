// SPDX-License-Identifier: GPL-3.0-or-later
// Priorities and preemption (SPEC P1, P2) on a VirtualClock with a manual executor: the order on
// a saturated lane, who is interrupted and when, the grace period, yields, noReschedule, fairness
// and the runs that are never interrupted.
#include "eventrecorder.h"
#include "tempdatabase.h"
#include "testengine.h"

#include "engine/enginestatus.h"
#include "exec/runcontext.h"
#include "exec/runticket.h"
#include "store/sqlitestore.h"

#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_Preemption : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void priorityOrderOnASaturatedLaneOfOneSlot();
    void aWaitingInteractiveRunInterruptsTheLowestPriorityRun();
    void aYieldFreesTheSlotAndRequeuesWithTheSavedState();
    void aRunThatIgnoresTheInterruptRunsToCompletion();
    void noRescheduleEndsTheRunCompleted();
    void oneInterruptInFlightPerWaitingRun();
    void neverInterruptsUrgentInteractiveOrNonPreemptibleRuns();
    void aRunBetweenStepsIsWokenToYield();
    void theGracePeriodIsPerLane();
    void nothingIsInterruptedWhilePaused();
    void savedStateSurvivesARestart();
    void anUnreadableStateFailsTheRunClearly_data();
    void anUnreadableStateFailsTheRunClearly();

private:
    static EngineOptions options(int mainLimit);
    static RunId submit(TestEngine &t, Priority p, bool preemptible = true, const QString &handler = u"noop"_s);
};

namespace {
/// Yields when interrupted (saving how far it got), else takes steps of 1 s; `noReschedule` asks
/// to end instead of being requeued.
class SteppingHandler final : public Handler
{
public:
    explicit SteppingHandler(bool noReschedule = false)
        : m_noReschedule(noReschedule)
    {}
    Outcome run(RunContext &c) override
    {
        const int done = c.savedState().isEmpty() ? 0 : c.savedState().toInt();
        if (c.checkAndConsumeInterrupt()) {
            c.saveState(QByteArray::number(done));
            if (m_noReschedule)
                c.noReschedule();
            return Outcome::yielded();
        }
        if (done >= 5)
            return Outcome::success(u"done after %1 steps"_s.arg(done));
        c.saveState(QByteArray::number(done + 1));
        return Outcome::continueAfter(1000);
    }

private:
    bool m_noReschedule;
};

class UnstoppableHandler final : public Handler
{
public:
    Outcome run(RunContext &) override { return Outcome::success(); }
    bool preemptible() const override { return false; }
};
} // namespace

EngineOptions tst_Preemption::options(int mainLimit)
{
    EngineOptions o = TestEngine::defaultOptions();
    o.laneLimits.insert(u"main"_s, mainLimit);
    o.cycle.intervalMs = 0;
    return o;
}

RunId tst_Preemption::submit(TestEngine &t, Priority p, bool preemptible, const QString &handler)
{
    RunSubmission sub;
    sub.handler = handler;
    sub.lane = u"main"_s;
    sub.priority = p;
    sub.preemptible = preemptible;
    Expected<RunId> id = t.engine->submitRun(sub);
    if (!id)
        qFatal("submitRun: %s", qPrintable(id.error().toString()));
    t.runUntilIdle();
    return id.value();
}

void tst_Preemption::priorityOrderOnASaturatedLaneOfOneSlot()
{
    // The only slot is blocked by a run that may not be interrupted; what waits starts in
    // priority order (interactive, urgent, high, normal, low), then by time, then by id.
    TestEngine t(options(1));
    const RunId blocker = submit(t, Priority::Low, false);
    QCOMPARE(t.manual()->held(), QVector<RunId>{blocker});
    const RunId low = submit(t, Priority::Low);
    const RunId normal1 = submit(t, Priority::Normal);
    t.advance(5);
    const RunId normal2 = submit(t, Priority::Normal);
    const RunId high = submit(t, Priority::High);
    const RunId urgent = submit(t, Priority::Urgent);
    const RunId interactive = submit(t, Priority::Interactive);
    QVERIFY(!t.manual()->isInterrupted(blocker));
    QVector<RunId> order;
    RunId current = blocker;
    for (int i = 0; i < 7; ++i) {
        t.finish(current);
        if (t.manual()->held().isEmpty())
            break;
        current = t.manual()->held().first();
        order << current;
    }
    QCOMPARE(order, (QVector<RunId>{interactive, urgent, high, normal1, normal2, low}));
}

void tst_Preemption::aWaitingInteractiveRunInterruptsTheLowestPriorityRun()
{
    TestEngine t(options(2));
    const RunId low = submit(t, Priority::Low);
    const RunId normal = submit(t, Priority::Normal);
    QCOMPARE(t.manual()->held().size(), 2);
    const RunId ui = submit(t, Priority::Interactive);
    QVERIFY(!t.manual()->isHeld(ui)); // the lane is full
    QVERIFY(t.manual()->isInterrupted(low));
    QVERIFY(!t.manual()->isInterrupted(normal));
    const QVector<Event> interrupted = t.events->ofType(EventType::RunInterrupted);
    QCOMPARE(interrupted.size(), 1);
    QCOMPARE(interrupted.first().run, low);
    QCOMPARE(interrupted.first().value, ui);
    QVERIFY(interrupted.first().text.contains(u"100 ms"_s));
    // A high run arriving now does not preempt: only interactive and urgent work does.
    submit(t, Priority::High);
    QCOMPARE(t.events->count(EventType::RunInterrupted), 1);
}

void tst_Preemption::aYieldFreesTheSlotAndRequeuesWithTheSavedState()
{
    TestEngine t(options(1));
    const RunId low = submit(t, Priority::Low);
    const RunId ui = submit(t, Priority::Interactive);
    QVERIFY(t.manual()->isInterrupted(low));
    t.manual()->ticket(low)->savedState = "step 3";
    t.finish(low, Outcome::yielded());
    QVERIFY(t.manual()->isHeld(ui));
    QCOMPARE(t.engine->counters().preemptions, 1u);
    QCOMPARE(t.engine->laneStats(u"main"_s)->preemptions, 1u);
    QCOMPARE(t.events->ofRun(low).last().type, EventType::RunRescheduled);
    QCOMPARE(t.engine->liveRun(low)->state, RunState::Queued);
    // It comes back with what it saved and is asked to yield no more.
    t.finish(ui);
    QVERIFY(t.manual()->isHeld(low));
    QCOMPARE(t.manual()->ticket(low)->savedState, QByteArray("step 3"));
    QVERIFY(!t.manual()->isInterrupted(low));
    t.finish(low);
    QCOMPARE(t.events->outcomeOf(low), EventType::RunCompleted);
    QCOMPARE(t.events->outcomesOf(low).size(), 1);
}

void tst_Preemption::aRunThatIgnoresTheInterruptRunsToCompletion()
{
    TestEngine t(options(2));
    const RunId low = submit(t, Priority::Low);
    const RunId normal = submit(t, Priority::Normal);
    const RunId ui = submit(t, Priority::Interactive);
    QVERIFY(t.manual()->isInterrupted(low));
    t.advance(99);
    QCOMPARE(t.engine->counters().preemptionsRefused, 0u);
    t.advance(1); // the grace period is over: it is left to finish, and never asked again
    QCOMPARE(t.engine->counters().preemptionsRefused, 1u);
    QCOMPARE(t.engine->laneStats(u"main"_s)->preemptionsRefused, 1u);
    QVERIFY(!t.manual()->isInterrupted(low));
    QVERIFY(t.manual()->isHeld(low));
    // The interactive run still waits: the next candidate is asked.
    QVERIFY(t.manual()->isInterrupted(normal));
    t.advance(100);
    QCOMPARE(t.engine->counters().preemptionsRefused, 2u);
    QCOMPARE(t.events->count(EventType::RunInterrupted), 2); // no one is asked twice
    // When the ignoring run ends normally, the interactive one takes its slot.
    t.finish(low);
    QVERIFY(t.manual()->isHeld(ui));
    QCOMPARE(t.events->outcomeOf(low), EventType::RunCompleted);
    QCOMPARE(t.engine->counters().preemptions, 0u);
}

void tst_Preemption::noRescheduleEndsTheRunCompleted()
{
    TestEngine t(options(1));
    t.handlers.add(u"stepper"_s, std::make_shared<SteppingHandler>(true));
    const RunId low = submit(t, Priority::Low, true, u"stepper"_s);
    QVERIFY(t.manual()->execute(low)); // first step: continues after 1 s
    t.runUntilIdle();
    const RunId ui = submit(t, Priority::Interactive);
    QVERIFY(t.manual()->isHeld(low)); // woken early to see the interrupt
    QVERIFY(t.manual()->execute(low));
    t.runUntilIdle();
    QCOMPARE(t.events->outcomeOf(low), EventType::RunCompleted);
    QVERIFY(t.events->outcomesOf(low).first().text.contains(u"no reschedule"_s));
    QCOMPARE(t.engine->counters().preemptions, 1u);
    QVERIFY(t.manual()->isHeld(ui));
}

void tst_Preemption::oneInterruptInFlightPerWaitingRun()
{
    TestEngine t(options(3));
    QVector<RunId> low;
    for (int i = 0; i < 3; ++i)
        low << submit(t, Priority::Low);
    submit(t, Priority::Interactive);
    int interrupted = 0;
    for (RunId id : low)
        interrupted += t.manual()->isInterrupted(id);
    QCOMPARE(interrupted, 1);
    submit(t, Priority::Urgent);
    interrupted = 0;
    for (RunId id : low)
        interrupted += t.manual()->isInterrupted(id);
    QCOMPARE(interrupted, 2);
    // Another turn with nothing new asks no one else.
    t.advance(10);
    QCOMPARE(t.events->count(EventType::RunInterrupted), 2);
}

void tst_Preemption::neverInterruptsUrgentInteractiveOrNonPreemptibleRuns()
{
    TestEngine t(options(3));
    t.handlers.add(u"unstoppable"_s, std::make_shared<UnstoppableHandler>());
    const RunId urgent = submit(t, Priority::Urgent);
    const RunId pinned = submit(t, Priority::Low, false);
    const RunId viaHandler = submit(t, Priority::Low, true, u"unstoppable"_s);
    submit(t, Priority::Interactive);
    for (RunId id : {urgent, pinned, viaHandler})
        QVERIFY2(!t.manual()->isInterrupted(id), qPrintable(u"run %1"_s.arg(id)));
    QCOMPARE(t.events->count(EventType::RunInterrupted), 0);
}

void tst_Preemption::aRunBetweenStepsIsWokenToYield()
{
    TestEngine t(options(1));
    t.handlers.add(u"stepper"_s, std::make_shared<SteppingHandler>());
    const RunId low = submit(t, Priority::Low, true, u"stepper"_s);
    QVERIFY(t.manual()->execute(low));
    t.runUntilIdle();
    QVERIFY(!t.manual()->isHeld(low)); // waiting 1 s for its next step, holding its slot
    const RunId ui = submit(t, Priority::Interactive);
    QVERIFY(t.manual()->isHeld(low)); // its step is taken now, with the interrupt pending
    QVERIFY(t.manual()->isInterrupted(low));
    QVERIFY(t.manual()->execute(low));
    t.runUntilIdle();
    QVERIFY(t.manual()->isHeld(ui));
    QCOMPARE(t.events->ofRun(low).last().type, EventType::RunRescheduled);
    QCOMPARE(t.engine->liveRun(low)->savedState, QByteArray("1"));
}

void tst_Preemption::theGracePeriodIsPerLane()
{
    EngineOptions o = options(1);
    o.preemptGraceMs = 250;
    TestEngine t(o);
    const RunId low = submit(t, Priority::Low);
    submit(t, Priority::Interactive);
    QVERIFY(t.events->ofType(EventType::RunInterrupted).first().text.contains(u"250 ms"_s));
    t.advance(249);
    QCOMPARE(t.engine->counters().preemptionsRefused, 0u);
    t.advance(1);
    QCOMPARE(t.engine->counters().preemptionsRefused, 1u);
    t.finish(low);
    // A lane of its own grace.
    QVERIFY(!t.engine->setLanePreemptGrace(u"main"_s, 40).isError());
    QCOMPARE(t.engine->laneStats(u"main"_s)->preemptGraceMs, 40);
    QVERIFY(t.engine->setLanePreemptGrace(u"main"_s, -1).isError());
    QVERIFY(t.engine->setLanePreemptGrace(u"nope"_s, 10).isError());
    t.manual()->finishAll();
    t.runUntilIdle();
    const RunId low2 = submit(t, Priority::Low);
    submit(t, Priority::Urgent);
    QVERIFY(t.manual()->isInterrupted(low2));
    t.advance(40);
    QCOMPARE(t.engine->counters().preemptionsRefused, 2u);
}

void tst_Preemption::nothingIsInterruptedWhilePaused()
{
    TestEngine t(options(1));
    const RunId low = submit(t, Priority::Low);
    t.engine->pause(u"maintenance"_s, u"op"_s);
    submit(t, Priority::Interactive);
    QVERIFY(!t.manual()->isInterrupted(low)); // nothing could take the slot anyway
    t.engine->resume(u"op"_s);
    t.runUntilIdle();
    QVERIFY(t.manual()->isInterrupted(low));
}

void tst_Preemption::savedStateSurvivesARestart()
{
    // A stepping run (the built-in simulate handler: 4 steps) saves its count at every step;
    // the process dies between steps; the next engine on the same file resumes it from there
    // (SPEC P3, R1) instead of starting over.
    TempDatabase dir;
    RunId id = 0;
    {
        TestEngine t(options(1), SqliteStore::open(dir.path()).value());
        RunSubmission sub;
        sub.handler = u"simulate"_s;
        sub.payloadJson = R"({"duration_ms": 4000, "steps": 4, "distribution": "fixed"})";
        id = t.engine->submitRun(sub).value();
        t.runUntilIdle();
        for (int i = 0; i < 3; ++i) {
            QVERIFY(t.manual()->execute(id));
            t.runUntilIdle();
            t.advance(1000);
        }
        QCOMPARE(t.engine->liveRun(id)->savedState, QByteArray(R"({"step":3})"));
        QVERIFY(t.store->flush().code == ErrorCode::None);
        // Dropped without a shutdown, as kill -9 would: nothing after this reaches the file.
        t.events.reset();
        t.engine.reset();
    }
    TestEngine again(options(1), SqliteStore::open(dir.path()).value());
    QVERIFY(again.manual()->isHeld(id));
    QCOMPARE(again.manual()->ticket(id)->savedState, QByteArray(R"({"step":3})"));
    int steps = 0;
    for (; steps < 10 && again.manual()->isHeld(id); ++steps) {
        QVERIFY(again.manual()->execute(id));
        again.runUntilIdle();
        again.advance(1000);
    }
    QCOMPARE(again.events->outcomeOf(id), EventType::RunCompleted);
    QCOMPARE(steps, 2); // its fourth step and the finish, not four steps more
}

void tst_Preemption::anUnreadableStateFailsTheRunClearly_data()
{
    QTest::addColumn<QByteArray>("state");
    QTest::addColumn<QString>("payload");
    QTest::addColumn<QString>("reason");
    QTest::newRow("not JSON") << QByteArray("\xff{garbage") << u"{}"_s << u"not JSON"_s;
    QTest::newRow("JSON but not an object") << QByteArray("[1,2]") << u"{}"_s << u"not an object"_s;
    QTest::newRow("the handler cannot read it") << QByteArray(R"({"step":1})") << uR"({"restore":"corrupt"})"_s
                                                << u"restore: corrupt"_s;
}

void tst_Preemption::anUnreadableStateFailsTheRunClearly()
{
    QFETCH(QByteArray, state);
    QFETCH(QString, payload);
    QFETCH(QString, reason);
    TestEngine t(options(1));
    RunSubmission sub;
    sub.handler = u"simulate"_s;
    sub.payloadJson = payload.toUtf8();
    const RunId id = t.engine->submitRun(sub).value();
    t.runUntilIdle();
    t.manual()->ticket(id)->savedState = state; // what it gets back on resuming
    QVERIFY(t.manual()->execute(id));
    t.runUntilIdle();
    const QVector<Event> outcomes = t.events->outcomesOf(id);
    QCOMPARE(outcomes.size(), 1);
    QCOMPARE(outcomes.first().type, EventType::RunFailed);
    QCOMPARE(outcomes.first().code, ErrorCode::StateUnreadable);
    QVERIFY2(outcomes.first().text.startsWith(u"run %1: cannot restore its saved state: "_s.arg(id)),
             qPrintable(outcomes.first().text));
    QVERIFY2(outcomes.first().text.contains(reason), qPrintable(outcomes.first().text));
}

QTEST_GUILESS_MAIN(tst_Preemption)
#include "tst_preemption.moc"
