// SPDX-License-Identifier: GPL-3.0-or-later
// Tasks, claims and leases through the engine (SPEC D2, D3, D4, D6): who may claim, what a
// claim does, what the lease sweep does with a run whose worker went silent, and the cycle's
// wake and ladder wired to the engine, all on a virtual clock.
#include "eventrecorder.h"
#include "tempdatabase.h"
#include "recordingstore.h"
#include "testengine.h"

#include "engine/engine.h"
#include "engine/sessionmanager.h"
#include "engine/submission.h"
#include "store/runquery.h"
#include "store/sqlitestore.h"

#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_TaskBoard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void claimEligibility_data();
    void claimEligibility();
    void claimTakesTheBestTaskFirst();
    void aSilentWorkerLosesItsLeaseAndTheRunRunsAgain();
    void aWorkerThatVanishedIsRecoveredOnlyByTheSweep();
    void exhaustedAttemptsFailTheRun();
    void theSweepRunsWhilePaused();
    void aCycleWakesAClaimingSessionWhichClaims();
    void theLadderEndsInNeedsAttentionAndOperatorsResolveIt();
    void needsAttentionRunsStayActionableInMemory();
    void bulkActionsActOnWhatTheFilterMatchedUpToTheCountedRun();
    void theOpenCountIsRestoredFromTheDatabase();
};

namespace {
EngineOptions options()
{
    EngineOptions o = TestEngine::defaultOptions();
    o.cycle.intervalMs = 0; // cycles only on demand
    o.cycle.leaseMs = 1000;
    return o;
}

SessionId makeSession(TestEngine &t, const QString &key, const QStringList &caps,
                      const QString &workspace = {}, bool claims = false,
                      const QString &agent = u"agent"_s)
{
    SessionSpec spec;
    spec.key = key;
    spec.agent = agent;
    spec.workspace = workspace;
    spec.capabilities = caps;
    spec.claims = claims;
    Expected<Session> s = t.engine->createSession(spec);
    if (!s)
        qFatal("createSession: %s", qPrintable(s.error().toString()));
    return s->id;
}

/// Runs cycles until every waiting task that no one can take is marked needs_attention.
void climbTheLadder(TestEngine &t)
{
    t.advance(2000); // past the minimum queued age the tests set
    for (int i = 0; i < 10; ++i) {
        if (!t.engine->runCycleNow())
            qFatal("runCycleNow refused");
        t.runUntilIdle();
    }
}

EngineOptions ladderOptions()
{
    EngineOptions o = options();
    o.cycle.thresholds.minQueuedAgeMs = 1000;
    return o;
}

RunId task(TestEngine &t, const QStringList &caps, const QString &workspace = {},
           Priority priority = Priority::Normal, int maxAttempts = 0, const QString &owner = {})
{
    TaskSubmission sub;
    sub.handler = u"noop"_s;
    sub.needs.capabilities = caps;
    sub.needs.workspace = workspace;
    sub.needs.owner = owner;
    sub.priority = priority;
    sub.maxAttempts = maxAttempts;
    Expected<RunId> id = t.engine->submitTask(sub);
    if (!id)
        qFatal("submitTask: %s", qPrintable(id.error().toString()));
    return id.value();
}
} // namespace

void tst_TaskBoard::claimEligibility_data()
{
    QTest::addColumn<QStringList>("sessionCaps");
    QTest::addColumn<QString>("sessionWorkspace");
    QTest::addColumn<QStringList>("taskCaps");
    QTest::addColumn<QString>("taskWorkspace");
    QTest::addColumn<QString>("owner");
    QTest::addColumn<bool>("eligible");
    QTest::newRow("capable") << QStringList{u"go"_s, u"sql"_s} << QString() << QStringList{u"go"_s}
                             << QString() << QString() << true;
    QTest::newRow("missing capability") << QStringList{u"go"_s} << QString()
                                        << QStringList{u"rust"_s} << QString() << QString() << false;
    QTest::newRow("wrong workspace") << QStringList{u"go"_s} << u"a"_s << QStringList{u"go"_s}
                                     << u"b"_s << QString() << false;
    QTest::newRow("global work, session with a workspace")
        << QStringList{u"go"_s} << u"a"_s << QStringList{u"go"_s} << QString() << QString() << false;
    QTest::newRow("same workspace") << QStringList{u"go"_s} << u"a"_s << QStringList{u"go"_s}
                                    << u"a"_s << QString() << true;
    QTest::newRow("owner matches") << QStringList{} << QString() << QStringList{} << QString()
                                   << u"agent"_s << true;
    QTest::newRow("owner differs") << QStringList{} << QString() << QStringList{} << QString()
                                   << u"someone"_s << false;
}

