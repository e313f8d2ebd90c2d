// SPDX-License-Identifier: GPL-3.0-or-later
// Clock timers (SPEC D10): virtual time, ordering and cancellation; the system clock fires.
#include "engine/clock.h"

#include <QSignalSpy>
#include <QTest>

using namespace Yard;

class tst_Clock : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void virtualTimersFireInOrderAtTheirTime();
    void timersSetWhileFiringStillFireInWindow();
    void cancelledTimersNeverFire();
    void systemClockFires();
};

void tst_Clock::virtualTimersFireInOrderAtTheirTime()
{
    VirtualClock clock(1000);
    QVector<QPair<int, TimeMs>> fired;
    clock.callAt(1300, [&] { fired.append({3, clock.now()}); });
    clock.callAt(1100, [&] { fired.append({1, clock.now()}); });
    clock.callAt(1100, [&] { fired.append({2, clock.now()}); }); // same time: set order
    clock.advance(99);
    QVERIFY(fired.isEmpty());
    clock.advance(1);
    QCOMPARE(fired.size(), 2);
    clock.advance(1000);
    QCOMPARE(fired, (QVector<QPair<int, TimeMs>>{{1, 1100}, {2, 1100}, {3, 1300}}));
    QCOMPARE(clock.now(), TimeMs(2100));
}

void tst_Clock::timersSetWhileFiringStillFireInWindow()
{
    VirtualClock clock(0);
    int chained = 0;
    std::function<void()> tick = [&] {
        if (++chained < 5)
            clock.callAfter(10, tick);
    };
    clock.callAfter(10, tick);
    clock.advance(100);
    QCOMPARE(chained, 5);
    QCOMPARE(clock.pendingTimers(), 0);
}

void tst_Clock::cancelledTimersNeverFire()
{
    VirtualClock clock(0);
    bool fired = false;
    const auto id = clock.callAfter(10, [&] { fired = true; });
    clock.cancel(id);
    clock.cancel(id); // twice is harmless
    clock.advance(100);
    QVERIFY(!fired);
    QCOMPARE(clock.nextDue(), TimeMs(-1));
}

void tst_Clock::systemClockFires()
{
    SystemClock clock;
    bool fired = false;
    const TimeMs start = clock.now();
    clock.callAfter(20, [&] { fired = true; });
    QTRY_VERIFY(fired);
    QVERIFY(clock.now() - start >= 20);
}

QTEST_GUILESS_MAIN(tst_Clock)
#include "tst_clock.moc"
