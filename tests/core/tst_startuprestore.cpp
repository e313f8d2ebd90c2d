// SPDX-License-Identifier: GPL-3.0-or-later
// StartupRestore (SPEC S1, R1, Q12): unfinished runs come back where they waited; a run whose
// worker died with the last process runs again with attempt + 1.
#include "partsfixture.h"

#include "engine/runrecord.h"
#include "engine/startuprestore.h"

#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_StartupRestore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void queuedRunsReturnInOrder();
    void interruptedRunsRunAgainWithTheNextAttempt();
    void runOfAGoneSessionFailsAndKeepsItsSession();
    void aRunThatKeepsCrashingTheProcessIsNotRetriedForever();
    void lanesAndQueueDefaultsComeBack();
};

namespace {
Run stored(RunId id, SessionId session, RunState state, TimeMs queuedAt)
{
    Run r;
    r.id = id;
    r.sessionId = session;
    r.handler = QStringLiteral("noop");
    r.lane = QStringLiteral("main");
    r.state = state;
    r.queuedAt = r.createdAt = queuedAt;
    r.input = QStringLiteral("input %1").arg(id);
    return r;
}
Session session(SessionId id, const QString &key)
{
    Session s;
    s.id = id;
    s.key = key;
    return s;
}
} // namespace

void tst_StartupRestore::queuedRunsReturnInOrder()
{
    PartsFixture f(PartsFixture::defaultOptions(), [](RecordingStore &store) {
        store.state.sessions = {session(1, u"s"_s)};
        store.state.openRuns = {stored(10, 1, RunState::Queued, 100), stored(11, 1, RunState::Queued, 200),
                                stored(12, 0, RunState::Queued, 150)};
    });
    QVERIFY(!f.restore().isError());
    QVERIFY(f.executor.isHeld(10)); // the session's first
    QVERIFY(!f.executor.isHeld(11)); // behind it, in order
    QVERIFY(f.executor.isHeld(12)); // free
    QCOMPARE(f.parts->runs.find(11)->detail->input, u"input 11"_s);
    f.finish(10);
    QVERIFY(f.executor.isHeld(11));
    QCOMPARE(f.submit(0), RunId(13)); // new ids continue after the stored ones
}

void tst_StartupRestore::interruptedRunsRunAgainWithTheNextAttempt()
{
    PartsFixture f(PartsFixture::defaultOptions(), [](RecordingStore &store) {
        store.state.sessions = {session(1, u"s"_s)};
        Run r = stored(20, 1, RunState::Running, 100);
        r.attempt = 2;
        store.state.openRuns = {r};
    });
    QVERIFY(!f.restore().isError());
    const QVector<Event> events = f.ofRun(20);
    QCOMPARE(events.first().type, EventType::LeaseRecovered);
    QCOMPARE(events.first().code, ErrorCode::Interrupted);
    QCOMPARE(events.first().value, 3);
    QVERIFY(f.executor.isHeld(20));
    QCOMPARE(f.parts->runs.find(20)->attempt, quint16(3));
}

void tst_StartupRestore::runOfAGoneSessionFailsAndKeepsItsSession()
{
    PartsFixture f(PartsFixture::defaultOptions(), [](RecordingStore &store) {
        store.state.openRuns = {stored(30, 9, RunState::Queued, 100)};
    });
    QVERIFY(!f.restore().isError());
    const Run row = f.store->runs.value(30);
    QCOMPARE(row.state, RunState::Failed);
    QCOMPARE(row.errorCode, ErrorCode::SessionNotFound);
    QCOMPARE(row.sessionId, SessionId(9)); // the row still names it
    QVERIFY(!f.parts->runs.find(30));
}

void tst_StartupRestore::aRunThatKeepsCrashingTheProcessIsNotRetriedForever()
{
    PartsFixture f(PartsFixture::defaultOptions(), [](RecordingStore &store) {
        Run last = stored(40, 0, RunState::Running, 100);
        last.attempt = 3; // its third attempt was interrupted too
        last.maxAttempts = 3;
        Run more = stored(41, 0, RunState::Running, 100);
        more.attempt = 2;
        more.maxAttempts = 3;
        store.state.openRuns = {last, more};
    });
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"1 runs were interrupted by restarts"_s));
    QVERIFY(!f.restore().isError());
    const Run row = f.store->runs.value(40);
    QCOMPARE(row.state, RunState::Failed);
    QCOMPARE(row.error, u"interrupted by 3 restarts; not retried"_s);
    QVERIFY(!f.parts->runs.find(40));
    QVERIFY(f.executor.isHeld(41)); // one attempt left: it runs again
    QCOMPARE(f.parts->runs.find(41)->attempt, quint16(3));
}

void tst_StartupRestore::lanesAndQueueDefaultsComeBack()
{
    PartsFixture f(PartsFixture::defaultOptions(), [](RecordingStore &store) {
        store.state.lanes = {LaneSetting{u"gpu"_s, 3, true}};
        store.state.settings.insert(StartupRestore::kQueueDefaultsKey, uR"({"cap":7})"_s);
    });
    QVERIFY(!f.restore().isError());
    const LaneStats gpu = f.parts->lanes.stats(u"gpu"_s);
    QCOMPARE(gpu.limit, 3);
    QVERIFY(gpu.paused);
    QCOMPARE(f.parts->options.defaultQueue.cap, 7);
}

QTEST_GUILESS_MAIN(tst_StartupRestore)
#include "tst_startuprestore.moc"
