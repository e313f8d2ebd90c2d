// SPDX-License-Identifier: GPL-3.0-or-later
// TurnEvents (SPEC E1, E3): nothing is built while nobody listens; a direct listener gets each
// turn's events; with a sink, events land in the sink's batch with no copy per turn.
#include "engine/laneset.h"
#include "engine/runrecord.h"
#include "engine/turnclock.h"
#include "engine/turnevents.h"

#include <QTest>

using namespace Yard;
using namespace Qt::StringLiterals;

namespace {
class Sink final : public EventSink
{
public:
    EventBatch &pendingEvents() override { return batch; }
    void eventsAppended() override { ++turns; }
    EventBatch batch;
    int turns = 0;
};
} // namespace

class tst_TurnEvents : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nothingIsBuiltWithoutListeners();
    void directListenerGetsEachTurn();
    void sinkGetsEventsInPlace();
};

void tst_TurnEvents::nothingIsBuiltWithoutListeners()
{
    VirtualClock clock;
    TurnClock time(&clock);
    LaneSet lanes;
    TurnEvents events(time, lanes);
    QVERIFY(!events.isRecording());
    RunRecord run;
    run.id = 1;
    events.beginTurn();
    events.add(EventType::RunQueued, run);
    int emitted = 0;
    events.endTurn([&](const EventBatch &) { ++emitted; });
    QCOMPARE(emitted, 0);
}

void tst_TurnEvents::directListenerGetsEachTurn()
{
    VirtualClock clock;
    TurnClock time(&clock);
    LaneSet lanes;
    TurnEvents events(time, lanes);
    events.setDirectListener(true);
    RunRecord run;
    run.id = 7;
    run.priority = Priority::Urgent;
    run.lane = quint16(lanes.resolve(u"team"_s));
    QVector<EventBatch> turns;
    for (int turn = 0; turn < 2; ++turn) {
        time.beginTurn();
        events.beginTurn();
        events.add(EventType::RunQueued, run, ErrorCode::None, u"t%1"_s.arg(turn));
        events.endTurn([&](const EventBatch &b) { turns.append(b); });
        time.endTurn();
        clock.advance(10);
    }
    QCOMPARE(turns.size(), 2);
    QCOMPARE(turns[0].size(), 1);
    QCOMPARE(turns[1].size(), 1); // only that turn's
    const Event e = turns[1].first();
    QCOMPARE(e.run, RunId(7));
    QCOMPARE(e.priority, Priority::Urgent);
    QCOMPARE(e.laneName(), u"team"_s);
    QCOMPARE(e.text, u"t1"_s);
    QCOMPARE(e.time, turns[0].first().time + 10);
}

void tst_TurnEvents::sinkGetsEventsInPlace()
{
    VirtualClock clock;
    TurnClock time(&clock);
    LaneSet lanes;
    TurnEvents events(time, lanes);
    Sink sink;
    events.setSink(&sink);
    QVERIFY(events.isRecording());
    RunRecord run;
    run.id = 3;
    for (int turn = 0; turn < 3; ++turn) {
        events.beginTurn();
        events.add(EventType::RunStarted, run);
        events.endTurn([](const EventBatch &) { QFAIL("no direct listener"); });
    }
    QCOMPARE(sink.batch.size(), 3); // written straight into the sink's batch
    QCOMPARE(sink.turns, 3);
    events.setDirectListener(true);
    EventBatch direct;
    events.beginTurn();
    events.add(EventType::RunCompleted, run);
    events.endTurn([&](const EventBatch &b) { direct = b; });
    QCOMPARE(direct.size(), 1); // the turn's slice, not the whole batch
    QCOMPARE(sink.batch.size(), 4);
    events.setSink(nullptr);
    QVERIFY(events.isRecording()); // the direct listener still is
}

QTEST_GUILESS_MAIN(tst_TurnEvents)
#include "tst_turnevents.moc"