void tst_TaskBoard::claimEligibility()
{
    QFETCH(QStringList, sessionCaps);
    QFETCH(QString, sessionWorkspace);
    QFETCH(QStringList, taskCaps);
    QFETCH(QString, taskWorkspace);
    QFETCH(QString, owner);
    QFETCH(bool, eligible);
    TestEngine t(options());
    const SessionId s = makeSession(t, u"s"_s, sessionCaps, sessionWorkspace);
    const RunId r = task(t, taskCaps, taskWorkspace, Priority::Normal, 0, owner);
    QCOMPARE(t.engine->waitingTasks(), 1);
    QVERIFY(!t.manual()->isHeld(r)); // a task waits for a claim
    Expected<RunId> claimed = t.engine->claimTask(s, r);
    QCOMPARE(bool(claimed), eligible);
    if (!eligible) {
        QCOMPARE(claimed.error().code, ErrorCode::InvalidRequest);
        QCOMPARE(t.engine->waitingTasks(), 1);
        return;
    }
    t.runUntilIdle();
    QVERIFY(t.manual()->isHeld(r));
    QCOMPARE(t.events->count(EventType::RunClaimed), 1);
    // A session holding a task may not claim another.
    task(t, taskCaps, taskWorkspace, Priority::Normal, 0, owner);
    QVERIFY(!t.engine->claimTask(s));
    t.finish(r);
    QCOMPARE(t.events->outcomeOf(r), EventType::RunCompleted);
    QVERIFY(t.engine->claimTask(s)); // free again
}

void tst_TaskBoard::claimTakesTheBestTaskFirst()
{
    TestEngine t(options());
    const SessionId s = makeSession(t, u"s"_s, {u"go"_s});
    const RunId low = task(t, {u"go"_s}, {}, Priority::Low);
    const RunId high = task(t, {u"go"_s}, {}, Priority::High);
    task(t, {u"rust"_s}, {}, Priority::Urgent); // not for this session
    Expected<RunId> first = t.engine->claimTask(s);
    QVERIFY(first);
    QCOMPARE(first.value(), high);
    t.runUntilIdle();
    t.finish(high);
    QCOMPARE(t.engine->claimTask(s).value(), low);
}

void tst_TaskBoard::aSilentWorkerLosesItsLeaseAndTheRunRunsAgain()
{
    TestEngine t(options());
    const SessionId s = makeSession(t, u"s"_s, {u"go"_s});
    const RunId r = task(t, {u"go"_s});
    QVERIFY(t.engine->claimTask(s, r));
    t.runUntilIdle();
    QVERIFY(t.manual()->isHeld(r));
    t.advance(500);
    QCOMPARE(t.engine->runCycleNow()->recoveredLeases, 0); // lease still good
    t.advance(1000);
    // The worker never reports: the sweep tells it to stop, and recovers the run when it returns.
    QVERIFY(t.engine->runCycleNow());
    t.finish(r, Outcome::vanished());
    QCOMPARE(t.events->count(EventType::LeaseRecovered), 1);
    const std::optional<Run> run = t.engine->liveRun(r);
    QVERIFY(run);
    QCOMPARE(run->attempt, 2);
    QCOMPARE(run->state, RunState::Queued);
    QCOMPARE(t.engine->waitingTasks(), 1); // back on the board, claimable again
    QVERIFY(t.engine->claimTask(s, r));
    t.runUntilIdle();
    t.finish(r);
    QCOMPARE(t.events->outcomesOf(r).size(), 1); // ended exactly once
    QCOMPARE(t.events->outcomeOf(r), EventType::RunCompleted);
}

