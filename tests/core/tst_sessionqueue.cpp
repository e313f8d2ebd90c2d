// SPDX-License-Identifier: GPL-3.0-or-later
// SessionQueue policy (SPEC Q1–Q9), driven through the engine on a virtual clock with a manual
// executor: no threads, no sleeps.
#include "testengine.h"

#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_SessionQueue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void serialWithinSessionParallelAcross();
    void dropPolicy_data();
    void dropPolicy();
    void interruptCancelsActiveAndNewSucceeds();
    void collectMergesQueuedMessages();
    void debounceCollapsesBurst_data();
    void debounceCollapsesBurst();
    void throttle_data();
    void throttle();
    void cancelOneFreesTheSlot();
    void cancelAllThenEarlierMessageIsStale();
    void resetIgnoresLateCompletions();
    void drainingRejects();
    void pausedSessionHoldsItsQueue();
    void configIsLiveEditable();
};

void tst_SessionQueue::serialWithinSessionParallelAcross()
{
    TestEngine t;
    const SessionId a = t.session(u"a"_s), b = t.session(u"b"_s), c = t.session(u"c"_s);
    QVector<RunId> ra, rb, rc;
    for (int i = 0; i < 3; ++i) {
        ra << t.send(a);
        rb << t.send(b);
        rc << t.send(c);
    }
    // One run per session at a time, all three sessions at once.
    QCOMPARE(t.manual()->held(), (QVector<RunId>{ra[0], rb[0], rc[0]}));
    t.finish(ra[0]);
    QCOMPARE(t.manual()->held(), (QVector<RunId>{rb[0], rc[0], ra[1]}));
    t.finish(ra[1]);
    t.finish(rb[0]);
    QCOMPARE(t.manual()->held(), (QVector<RunId>{rc[0], ra[2], rb[1]}));
    QCOMPARE(t.manual()->maxHeld(), 3);
    // Within a session, start order is message order.
    QVector<RunId> aStarts;
    for (RunId id : t.events->startOrder())
        if (ra.contains(id))
            aStarts << id;
    QCOMPARE(aStarts, ra);
}

void tst_SessionQueue::dropPolicy_data()
{
    QTest::addColumn<QString>("drop");
    QTest::addColumn<int>("cap");
    QTest::addColumn<int>("extra"); // messages sent after the first (which starts at once)
    QTest::addColumn<int>("dropped");
    QTest::addColumn<int>("rejected");
    QTest::addColumn<int>("queuedAfter");
    QTest::addColumn<bool>("firstStarts");

    QTest::newRow("old evicts the head") << u"old"_s << 2 << 4 << 2 << 0 << 2 << true;
    QTest::newRow("new rejects incoming") << u"new"_s << 2 << 4 << 0 << 2 << 2 << true;
    QTest::newRow("room left, nothing lost") << u"new"_s << 5 << 3 << 0 << 0 << 3 << true;
    QTest::newRow("cap 0 + new rejects all") << u"new"_s << 0 << 3 << 0 << 4 << 0 << false;
}

void tst_SessionQueue::dropPolicy()
{
    QFETCH(QString, drop);
    QFETCH(int, cap);
    QFETCH(int, extra);
    QFETCH(int, dropped);
    QFETCH(int, rejected);
    QFETCH(int, queuedAfter);
    QFETCH(bool, firstStarts);

    TestEngine t;
    QueueConfigOverride o;
    o.cap = cap;
    o.drop = dropPolicyFromName(drop);
    const SessionId s = t.session(u"s"_s, o);
    QVector<RunId> accepted;
    int fullErrors = 0;
    for (int i = 0; i <= extra; ++i) {
        Error e;
        const RunId id = t.send(s, u"m%1"_s.arg(i), &e);
        if (id)
            accepted << id;
        else if (e.code == ErrorCode::QueueFull)
            ++fullErrors;
        else
            QFAIL(qPrintable(e.toString()));
    }
    QCOMPARE(fullErrors, rejected);
    QCOMPARE(t.events->count(EventType::RunRejected), rejected);
    QCOMPARE(t.events->count(EventType::RunDropped), dropped);
    for (const Event &e : t.events->ofType(EventType::RunDropped))
        QCOMPARE(e.code, ErrorCode::QueueDropped);
    QCOMPARE(t.engine->sessionStatus(s)->queued, queuedAfter);
    QCOMPARE(t.manual()->held().size(), firstStarts ? 1 : 0);
    if (dropped > 0) {
        // drop old evicts the oldest waiting ones: the newest survive.
        QCOMPARE(t.events->outcomeOf(accepted.last()), EventType::RunQueued);
        QCOMPARE(t.events->outcomeOf(accepted[1]), EventType::RunDropped);
    }
}

