// SPDX-License-Identifier: GPL-3.0-or-later
// RunResolver (SPEC D1, Q12, E1): the only writer of run state. Every change is checked against
// the D1 table; a forbidden one is refused, counted and logged, and leaves the run as it was.
#include "partsfixture.h"

#include "engine/runrecord.h"

#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_RunResolver : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void invalidTransitionIsRefused_data();
    void invalidTransitionIsRefused();
    void outcomesApplyWithTheirEventRowAndCounter_data();
    void outcomesApplyWithTheirEventRowAndCounter();
    void startStampsAndReports();
    void requeueKeepsWhyItWasInterrupted();

private:
    /// A live record in `state`, as the engine would hold it (not in any queue).
    static RunRecord *liveRecord(PartsFixture &f, RunState state);
};

RunRecord *tst_RunResolver::liveRecord(PartsFixture &f, RunState state)
{
    RunRecord *run = f.parts->runs.create(f.store->reserveRunIds(1).value());
    run->state = state;
    run->queuedAt = f.clock.now();
    run->handler = f.parts->handlers.resolve(u"noop"_s);
    return run;
}

void tst_RunResolver::invalidTransitionIsRefused_data()
{
    QTest::addColumn<RunState>("from");
    QTest::addColumn<RunState>("to");
    QTest::newRow("queued -> completed (never ran)") << RunState::Queued << RunState::Completed;
    QTest::newRow("completed -> failed (second outcome)") << RunState::Completed << RunState::Failed;
    QTest::newRow("cancelled -> completed (late result)") << RunState::Cancelled << RunState::Completed;
    QTest::newRow("failed -> cancelled") << RunState::Failed << RunState::Cancelled;
    QTest::newRow("merged -> cancelled") << RunState::Merged << RunState::Cancelled;
    QTest::newRow("scheduled -> completed") << RunState::Scheduled << RunState::Completed;
    QTest::newRow("needs_attention -> completed") << RunState::NeedsAttention << RunState::Completed;
}

void tst_RunResolver::invalidTransitionIsRefused()
{
    QFETCH(RunState, from);
    QFETCH(RunState, to);
    QVERIFY(!canTransition(from, to)); // the table itself forbids it
    PartsFixture f;
    RunRecord *run = liveRecord(f, from);
    const int writesBefore = f.store->runWrites;
    const qsizetype eventsBefore = f.events.size();
    QTest::ignoreMessage(QtWarningMsg,
                         qPrintable(u"invalid_transition: run %1 %2 -> %3 refused"_s.arg(run->id).arg(
                             runStateName(from), runStateName(to))));
    const bool applied = f.turn([&] { return f.parts->resolver.finish(run, to, ErrorCode::None, u"x"_s); });
    QVERIFY(!applied);
    QCOMPARE(run->state, from); // never applied
    QCOMPARE(f.parts->counters.invalidTransitions, quint64(1));
    QCOMPARE(f.store->runWrites, writesBefore); // nothing written
    QCOMPARE(f.events.size(), eventsBefore);    // nothing reported
    QCOMPARE(f.parts->counters.completed + f.parts->counters.failed + f.parts->counters.cancelled,
             quint64(0));
    f.parts->runs.destroy(run);
}

void tst_RunResolver::outcomesApplyWithTheirEventRowAndCounter_data()
{
    QTest::addColumn<RunState>("from");
    QTest::addColumn<RunState>("to");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<EventType>("event");
    QTest::newRow("running -> completed") << RunState::Running << RunState::Completed << ErrorCode::None
                                          << EventType::RunCompleted;
    QTest::newRow("running -> failed") << RunState::Running << RunState::Failed
                                       << ErrorCode::HandlerFailed << EventType::RunFailed;
    QTest::newRow("queued -> cancelled") << RunState::Queued << RunState::Cancelled
                                         << ErrorCode::RunCancelled << EventType::RunCancelled;
    QTest::newRow("queued -> dropped") << RunState::Queued << RunState::Cancelled
                                       << ErrorCode::QueueDropped << EventType::RunDropped;
    QTest::newRow("queued -> stale") << RunState::Queued << RunState::Cancelled
                                     << ErrorCode::MessageStale << EventType::RunStale;
    QTest::newRow("queued -> merged") << RunState::Queued << RunState::Merged << ErrorCode::None
                                      << EventType::RunMerged;
}