void tst_TaskBoard::aWorkerThatVanishedIsRecoveredOnlyByTheSweep()
{
    TestEngine t(options());
    const SessionId s = makeSession(t, u"s"_s, {});
    const RunId r = task(t, {});
    QVERIFY(t.engine->claimTask(s, r));
    t.runUntilIdle();
    t.finish(r, Outcome::vanished()); // the worker stops reporting and heartbeating
    QCOMPARE(t.events->outcomesOf(r).size(), 0);
    QCOMPARE(t.engine->runCycleNow()->recoveredLeases, 0); // its lease has not run out yet
    t.advance(1500);
    Expected<CycleResult> c = t.engine->runCycleNow();
    QCOMPARE(c->recoveredLeases, 1);
    QCOMPARE(c->recoveredRunIds, QVector<RunId>{r});
    QCOMPARE(t.engine->liveRun(r)->attempt, 2);
    QCOMPARE(t.engine->waitingTasks(), 1);
}

void tst_TaskBoard::exhaustedAttemptsFailTheRun()
{
    TestEngine t(options());
    const SessionId s = makeSession(t, u"s"_s, {});
    const RunId r = task(t, {}, {}, Priority::Normal, 1);
    QVERIFY(t.engine->claimTask(s, r));
    t.runUntilIdle();
    t.advance(2000);
    QVERIFY(t.engine->runCycleNow());
    t.finish(r, Outcome::vanished());
    QCOMPARE(t.events->outcomeOf(r), EventType::RunFailed);
    QCOMPARE(t.events->outcomesOf(r).size(), 1);
    QCOMPARE(t.engine->waitingTasks(), 0);
}

void tst_TaskBoard::theSweepRunsWhilePaused()
{
    TestEngine t(options());
    const SessionId s = makeSession(t, u"s"_s, {}, {}, /*claims*/ true);
    const RunId r = task(t, {});
    QVERIFY(t.engine->claimTask(s, r));
    t.runUntilIdle();
    t.engine->pause(u"test"_s, u"op"_s);
    t.advance(2000);
    Expected<CycleResult> c = t.engine->runCycleNow();
    QVERIFY(c);
    QVERIFY(c->paused);
    QCOMPARE(c->wakeAttempts, 0);
    t.finish(r, Outcome::vanished());
    QCOMPARE(t.events->count(EventType::LeaseRecovered), 1);
    QCOMPARE(t.events->count(EventType::WakeSent), 0);
}

void tst_TaskBoard::aCycleWakesAClaimingSessionWhichClaims()
{
    TestEngine t(options());
    const SessionId busy = makeSession(t, u"busy"_s, {u"go"_s}, {}, true);
    QVERIFY(!t.engine->setSessionActivity(busy, SessionState::Active, /*prompting*/ true).isError());
    const SessionId idle = makeSession(t, u"idle"_s, {u"go"_s}, {}, true);
    makeSession(t, u"unable"_s, {u"rust"_s}, {}, true);
    const RunId r = task(t, {u"go"_s});
    Expected<CycleResult> c = t.engine->runCycleNow();
    QVERIFY(c);
    QCOMPARE(c->wakeAttempts, 1);
    QCOMPARE(c->selectedRunIds, QVector<RunId>{r});
    t.runUntilIdle(); // the woken session claims in its own turn
    QCOMPARE(t.events->count(EventType::WakeSent), 1);
    QCOMPARE(t.events->ofType(EventType::WakeSent).first().session, idle);
    QVERIFY(t.manual()->isHeld(r));
    t.finish(r);
    QCOMPARE(t.events->outcomeOf(r), EventType::RunCompleted);
}