void tst_SessionQueue::interruptCancelsActiveAndNewSucceeds()
{
    TestEngine t;
    QueueConfigOverride o;
    o.mode = QueueMode::Interrupt;
    const SessionId s = t.session(u"s"_s, o);
    const RunId first = t.send(s, u"first"_s);
    QVERIFY(t.manual()->isHeld(first));
    const RunId second = t.send(s, u"second"_s);
    // The active run is cancelled at once (its worker is told) and the new one starts.
    QCOMPARE(t.events->outcomeOf(first), EventType::RunCancelled);
    QVERIFY(t.manual()->isCancelled(first));
    QVERIFY(t.manual()->isHeld(second));
    const RunId third = t.send(s, u"third"_s);
    QCOMPARE(t.events->outcomeOf(second), EventType::RunCancelled);
    t.finish(first); // late return of the cancelled worker: no second outcome
    t.finish(second);
    t.finish(third);
    QCOMPARE(t.events->outcomeOf(third), EventType::RunCompleted);
    QCOMPARE(t.events->outcomesOf(first).size(), 1);
    QCOMPARE(t.events->outcomesOf(second).size(), 1);
    QCOMPARE(t.engine->runningCount(), 0);
}

void tst_SessionQueue::collectMergesQueuedMessages()
{
    TestEngine t;
    QueueConfigOverride o;
    o.mode = QueueMode::Collect;
    const SessionId s = t.session(u"s"_s, o);
    const RunId first = t.send(s, u"one"_s);
    const RunId m2 = t.send(s, u"two"_s);
    const RunId m3 = t.send(s, u"three"_s);
    const RunId m4 = t.send(s, u"four"_s);
    QCOMPARE(t.manual()->held(), QVector<RunId>{first});
    t.finish(first);
    // Everything that queued up while `first` ran becomes ONE run, in order.
    QCOMPARE(t.manual()->held(), QVector<RunId>{m2});
    QCOMPARE(t.engine->liveRun(m2)->input, u"two\nthree\nfour"_s);
    QCOMPARE(t.engine->liveRun(m2)->mergedCount, 3);
    QCOMPARE(t.events->outcomeOf(m3), EventType::RunMerged);
    QCOMPARE(t.events->outcomeOf(m4), EventType::RunMerged);
    QCOMPARE(t.events->outcomesOf(m3).first().value, m2);
    t.finish(m2);
    QCOMPARE(t.events->outcomeOf(m2), EventType::RunCompleted);
    QCOMPARE(t.engine->counters().merged, 2u);
}

void tst_SessionQueue::debounceCollapsesBurst_data()
{
    QTest::addColumn<QueueMode>("mode");
    QTest::addColumn<int>("expectedRuns");
    QTest::newRow("queue: every message runs") << QueueMode::Queue << 5;
    QTest::newRow("collect: one merged run") << QueueMode::Collect << 1;
}

void tst_SessionQueue::debounceCollapsesBurst()
{
    QFETCH(QueueMode, mode);
    QFETCH(int, expectedRuns);
    TestEngine t;
    QueueConfigOverride o;
    o.mode = mode;
    o.debounceMs = 800;
    const SessionId s = t.session(u"s"_s, o);
    QVector<RunId> ids;
    for (int i = 0; i < 5; ++i) {
        ids << t.send(s, u"m%1"_s.arg(i));
        t.advance(100); // a burst: never 800 ms of quiet
    }
    QCOMPARE(t.events->count(EventType::RunStarted), 0);
    t.advance(699); // 799 ms after the last message
    QCOMPARE(t.events->count(EventType::RunStarted), 0);
    t.advance(1); // quiet for exactly 800 ms
    QCOMPARE(t.events->count(EventType::RunStarted), 1);
    // The rest follow without further delay: the quiet window already passed.
    while (!t.manual()->held().isEmpty())
        t.finish(t.manual()->held().first());
    QCOMPARE(t.events->count(EventType::RunStarted), expectedRuns);
    QCOMPARE(t.events->count(EventType::RunCompleted), expectedRuns);
    for (RunId id : ids)
        QCOMPARE(t.events->outcomesOf(id).size(), 1); // every message resolved
}

void tst_SessionQueue::throttle_data()
{
    QTest::addColumn<double>("ratio");
    QTest::addColumn<int>("concurrent");
    QTest::newRow("50% keeps max concurrency") << 0.5 << 3;
    QTest::newRow("60% serialises") << 0.6 << 1;
    QTest::newRow("80% serialises") << 0.8 << 1;
}

void tst_SessionQueue::throttle()
{
    QFETCH(double, ratio);
    QFETCH(int, concurrent);
    TestEngine t;
    t.engine->setTokenEstimator([ratio](const Session &) {
        return TokenEstimate{qint64(ratio * 100000), 100000};
    });
    QueueConfigOverride o;
    o.maxConcurrent = 3;
    const SessionId s = t.session(u"s"_s, o);
    for (int i = 0; i < 5; ++i)
        t.send(s);
    QCOMPARE(t.manual()->held().size(), concurrent);
    QCOMPARE(t.engine->sessionStatus(s)->tokenRatio, ratio);
}