void tst_RunResolver::outcomesApplyWithTheirEventRowAndCounter()
{
    QFETCH(RunState, from);
    QFETCH(RunState, to);
    QFETCH(ErrorCode, code);
    QFETCH(EventType, event);
    PartsFixture f;
    RunRecord *run = liveRecord(f, from);
    const RunId id = run->id;
    QVERIFY(f.turn([&] { return f.parts->resolver.finish(run, to, code, u"the why"_s); }));
    QCOMPARE(run->state, to);
    QCOMPARE(f.parts->counters.invalidTransitions, quint64(0));
    const QVector<Event> events = f.ofRun(id);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().type, event);
    QCOMPARE(events.first().code, code);
    QCOMPARE(events.first().text, u"the why"_s);
    QVERIFY(f.store->runs.contains(id));
    const Run row = f.store->runs.value(id);
    QCOMPARE(row.state, to);
    QCOMPARE(row.finishedAt, f.clock.now());
    QCOMPARE(to == RunState::Completed ? row.result : row.error, u"the why"_s);
    const EngineCounters &c = f.parts->counters;
    QCOMPARE(c.completed + c.failed + c.cancelled + c.merged, quint64(1));
    f.parts->runs.destroy(run);
}

void tst_RunResolver::startStampsAndReports()
{
    PartsFixture f;
    RunRecord *run = liveRecord(f, RunState::Queued);
    run->queuedAt = f.clock.now() - 1500;
    run->details().errorCode = ErrorCode::Interrupted; // left by a shutdown
    run->details().error = u"interrupted"_s;
    QVERIFY(f.turn([&] { return f.parts->resolver.start(run); }));
    QCOMPARE(run->state, RunState::Running);
    QCOMPARE(run->startedAt, f.clock.now());
    QCOMPARE(run->detail->errorCode, ErrorCode::None); // a fresh attempt starts clean
    QCOMPARE(f.parts->counters.started, quint64(1));
    QCOMPARE(f.ofRun(run->id).last().type, EventType::RunStarted);
    QCOMPARE(f.store->runs.value(run->id).state, RunState::Running);
    // Starting it again is not a change the table allows.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"invalid_transition: .* running -> running"_s));
    QVERIFY(!f.turn([&] { return f.parts->resolver.start(run); }));
    QCOMPARE(f.parts->counters.started, quint64(1));
    f.parts->runs.destroy(run);
}

void tst_RunResolver::requeueKeepsWhyItWasInterrupted()
{
    PartsFixture f;
    RunRecord *run = liveRecord(f, RunState::Running);
    QVERIFY(f.turn([&] {
        return f.parts->resolver.requeue(run, EventType::RunInterrupted, ErrorCode::Interrupted,
                                         u"interrupted by shutdown"_s);
    }));
    QCOMPARE(run->state, RunState::Queued);
    const Run row = f.store->runs.value(run->id);
    QCOMPARE(row.state, RunState::Queued);
    QCOMPARE(row.errorCode, ErrorCode::Interrupted);
    QCOMPARE(row.error, u"interrupted by shutdown"_s);
    QCOMPARE(f.ofRun(run->id).last().type, EventType::RunInterrupted);
    // A completed run cannot be requeued behind the table's back.
    run->state = RunState::Completed;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"invalid_transition: .* completed -> queued"_s));
    QVERIFY(!f.turn([&] { return f.parts->resolver.requeue(run, EventType::RunRecovered); }));
    QCOMPARE(run->state, RunState::Completed);
    f.parts->runs.destroy(run);
}

QTEST_GUILESS_MAIN(tst_RunResolver)
#include "tst_runresolver.moc"
