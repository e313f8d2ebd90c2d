// SPDX-License-Identifier: GPL-3.0-or-later
// SessionQueues (SPEC Q2, Q5, Q6, Q11): live queues, their debounce timers, the throttle and
// idle eviction, on a virtual clock.
#include "partsfixture.h"

#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_SessionQueues : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void openedOnDemandWithTheSessionsSettings();
    void debounceTimerStartsAfterQuiet();
    void throttleFollowsTheContextWindow();
    void idleQueuesLeaveMemory();
    void defaultsReachLiveQueues();
    void staleCutoffSurvivesEvictionAndRestart();
};

void tst_SessionQueues::openedOnDemandWithTheSessionsSettings()
{
    PartsFixture f;
    QueueConfigOverride o;
    o.cap = 3;
    o.mode = QueueMode::Collect;
    const SessionId s = f.session(u"s"_s, o);
    QCOMPARE(f.parts->queues.live(s), nullptr); // nothing to hold yet
    SessionQueue *q = f.turn([&] { return f.parts->queues.open(s); }).value();
    QCOMPARE(f.parts->queues.live(s), q);
    QCOMPARE(q->config().cap, 3);
    QCOMPARE(q->config().mode, QueueMode::Collect);
    QCOMPARE(f.turn([&] { return f.parts->queues.open(s); }).value(), q);
    QCOMPARE(f.turn([&] { return f.parts->queues.open(404); }).error().code, ErrorCode::SessionNotFound);
}

void tst_SessionQueues::debounceTimerStartsAfterQuiet()
{
    EngineOptions options = PartsFixture::defaultOptions();
    options.defaultQueue.debounceMs = 800;
    PartsFixture f(options);
    const SessionId s = f.session(u"s"_s);
    const RunId id = f.submit(s);
    QVERIFY(!f.executor.isHeld(id));
    f.advance(500);
    f.submit(s); // restarts the quiet window
    f.advance(500);
    QVERIFY(!f.executor.isHeld(id));
    f.advance(300);
    QVERIFY(f.executor.isHeld(id));
}

void tst_SessionQueues::throttleFollowsTheContextWindow()
{
    PartsFixture f;
    QueueConfigOverride o;
    o.maxConcurrent = 3;
    const SessionId s = f.session(u"s"_s, o);
    qint64 tokens = 10;
    f.parts->queues.setTokenEstimator([&tokens](const Session &) { return TokenEstimate{tokens, 100}; });
    for (int i = 0; i < 4; ++i)
        f.submit(s);
    QCOMPARE(f.executor.held().size(), 3);
    f.executor.finishAll();
    tokens = 60; // 60 % of the window: one at a time (SPEC Q6)
    f.runUntilIdle();
    QCOMPARE(f.executor.held().size(), 1);
}

void tst_SessionQueues::idleQueuesLeaveMemory()
{
    PartsFixture f; // idle timeout 30 s
    f.turn([&] {
        f.parts->queues.startEviction();
        return 0;
    });
    const SessionId busy = f.session(u"busy"_s);
    const SessionId idle = f.session(u"idle"_s);
    f.submit(busy);
    f.finish(f.submit(idle));
    QCOMPARE(f.parts->queues.liveCount(), 2);
    f.advance(31'000);
    QCOMPARE(f.parts->queues.liveCount(), 1);
    QVERIFY(f.parts->queues.live(busy));
    QCOMPARE(f.count(EventType::SessionEvicted), 1);
}

void tst_SessionQueues::defaultsReachLiveQueues()
{
    PartsFixture f;
    QueueConfigOverride o;
    o.cap = 2;
    const SessionId own = f.session(u"own"_s, o);
    const SessionId plain = f.session(u"plain"_s);
    f.submit(own);
    f.submit(plain);
    QueueConfig d = f.parts->options.defaultQueue;
    d.cap = 50;
    f.turn([&] {
        f.parts->settings.setDefaultQueueConfig(d);
        return 0;
    });
    QCOMPARE(f.parts->queues.live(plain)->config().cap, 50);
    QCOMPARE(f.parts->queues.live(own)->config().cap, 2); // its override still wins
}

void tst_SessionQueues::staleCutoffSurvivesEvictionAndRestart()
{
    PartsFixture f;
    f.turn([&] {
        f.parts->queues.startEviction();
        return 0;
    });
    const SessionId s = f.session(u"s"_s);
    f.advance(1000);
    const TimeMs sentBefore = f.clock.now() - 500; // a message on its way before the cancel-all
    QVERIFY(f.turn([&] { return f.parts->control.cancelAll(s); }));
    QCOMPARE(f.parts->sessions.find(s)->staleCutoff, f.clock.now());
    f.advance(46'000); // the idle queue leaves memory (swept every 15 s once idle for 30 s)
    QCOMPARE(f.parts->queues.live(s), nullptr);
    RunSubmission late;
    late.sessionId = s;
    late.handler = u"noop"_s;
    late.submittedAt = sentBefore;
    const Expected<RunId> r = f.turn([&] { return f.parts->intake.submitRun(late); });
    QCOMPARE(r.error().code, ErrorCode::MessageStale); // the cutoff came back with the queue
    // And it is stored with the session, for the next process.
    f.turn([&] { return f.parts->store->commitAsync(); });
    QCOMPARE(f.store->loadSession(s)->staleCutoff, f.parts->sessions.find(s)->staleCutoff);
    // The first fresh message clears it, also on disk.
    QVERIFY(f.submit(s) != 0);
    QCOMPARE(f.parts->sessions.find(s)->staleCutoff, TimeMs(0));
}

QTEST_GUILESS_MAIN(tst_SessionQueues)
#include "tst_sessionqueues.moc"
