// SPDX-License-Identifier: GPL-3.0-or-later
// SnapshotBuilder (SPEC U2, U3, E3): snapshots list only what changed; a run waiting for a lane
// slot still counts as queued to an operator; a session's detail lists its queue in order.
#include "partsfixture.h"

#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_SnapshotBuilder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void onlyChangedSessionsUnlessFull();
    void waitingForASlotIsQueued();
    void detailListsTheQueueInStartOrder();
};

void tst_SnapshotBuilder::onlyChangedSessionsUnlessFull()
{
    PartsFixture f;
    const SessionId a = f.session(u"a"_s);
    f.session(u"b"_s);
    EngineSnapshot first = f.parts->snapshots.snapshot(false);
    QCOMPARE(first.changedSessions.size(), 2); // both were created
    QVERIFY(f.parts->snapshots.snapshot(false).changedSessions.isEmpty()); // nothing since
    f.submit(a);
    EngineSnapshot next = f.parts->snapshots.snapshot(false);
    QCOMPARE(next.changedSessions.size(), 1);
    QCOMPARE(next.changedSessions.first().id, a);
    QCOMPARE(next.running, 1);
    QCOMPARE(next.counters.accepted, quint64(1));
    EngineSnapshot full = f.parts->snapshots.snapshot(true);
    QVERIFY(full.fullSessionList);
    QCOMPARE(full.changedSessions.size(), 2);
}

void tst_SnapshotBuilder::waitingForASlotIsQueued()
{
    PartsFixture f;
    QVERIFY(!f.turn([&] { return f.parts->settings.setLaneLimit(u"main"_s, 1); }).isError());
    const SessionId a = f.session(u"a"_s);
    const SessionId b = f.session(u"b"_s);
    f.submit(a);
    f.submit(b); // admitted by its session, but the lane is full
    const SessionStatus sb = f.parts->snapshots.sessionStatus(b).value();
    QCOMPARE(sb.active, 0);
    QCOMPARE(sb.queued, 1);
    const SessionStatus sa = f.parts->snapshots.sessionStatus(a).value();
    QCOMPARE(sa.active, 1);
    QCOMPARE(sa.queued, 0);
    QVERIFY(!f.parts->snapshots.sessionStatus(404));
}

void tst_SnapshotBuilder::detailListsTheQueueInStartOrder()
{
    PartsFixture f;
    const SessionId s = f.session(u"s"_s);
    const RunId running = f.submit(s, u"noop"_s, u"first"_s);
    const RunId second = f.submit(s, u"noop"_s, u"second"_s);
    const RunId third = f.submit(s, u"simulate"_s, QString(200, u'x'));
    const SessionDetail d = f.parts->snapshots.sessionDetail(s).value();
    QCOMPARE(d.running.size(), 1);
    QCOMPARE(d.running.first().id, running);
    QCOMPARE(d.running.first().stage, u"running"_s);
    QCOMPARE(d.queued.size(), 2);
    QCOMPARE(d.queued.at(0).id, second);
    QCOMPARE(d.queued.at(0).preview, u"second"_s);
    QCOMPARE(d.queued.at(1).id, third);
    QCOMPARE(d.queued.at(1).handler, u"simulate"_s);
    QCOMPARE(d.queued.at(1).preview.size(), 120); // a preview, not the whole input
}

QTEST_GUILESS_MAIN(tst_SnapshotBuilder)
#include "tst_snapshotbuilder.moc"
