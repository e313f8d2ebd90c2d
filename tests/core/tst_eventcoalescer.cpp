// SPDX-License-Identifier: GPL-3.0-or-later
// EventCoalescer (SPEC E3): batches at most every interval, nothing lost or reordered, and a
// batch's memory comes back once its receivers let go.
#include "engine/eventcoalescer.h"

#include <QElapsedTimer>
#include <QTest>

using namespace Yard;

class tst_EventCoalescer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void batchesAtMostEveryIntervalInOrder();
    void aStarvedTimerDoesNotLetABatchGrowForever();
    void sentMemoryIsReusedOnceReleased();
};

namespace {
void append(EventCoalescer &c, RunId first, int count)
{
    for (int i = 0; i < count; ++i) {
        Event e;
        e.run = first + i;
        c.pendingEvents().append(e);
    }
    c.eventsAppended();
}
} // namespace

void tst_EventCoalescer::batchesAtMostEveryIntervalInOrder()
{
    QVector<EventBatch> sent;
    QVector<qint64> sentAt;
    QElapsedTimer clock;
    clock.start();
    EventCoalescer c(40, [&](const EventBatch &b) {
        sent.append(b);
        sentAt.append(clock.elapsed());
    });
    RunId next = 1;
    for (int turn = 0; turn < 30; ++turn) {
        append(c, next, 10);
        next += 10;
        QTest::qWait(5);
    }
    QTRY_VERIFY(c.pendingEvents().isEmpty() && !sent.isEmpty());
    RunId expected = 1;
    for (const EventBatch &b : std::as_const(sent)) {
        for (const Event &e : b)
            QCOMPARE(e.run, expected++); // every event once, in order
    }
    QCOMPARE(expected, next);
    QVERIFY(sent.size() < 30); // coalesced
    for (int i = 1; i < sentAt.size(); ++i)
        QVERIFY2(sentAt[i] - sentAt[i - 1] >= 39, qPrintable(QString::number(sentAt[i] - sentAt[i - 1])));
}

void tst_EventCoalescer::aStarvedTimerDoesNotLetABatchGrowForever()
{
    int batches = 0;
    EventCoalescer c(20, [&](const EventBatch &) { ++batches; });
    QElapsedTimer busy;
    busy.start();
    // The engine thread never returns to its event loop (a flood of posted calls): the timer
    // cannot fire, but the end of a turn after the interval sends the batch.
    while (busy.elapsed() < 100)
        append(c, 1, 1);
    QVERIFY2(batches >= 3, qPrintable(QString::number(batches)));
}

void tst_EventCoalescer::sentMemoryIsReusedOnceReleased()
{
    EventBatch held;
    EventCoalescer c(1, [&](const EventBatch &b) { held = b; });
    append(c, 1, 5000);
    c.flush();
    QCOMPARE(held.size(), 5000);
    const Event *sentMemory = held.constData();
    held = EventBatch(); // the receiver is done with it
    append(c, 1, 10);
    c.flush();
    // The batch being filled now is the one sent before.
    QCOMPARE(c.pendingEvents().constData(), sentMemory);
    QVERIFY(c.pendingEvents().capacity() >= 5000);
}

QTEST_GUILESS_MAIN(tst_EventCoalescer)
#include "tst_eventcoalescer.moc"