void tst_SessionQueue::cancelOneFreesTheSlot()
{
    TestEngine t;
    const SessionId s = t.session(u"s"_s);
    const RunId first = t.send(s, u"first"_s);
    const RunId second = t.send(s, u"second"_s);
    QCOMPARE(t.manual()->held(), QVector<RunId>{first});
    QVERIFY(t.engine->cancelOne(s).value());
    QCOMPARE(t.events->outcomeOf(first), EventType::RunCancelled);
    QVERIFY(t.manual()->isCancelled(first));
    // The session's place is free: the next message starts without waiting for the worker.
    QVERIFY(t.manual()->isHeld(second));
    QCOMPARE(t.engine->sessionStatus(s)->queued, 0);
    t.finish(first);
    QCOMPARE(t.events->outcomesOf(first).size(), 1);
    t.finish(second);
    QCOMPARE(t.events->outcomeOf(second), EventType::RunCompleted);
    QVERIFY(!t.engine->cancelOne(s).value()); // nothing active
}

void tst_SessionQueue::cancelAllThenEarlierMessageIsStale()
{
    TestEngine t;
    const SessionId s = t.session(u"s"_s);
    t.advance(1000);
    const TimeMs sentBefore = t.clock.now() - 10; // sent before the cancel-all, arriving late
    const RunId a = t.send(s, u"a"_s);
    const RunId b = t.send(s, u"b"_s);
    QCOMPARE(t.engine->cancelAll(s).value(), 2);
    QCOMPARE(t.events->outcomeOf(a), EventType::RunCancelled);
    QCOMPARE(t.events->outcomeOf(b), EventType::RunCancelled);
    Error error;
    QCOMPARE(t.send(s, u"late"_s, &error, sentBefore), RunId(0));
    QCOMPARE(error.code, ErrorCode::MessageStale);
    const Event stale = t.events->ofType(EventType::RunStale).value(0);
    QCOMPARE(stale.code, ErrorCode::MessageStale);
    QCOMPARE(t.events->outcomesOf(stale.run).size(), 1);
    // Fresh messages run normally.
    const RunId fresh = t.send(s, u"fresh"_s);
    QVERIFY(t.manual()->isHeld(fresh));
}

void tst_SessionQueue::resetIgnoresLateCompletions()
{
    TestEngine t;
    const SessionId s = t.session(u"s"_s);
    const RunId active = t.send(s, u"active"_s);
    const RunId queued = t.send(s, u"queued"_s);
    QCOMPARE(t.engine->reset(s).value(), 2);
    QCOMPARE(t.events->outcomesOf(active).first().code, ErrorCode::LaneCleared);
    QCOMPARE(t.events->outcomesOf(queued).first().code, ErrorCode::LaneCleared);
    const RunId next = t.send(s, u"next"_s);
    // The old worker completes successfully after the reset: ignored.
    t.finish(active, Outcome::success(u"late result"_s));
    QCOMPARE(t.events->outcomesOf(active).size(), 1);
    QCOMPARE(t.events->outcomeOf(active), EventType::RunCancelled);
    QCOMPARE(t.events->count(EventType::RunCompleted), 0);
    t.finish(next);
    QCOMPARE(t.events->outcomeOf(next), EventType::RunCompleted);
}

void tst_SessionQueue::drainingRejects()
{
    TestEngine t;
    const SessionId s = t.session(u"s"_s);
    const RunId running = t.send(s);
    t.engine->drain(-1, u"tester"_s);
    QVERIFY(t.engine->isDraining());
    Error error;
    QCOMPARE(t.send(s, u"more"_s, &error), RunId(0));
    QCOMPARE(error.code, ErrorCode::Draining);
    QCOMPARE(t.events->ofType(EventType::RunRejected).last().code, ErrorCode::Draining);
    QCOMPARE(t.events->count(EventType::SchedulerDrained), 0);
    t.finish(running);
    QCOMPARE(t.events->count(EventType::SchedulerDrained), 1);
    t.engine->resume(u"tester"_s);
    QVERIFY(t.send(s, u"after resume"_s) != 0);
}

void tst_SessionQueue::pausedSessionHoldsItsQueue()
{
    TestEngine t;
    const SessionId s = t.session(u"s"_s), other = t.session(u"other"_s);
    QVERIFY(!t.engine->setSessionPaused(s, true).isError());
    const RunId held = t.send(s);
    const RunId free = t.send(other);
    QVERIFY(!t.manual()->isHeld(held));
    QVERIFY(t.manual()->isHeld(free));
    QVERIFY(!t.engine->setSessionPaused(s, false).isError());
    QVERIFY(t.manual()->isHeld(held));
}

void tst_SessionQueue::configIsLiveEditable()
{
    TestEngine t;
    const SessionId s = t.session(u"s"_s);
    for (int i = 0; i < 4; ++i)
        t.send(s);
    QCOMPARE(t.manual()->held().size(), 1);
    QueueConfigOverride o;
    o.maxConcurrent = 3;
    QVERIFY(!t.engine->setSessionQueueConfig(s, o).isError());
    QCOMPARE(t.manual()->held().size(), 3);
    QCOMPARE(t.engine->queueConfig(s).maxConcurrent, 3);
    QCOMPARE(t.engine->queueConfig(s).cap, 10); // untouched fields follow the defaults
}

QTEST_GUILESS_MAIN(tst_SessionQueue)
#include "tst_sessionqueue.moc"
