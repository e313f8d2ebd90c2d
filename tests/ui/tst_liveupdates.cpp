// SPDX-License-Identifier: GPL-3.0-or-later
// LiveUpdates: what a frozen console keeps. Snapshots are deltas, so merging must keep every
// changed session (newest status), every removal, every sample and cycle, and the newest numbers.
#include "liveupdates.h"

#include <QTest>

using namespace Yard;
using namespace Yard::Ui;
using namespace Qt::StringLiterals;

class tst_LiveUpdates : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mergesDeltaSnapshots();
    void aFullListReplacesTheDeltas();
    void eventsAreKeptInOrderUpToABound();
};

namespace {
SessionStatus session(SessionId id, int queued)
{
    SessionStatus s;
    s.id = id;
    s.key = u"s%1"_s.arg(id);
    s.queued = queued;
    return s;
}
} // namespace

void tst_LiveUpdates::mergesDeltaSnapshots()
{
    LiveUpdates live;
    live.hold();
    EngineSnapshot a;
    a.time = 1;
    a.running = 5;
    a.changedSessions = {session(1, 1), session(2, 2)};
    a.newSamples.resize(2);
    a.newCycles.resize(1);
    EngineSnapshot b;
    b.time = 2;
    b.running = 7;
    b.needsAttentionOpen = 3;
    b.changedSessions = {session(2, 9), session(3, 3)};
    b.removedSessions = {1};
    b.newSamples.resize(1);
    b.jobsChanged = true;
    b.jobs.resize(4);
    EngineSnapshot c;
    c.time = 3;
    c.running = 6;
    c.newCycles.resize(2);
    live.addSnapshot(a);
    live.addSnapshot(b);
    live.addSnapshot(c);
    QVERIFY(live.hasSnapshot());
    const EngineSnapshot m = live.takeSnapshot();
    QVERIFY(!live.hasSnapshot());
    QCOMPARE(m.time, 3);
    QCOMPARE(m.running, 6);
    QCOMPARE(m.needsAttentionOpen, 0); // the newest (c says 0)
    QCOMPARE(m.changedSessions.size(), 2);
    QCOMPARE(m.changedSessions[0].id, 2);
    QCOMPARE(m.changedSessions[0].queued, 9); // the newest status
    QCOMPARE(m.changedSessions[1].id, 3);
    QCOMPARE(m.removedSessions, QVector<SessionId>{1});
    QCOMPARE(m.newSamples.size(), 3);
    QCOMPARE(m.newCycles.size(), 3);
    QVERIFY(m.jobsChanged); // b's, though c did not change them
    QCOMPARE(m.jobs.size(), 4);
}

void tst_LiveUpdates::aFullListReplacesTheDeltas()
{
    EngineSnapshot into;
    into.changedSessions = {session(1, 1)};
    into.removedSessions = {9};
    EngineSnapshot full;
    full.fullSessionList = true;
    full.changedSessions = {session(4, 4), session(5, 5)};
    LiveUpdates::merge(into, full);
    QVERIFY(into.fullSessionList);
    QCOMPARE(into.changedSessions.size(), 2);
    QVERIFY(into.removedSessions.isEmpty());
    // A session removed and then used again is shown, not removed.
    EngineSnapshot gone;
    gone.removedSessions = {4};
    LiveUpdates::merge(into, gone);
    EngineSnapshot back;
    back.changedSessions = {session(4, 1)};
    LiveUpdates::merge(into, back);
    QVERIFY(!into.removedSessions.contains(4));
    QCOMPARE(into.changedSessions.last().id, 4);
}

void tst_LiveUpdates::eventsAreKeptInOrderUpToABound()
{
    LiveUpdates live;
    live.hold();
    EventBatch batch(1000);
    for (int i = 0; i < batch.size(); ++i)
        batch[i].run = i;
    live.addEvents(batch);
    live.addEvents(batch);
    QCOMPARE(live.waiting(), 2000);
    QVERIFY(!live.overflowed());
    EventBatch all = live.takeEvents();
    QCOMPARE(all.size(), 2000);
    QCOMPARE(all[1000].run, 0);
    for (int i = 0; i < LiveUpdates::kMaxHeldEvents / 1000 + 1; ++i)
        live.addEvents(batch);
    QVERIFY(live.overflowed());
    all = live.takeEvents();
    QCOMPARE(all.size(), LiveUpdates::kMaxHeldEvents);
    QCOMPARE(all.last().run, 999); // the newest kept
    QVERIFY(!live.overflowed());
}

QTEST_APPLESS_MAIN(tst_LiveUpdates)
#include "tst_liveupdates.moc"