void tst_TaskBoard::theLadderEndsInNeedsAttentionAndOperatorsResolveIt()
{
    EngineOptions o = options();
    o.cycle.thresholds.minQueuedAgeMs = 1000;
    TestEngine t(o, std::make_unique<RecordingStore>()); // keeps rows: operators act on stored runs
    makeSession(t, u"s"_s, {u"go"_s}, {}, true);
    const RunId r = task(t, {u"cuda"_s}); // no one can take it, no template covers it
    t.advance(2000);
    for (int i = 0; i < 10; ++i) {
        QVERIFY(t.engine->runCycleNow());
        t.runUntilIdle();
    }
    // No template covers it: the spawn is retried every cycle from the fourth to the tenth.
    QCOMPARE(t.events->count(EventType::SpawnUnresolvable), 7);
    QCOMPARE(t.events->count(EventType::RunStarved), 1);
    QCOMPARE(t.events->ofType(EventType::RunNeedsAttention).size(), 1);
    QCOMPARE(t.events->ofType(EventType::RunNeedsAttention).first().run, r);
    QCOMPARE(t.engine->waitingTasks(), 0);
    QCOMPARE(t.engine->cycleStats().needsAttention, quint64(1));
    // Acknowledge needs a note; requeue puts it back with a fresh budget.
    AttentionOutcome noNote = t.engine->resolveAttention(AttentionAction::Acknowledge, {r}, {}, u"op"_s, {});
    QCOMPARE(noNote.done, 0);
    AttentionOutcome ack = t.engine->resolveAttention(AttentionAction::Acknowledge, {r}, {}, u"op"_s, u"known"_s);
    QVERIFY2(ack.done == 1, qPrintable(ack.errors.join(u"; "_s)));
    AttentionOutcome requeue = t.engine->resolveAttention(AttentionAction::Requeue, {r}, {}, u"op"_s, {});
    QCOMPARE(requeue.done, 1);
    QCOMPARE(t.engine->waitingTasks(), 1);
    QCOMPARE(t.engine->liveRun(r)->state, RunState::Queued);
    // Cancel works on a stored needs_attention run only.
    AttentionOutcome cancelLive = t.engine->resolveAttention(AttentionAction::Cancel, {r}, {}, u"op"_s, {});
    QCOMPARE(cancelLive.failed, 1);
}

void tst_TaskBoard::needsAttentionRunsStayActionableInMemory()
{
    // The memory store keeps no runs, but an operator must still be able to act on these.
    TestEngine t(ladderOptions());
    const RunId cuda = task(t, {u"cuda"_s}, u"lab"_s);
    const RunId fpga1 = task(t, {u"fpga"_s});
    const RunId fpga2 = task(t, {u"fpga"_s});
    climbTheLadder(t);
    QCOMPARE(t.engine->needsAttentionOpen(), 3);
    NeedsAttentionFilter all;
    AttentionPage page = t.engine->needsAttentionPage(all, 0, 10);
    QCOMPARE(page.total, 3);
    QCOMPARE(page.unacknowledged, 3);
    QCOMPARE(page.rows.size(), 3);
    QCOMPARE(page.rows.first().id, fpga2); // newest first
    QCOMPARE(page.rows.first().wakeCount, 10);
    QVERIFY(page.rows.first().spawnUnresolvable);
    QVERIFY(page.rows.first().diagnostic.contains(u"without a claim after 10 escalation cycles"_s));
    // Paging: two, then the rest below the last id.
    page = t.engine->needsAttentionPage(all, 0, 2);
    QVERIFY(page.more);
    page = t.engine->needsAttentionPage(all, page.rows.last().id, 2);
    QCOMPARE(page.rows.size(), 1);
    QCOMPARE(page.rows.first().id, cuda);
    QVERIFY(!page.more);
    NeedsAttentionFilter lab;
    lab.workspace = u"lab"_s;
    QCOMPARE(t.engine->needsAttentionPage(lab, 0, 10).total, 1);

    // Acknowledge: still listed, no longer open.
    QCOMPARE(t.engine->resolveAttention(AttentionAction::Acknowledge, {cuda}, {}, u"op"_s, u"known: no lab GPU"_s).done, 1);
    QCOMPARE(t.engine->needsAttentionOpen(), 2);
    NeedsAttentionFilter open;
    open.includeAcknowledged = false;
    page = t.engine->needsAttentionPage(open, 0, 10);
    QCOMPARE(page.total, 2);
    QCOMPARE(t.engine->needsAttentionPage(all, 0, 10).rows.last().acknowledgement, u"known: no lab GPU"_s);

    // Cancel everything that requires fpga: both, in one audited action.
    NeedsAttentionFilter fpga;
    fpga.capability = u"FPGA"_s; // names match whatever their case
    const AttentionOutcome cancelled = t.engine->resolveAttention(AttentionAction::Cancel, {}, fpga, u"op"_s, u"no board"_s);
    QCOMPARE(cancelled.done, 2);
    QCOMPARE(t.events->outcomeOf(fpga1), EventType::RunCancelled);
    QCOMPARE(t.events->outcomeOf(fpga2), EventType::RunCancelled);
    QCOMPARE(t.engine->needsAttentionOpen(), 0);
    QCOMPARE(t.engine->needsAttentionPage(all, 0, 10).total, 1);

    // Requeue the acknowledged one: it waits for a claim again and leaves the list.
    QCOMPARE(t.engine->resolveAttention(AttentionAction::Requeue, {cuda}, {}, u"op"_s, {}).done, 1);
    QCOMPARE(t.engine->waitingTasks(), 1);
    QCOMPARE(t.engine->needsAttentionPage(all, 0, 10).total, 0);
    QCOMPARE(t.engine->needsAttentionOpen(), 0);
}

