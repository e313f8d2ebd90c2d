// SPDX-License-Identifier: GPL-3.0-or-later
// RunTable: live runs by id, dense, with records recycled through a free list.
#include "engine/runtable.h"

#include <QTest>

#include <set>

using namespace Yard;

class tst_RunTable : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void findsWhatLivesAndNothingElse();
    void idsAcrossChunksAndBelowTheFirst();
    void recordsAreRecycledFresh();
    void emptyChunksAreFreed();
    void withdrawnRecordsOutliveTheirSlot();
    void forEachVisitsEveryLiveRunInIdOrder();
};

void tst_RunTable::findsWhatLivesAndNothingElse()
{
    RunTable t;
    QCOMPARE(t.find(1), nullptr);
    RunRecord *a = t.create(1);
    RunRecord *b = t.create(2);
    QCOMPARE(t.find(1), a);
    QCOMPARE(t.find(2), b);
    QCOMPARE(a->id, RunId(1));
    QCOMPARE(t.size(), 2);
    QCOMPARE(t.find(0), nullptr);
    QCOMPARE(t.find(-5), nullptr);
    QCOMPARE(t.find(3), nullptr);
    QCOMPARE(t.find(1'000'000), nullptr);
    t.destroy(a);
    QCOMPARE(t.find(1), nullptr);
    QCOMPARE(t.find(2), b);
    QCOMPARE(t.size(), 1);
}

void tst_RunTable::idsAcrossChunksAndBelowTheFirst()
{
    RunTable t;
    const RunId ids[] = {50'000, 50'001, 4095, 4096, 8191, 123'456'789, 7};
    for (RunId id : ids)
        t.create(id)->attempt = quint16(id % 1000);
    for (RunId id : ids) {
        QVERIFY2(t.find(id), qPrintable(QString::number(id)));
        QCOMPARE(t.find(id)->attempt, quint16(id % 1000));
    }
    QCOMPARE(t.size(), int(std::size(ids)));
}

void tst_RunTable::recordsAreRecycledFresh()
{
    RunTable t;
    RunRecord *a = t.create(10);
    a->details().input = QStringLiteral("something");
    a->attempt = 4;
    a->stage = RunRecord::Stage::Executing;
    t.destroy(a);
    RunRecord *b = t.create(11);
    QCOMPARE(b, a); // the same memory, from the free list
    QCOMPARE(b->id, RunId(11));
    QCOMPARE(b->attempt, quint16(1));
    QCOMPARE(b->stage, RunRecord::Stage::SessionQueued);
    QVERIFY(!b->detail); // its detail went with the old run
}

void tst_RunTable::emptyChunksAreFreed()
{
    RunTable t;
    const qint64 empty = t.memoryBytes();
    std::vector<RunRecord *> live;
    for (RunId id = 1; id <= 40'000; ++id)
        live.push_back(t.create(id));
    const qint64 full = t.memoryBytes();
    QVERIFY(full > empty + 40'000 * qint64(sizeof(RunRecord)));
    for (RunRecord *r : live)
        t.destroy(r);
    QCOMPARE(t.size(), 0);
    // Slot chunks go (one spare stays); record slabs stay for the next runs.
    QVERIFY(t.memoryBytes() < full);
    RunRecord *again = t.create(40'001);
    QVERIFY(std::find(live.begin(), live.end(), again) != live.end());
}

void tst_RunTable::withdrawnRecordsOutliveTheirSlot()
{
    RunTable t;
    RunRecord *r = t.create(5);
    t.remove(r); // out of the table, memory kept (a lane entry still points here)
    QCOMPARE(t.find(5), nullptr);
    QCOMPARE(t.size(), 0);
    QCOMPARE(r->id, RunId(5));
    RunRecord *other = t.create(6);
    QVERIFY(other != r); // not handed out again before release()
    t.release(r);
    QCOMPARE(t.create(7), r);
}

void tst_RunTable::forEachVisitsEveryLiveRunInIdOrder()
{
    RunTable t;
    std::set<RunId> expected;
    for (RunId id : {9000, 3, 70'000, 4, 12'000}) {
        t.create(id);
        expected.insert(id);
    }
    t.destroy(t.find(4));
    expected.erase(4);
    std::vector<RunId> seen;
    t.forEach([&seen](RunRecord *r) { seen.push_back(r->id); });
    QCOMPARE(seen, std::vector<RunId>(expected.begin(), expected.end()));
    QCOMPARE(t.all().size(), expected.size());
}

QTEST_GUILESS_MAIN(tst_RunTable)
#include "tst_runtable.moc"
