// SPDX-License-Identifier: GPL-3.0-or-later
// DrainMonitor (SPEC D7, Q9): drain pauses, refuses new work with `draining`, and reports
// scheduler.drained when nothing runs any more, or when its timeout passes.
#include "partsfixture.h"

#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_DrainMonitor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void drainReportsWhenTheLastRunEnds();
    void drainTimesOut();
};

void tst_DrainMonitor::drainReportsWhenTheLastRunEnds()
{
    PartsFixture f;
    const RunId a = f.submit(0);
    const RunId b = f.submit(0);
    f.turn([&] {
        f.parts->drain.drain(60'000, u"alice"_s);
        return 0;
    });
    QVERIFY(f.parts->pause.isPaused());
    QCOMPARE(f.parts->drain.refusal().code, ErrorCode::Draining);
    QCOMPARE(f.events.last().type, EventType::SchedulerDraining);
    QCOMPARE(f.events.last().value, 2);
    f.finish(a);
    QCOMPARE(f.count(EventType::SchedulerDrained), 0);
    f.finish(b);
    QCOMPARE(f.count(EventType::SchedulerDrained), 1);
    QVERIFY(f.parts->drain.stop());
    QCOMPARE(f.parts->drain.refusal().code, ErrorCode::None);
}

void tst_DrainMonitor::drainTimesOut()
{
    PartsFixture f;
    f.submit(0);
    f.turn([&] {
        f.parts->drain.drain(5000, u"alice"_s);
        return 0;
    });
    f.advance(4999);
    QCOMPARE(f.count(EventType::SchedulerDrained), 0);
    f.advance(1);
    QCOMPARE(f.count(EventType::SchedulerDrained), 1);
    const Event e = f.events.last();
    QCOMPARE(e.code, ErrorCode::Timeout);
    QCOMPARE(e.value, 1);
    QVERIFY(e.text.contains(u"1 runs still running"_s));
}

QTEST_GUILESS_MAIN(tst_DrainMonitor)
#include "tst_drainmonitor.moc"
