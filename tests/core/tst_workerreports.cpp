// SPDX-License-Identifier: GPL-3.0-or-later
// WorkerReports (SPEC P4, Q10): what workers report becomes what it means for the run.
#include "partsfixture.h"

#include "engine/runrecord.h"
#include "exec/runticket.h"

#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_WorkerReports : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void outcomesMapToStates_data();
    void outcomesMapToStates();
    void progressLogAndStateReachTheRun();
    void reportsOfEndedRunsAreIgnored();
    void anotherStepAtShutdownRunsUntilTheDeadline();
};

namespace {
void push(RunTicket *t, InboxItem::Kind kind, const QString &text = {}, const QByteArray &data = {},
          double fraction = 0)
{
    InboxItem item;
    item.ticket = t;
    item.runId = t->request.runId;
    item.kind = kind;
    item.text = text;
    item.data = data;
    item.fraction = fraction;
    t->inbox->push(std::move(item));
}
} // namespace

void tst_WorkerReports::outcomesMapToStates_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<EventType>("event");
    QTest::addColumn<ErrorCode>("reported");
    QTest::newRow("success") << int(Outcome::Kind::Succeeded) << ErrorCode::None
                             << EventType::RunCompleted << ErrorCode::None;
    QTest::newRow("failure") << int(Outcome::Kind::Failed) << ErrorCode::None << EventType::RunFailed
                             << ErrorCode::HandlerFailed;
    QTest::newRow("aborted by hook") << int(Outcome::Kind::Failed) << ErrorCode::Aborted
                                     << EventType::RunFailed << ErrorCode::Aborted;
}

void tst_WorkerReports::outcomesMapToStates()
{
    QFETCH(int, kind);
    QFETCH(ErrorCode, code);
    QFETCH(EventType, event);
    QFETCH(ErrorCode, reported);
    PartsFixture f;
    const RunId id = f.submit(0);
    Outcome o;
    o.kind = Outcome::Kind(kind);
    o.code = code;
    o.text = u"text"_s;
    f.finish(id, o);
    const Event last = f.ofRun(id).last();
    QCOMPARE(last.type, event);
    QCOMPARE(last.code, reported);
    QCOMPARE(last.text, u"text"_s);
}

void tst_WorkerReports::progressLogAndStateReachTheRun()
{
    PartsFixture f;
    const RunId id = f.submit(0);
    RunTicket *t = f.parts->runs.find(id)->ticket;
    push(t, InboxItem::Kind::Progress, u"halfway"_s, {}, 0.5);
    push(t, InboxItem::Kind::Log, u"line one"_s);
    push(t, InboxItem::Kind::StateSaved, {}, "state!");
    QVERIFY(f.parts->reports.pending());
    f.runUntilIdle();
    QVERIFY(!f.parts->reports.pending());
    const RunRecord *run = f.parts->runs.find(id);
    QCOMPARE(run->detail->progress, 0.5);
    QCOMPARE(run->detail->progressText, u"halfway"_s);
    QCOMPARE(run->detail->log, u"line one\n"_s);
    QCOMPARE(run->detail->savedState, QByteArray("state!"));
    QCOMPARE(f.count(EventType::RunProgress), 1);
    QCOMPARE(f.store->runs.value(id).savedState, QByteArray("state!")); // persisted (SPEC P3)
}

void tst_WorkerReports::reportsOfEndedRunsAreIgnored()
{
    PartsFixture f;
    const RunId id = f.submit(0);
    RunRecord *run = f.parts->runs.find(id);
    RunTicket *t = run->ticket;
    f.turn([&] {
        f.parts->active.cancel(run, ErrorCode::RunCancelled, u"operator"_s);
        return 0;
    });
    push(t, InboxItem::Kind::Progress, u"still going"_s, {}, 0.9);
    f.runUntilIdle();
    QCOMPARE(f.count(EventType::RunProgress), 0);
}

void tst_WorkerReports::anotherStepAtShutdownRunsUntilTheDeadline()
{
    PartsFixture f;
    const RunId id = f.submit(0);
    f.turn([&] {
        f.parts->shutdown.begin(60'000, {});
        return 0;
    });
    f.finish(id, Outcome::continueAfter(100)); // in flight: it may go on (SPEC Q12)
    QVERIFY(!f.parts->shutdown.isStopped());
    f.advance(100);
    QVERIFY(f.executor.isHeld(id)); // its next step
    f.finish(id, Outcome::success());
    QCOMPARE(f.ofRun(id).last().type, EventType::RunCompleted);
    QVERIFY(f.parts->shutdown.isStopped());
}

QTEST_GUILESS_MAIN(tst_WorkerReports)
#include "tst_workerreports.moc"
