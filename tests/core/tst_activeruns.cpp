// SPDX-License-Identifier: GPL-3.0-or-later
// ActiveRuns (SPEC L3, Q10, Q12, P2): runs holding a slot. Tickets carry the run, every way of
// ending frees the slot once, and a cancelled run's late result is ignored.
#include "partsfixture.h"

#include "engine/runrecord.h"
#include "exec/runticket.h"

#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_ActiveRuns : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void ticketCarriesTheRun();
    void endFreesSlotAndStartsTheSessionsNext();
    void cancelInEveryStage_data();
    void cancelInEveryStage();
    void continueAfterKeepsTheSlotBetweenSteps();
    void yieldGoesBackToTheLaneWithItsState();
    void parkIsNotAnOutcome();
};

void tst_ActiveRuns::ticketCarriesTheRun()
{
    PartsFixture f;
    const SessionId s = f.session(u"s"_s, {}, u"team"_s);
    const RunId id = f.submit(s, u"simulate"_s, u"the input"_s, {}, Priority::High);
    const RunRecord *run = f.parts->runs.find(id);
    QCOMPARE(run->stage, RunRecord::Stage::Executing);
    const RunTicket *t = run->ticket;
    QCOMPARE(t->request.runId, id);
    QCOMPARE(t->request.sessionId, s);
    QCOMPARE(t->request.handler, u"simulate"_s);
    QCOMPARE(t->request.lane, u"team"_s);
    QCOMPARE(t->request.priority, Priority::High);
    QCOMPARE(t->request.input, u"the input"_s);
    QCOMPARE(t->handler, f.handlers.find(u"simulate"_s).get());
    QCOMPARE(f.parts->active.executing(), 1);
}

void tst_ActiveRuns::endFreesSlotAndStartsTheSessionsNext()
{
    PartsFixture f;
    const SessionId s = f.session(u"s"_s);
    const RunId a = f.submit(s);
    const RunId b = f.submit(s);
    QVERIFY(f.executor.isHeld(a));
    QVERIFY(!f.executor.isHeld(b)); // one at a time per session
    f.finish(a, Outcome::success(u"done"_s));
    QCOMPARE(f.ofRun(a).last().type, EventType::RunCompleted);
    QVERIFY(!f.parts->runs.find(a));
    QVERIFY(f.executor.isHeld(b));
    QCOMPARE(f.parts->lanes.running(), 1);
    f.finish(b, Outcome::failure(u"nope"_s));
    QCOMPARE(f.ofRun(b).last().type, EventType::RunFailed);
    QCOMPARE(f.parts->lanes.running(), 0);
    QCOMPARE(f.parts->active.executing(), 0);
}

void tst_ActiveRuns::cancelInEveryStage_data()
{
    QTest::addColumn<int>("stage");
    QTest::newRow("waiting for a slot") << int(RunRecord::Stage::WaitingForSlot);
    QTest::newRow("executing") << int(RunRecord::Stage::Executing);
    QTest::newRow("between steps") << int(RunRecord::Stage::BetweenSteps);
}

void tst_ActiveRuns::cancelInEveryStage()
{
    QFETCH(int, stage);
    PartsFixture f;
    QVERIFY(!f.turn([&] { return f.parts->settings.setLaneLimit(u"main"_s, 1); }).isError());
    const RunId blocker = f.submit(0);
    const RunId id = stage == int(RunRecord::Stage::WaitingForSlot) ? f.submit(0) : blocker;
    if (stage == int(RunRecord::Stage::BetweenSteps))
        f.finish(id, Outcome::continueAfter(1000));
    RunRecord *run = f.parts->runs.find(id);
    QCOMPARE(int(run->stage), stage);
    f.turn([&] {
        f.parts->active.cancel(run, ErrorCode::RunCancelled, u"operator"_s);
        return 0;
    });
    QCOMPARE(f.ofRun(id).last().type, EventType::RunCancelled);
    if (stage == int(RunRecord::Stage::Executing)) {
        // Resolved at once; the slot follows when the worker returns, and its result is ignored.
        QVERIFY(f.executor.isCancelled(id));
        QCOMPARE(f.parts->lanes.running(), 1);
        f.finish(id, Outcome::success(u"too late"_s));
        QCOMPARE(f.ofRun(id).last().type, EventType::RunCancelled);
    }
    QCOMPARE(f.parts->counters.cancelled, quint64(1));
    QCOMPARE(f.parts->counters.completed, quint64(0));
    QVERIFY(!f.parts->runs.find(id));
    f.executor.finishAll();
    f.runUntilIdle();
    QCOMPARE(f.parts->lanes.running(), 0);
    QCOMPARE(f.parts->active.awaitingReturn(), 0);
}

void tst_ActiveRuns::continueAfterKeepsTheSlotBetweenSteps()
{
    PartsFixture f;
    const RunId id = f.submit(0);
    f.finish(id, Outcome::continueAfter(500));
    QCOMPARE(f.parts->runs.find(id)->stage, RunRecord::Stage::BetweenSteps);
    QCOMPARE(f.parts->lanes.running(), 1); // the slot is kept, no thread is
    QVERIFY(!f.executor.isHeld(id));
    f.advance(499);
    QVERIFY(!f.executor.isHeld(id));
    f.advance(1);
    QVERIFY(f.executor.isHeld(id)); // the next step
    QCOMPARE(f.executor.dispatched().count(id), 2);
}

void tst_ActiveRuns::yieldGoesBackToTheLaneWithItsState()
{
    PartsFixture f;
    const RunId id = f.submit(0);
    RunRecord *run = f.parts->runs.find(id);
    run->ticket->savedState = "step 3";
    f.finish(id, Outcome::yielded());
    QCOMPARE(f.ofRun(id).at(f.ofRun(id).size() - 2).type, EventType::RunRescheduled);
    QVERIFY(f.executor.isHeld(id)); // a free slot: it started again
    QCOMPARE(f.parts->runs.find(id)->ticket->savedState, QByteArray("step 3"));
}

void tst_ActiveRuns::parkIsNotAnOutcome()
{
    PartsFixture f;
    const RunId id = f.submit(f.session(u"s"_s));
    RunRecord *run = f.parts->runs.find(id);
    f.turn([&] {
        f.parts->active.park(run);
        return 0;
    });
    QCOMPARE(f.ofRun(id).last().type, EventType::RunInterrupted);
    QCOMPARE(f.store->runs.value(id).state, RunState::Queued); // resumes on the next start
    QCOMPARE(f.parts->counters.cancelled + f.parts->counters.completed, quint64(0));
    QVERIFY(f.executor.isCancelled(id));
    f.finish(id);
    QVERIFY(!f.parts->runs.find(id));
    QCOMPARE(f.store->runs.value(id).state, RunState::Queued);
}

QTEST_GUILESS_MAIN(tst_ActiveRuns)
#include "tst_activeruns.moc"
