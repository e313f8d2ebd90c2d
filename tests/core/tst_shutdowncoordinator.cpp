// SPDX-License-Identifier: GPL-3.0-or-later
// ShutdownCoordinator (SPEC Q12): nothing new starts, runs between steps park at once, executing
// ones at the deadline, and `done` comes once, after the final flush.
#include "partsfixture.h"

#include "engine/runrecord.h"

#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_ShutdownCoordinator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void waitsForExecutingRunsThenParksThem();
    void runsBetweenStepsGetTheDeadlineToo();
    void doneOnceAndAgainAfterStopped();
    void nothingStartsOrIsAccepted();
};

void tst_ShutdownCoordinator::waitsForExecutingRunsThenParksThem()
{
    PartsFixture f;
    const RunId quick = f.submit(0);
    const RunId slow = f.submit(0);
    int done = 0;
    f.turn([&] {
        f.parts->shutdown.begin(2000, [&done] { ++done; });
        return 0;
    });
    f.finish(quick); // finishes in time: a normal outcome
    QCOMPARE(f.ofRun(quick).last().type, EventType::RunCompleted);
    QCOMPARE(done, 0);
    f.advance(2000);
    QCOMPARE(f.ofRun(slow).last().type, EventType::RunInterrupted);
    QVERIFY(f.executor.isCancelled(slow));
    QCOMPARE(done, 1);
    QVERIFY(f.parts->shutdown.isStopped());
    QCOMPARE(f.store->runs.value(slow).state, RunState::Queued); // resumes next start
}

void tst_ShutdownCoordinator::runsBetweenStepsGetTheDeadlineToo()
{
    PartsFixture f;
    const RunId id = f.submit(0);
    f.finish(id, Outcome::continueAfter(10'000));
    int done = 0;
    f.turn([&] {
        f.parts->shutdown.begin(3000, [&done] { ++done; });
        return 0;
    });
    QCOMPARE(done, 0); // in flight, though it holds no thread
    f.advance(2999);
    QCOMPARE(done, 0);
    f.advance(1);
    QCOMPARE(done, 1);
    QCOMPARE(f.ofRun(id).last().type, EventType::RunInterrupted);
    QCOMPARE(f.parts->lanes.running(), 0);
    QVERIFY(!f.parts->runs.find(id));
    QVERIFY(!f.parts->shutdown.result().isError());
}

void tst_ShutdownCoordinator::doneOnceAndAgainAfterStopped()
{
    PartsFixture f;
    int first = 0, second = 0;
    f.turn([&] {
        f.parts->shutdown.begin(0, [&first] { ++first; });
        return 0;
    });
    QCOMPARE(first, 1);
    f.turn([&] {
        f.parts->shutdown.begin(0, [&second] { ++second; });
        return 0;
    });
    QCOMPARE(first, 1);
    QCOMPARE(second, 1); // told at once: it already happened
}

void tst_ShutdownCoordinator::nothingStartsOrIsAccepted()
{
    PartsFixture f;
    QVERIFY(!f.turn([&] { return f.parts->settings.setLaneLimit(u"main"_s, 1); }).isError());
    const RunId running = f.submit(0);
    const RunId waiting = f.submit(0);
    f.turn([&] {
        f.parts->shutdown.begin(60'000, {});
        return 0;
    });
    QCOMPARE(f.parts->shutdown.refusal().code, ErrorCode::Stopped);
    f.finish(running);
    QVERIFY(!f.executor.isHeld(waiting)); // the freed slot is not given out
    QCOMPARE(f.parts->runs.find(waiting)->stage, RunRecord::Stage::WaitingForSlot);
}

QTEST_GUILESS_MAIN(tst_ShutdownCoordinator)
#include "tst_shutdowncoordinator.moc"