void tst_TaskBoard::bulkActionsActOnWhatTheFilterMatchedUpToTheCountedRun()
{
    TestEngine t(ladderOptions());
    task(t, {u"fpga"_s});
    task(t, {u"fpga"_s});
    climbTheLadder(t);
    const AttentionPage counted = t.engine->needsAttentionPage({}, 0, 10);
    QCOMPARE(counted.total, 2);
    // Another one lands after the operator read "2" and before they confirmed.
    const RunId late = task(t, {u"fpga"_s});
    climbTheLadder(t);
    QCOMPARE(t.engine->needsAttentionOpen(), 3);
    NeedsAttentionFilter f;
    f.upTo = counted.rows.first().id;
    const AttentionOutcome o = t.engine->resolveAttention(AttentionAction::Cancel, {}, f, u"op"_s, u"cleanup"_s);
    QCOMPARE(o.done, 2);
    QCOMPARE(t.events->ofRun(late).last().type, EventType::RunNeedsAttention); // untouched
    QCOMPARE(t.engine->needsAttentionOpen(), 1);
}

void tst_TaskBoard::theOpenCountIsRestoredFromTheDatabase()
{
    TempDatabase dir;
    RunId first = 0;
    {
        TestEngine t(ladderOptions(), SqliteStore::open(dir.path()).value());
        first = task(t, {u"fpga"_s});
        task(t, {u"fpga"_s});
        task(t, {u"fpga"_s});
        climbTheLadder(t);
        QCOMPARE(t.engine->needsAttentionOpen(), 3);
        QCOMPARE(t.engine->resolveAttention(AttentionAction::Acknowledge, {first}, {}, u"op"_s, u"seen"_s).done, 1);
        bool done = false;
        t.engine->shutdown(0, [&] { done = true; });
        t.runUntilIdle();
        QVERIFY(done);
    }
    TestEngine again(ladderOptions(), SqliteStore::open(dir.path()).value());
    QCOMPARE(again.engine->needsAttentionOpen(), 2);
    const AttentionPage page = again.engine->needsAttentionPage({}, 0, 10);
    QCOMPARE(page.total, 3);
    QCOMPARE(page.unacknowledged, 2);
    QCOMPARE(page.rows.last().id, first);
    QCOMPARE(page.rows.last().acknowledgedBy, u"op"_s);
}

QTEST_GUILESS_MAIN(tst_TaskBoard)
#include "tst_taskboard.moc"
