// SPDX-License-Identifier: GPL-3.0-or-later
// Lanes (SPEC L1, P1): defaults, limits, environment overrides, ordering of waiting runs.
#include "engine/laneset.h"

#include <QTest>

using namespace Yard;
using namespace Qt::StringLiterals;

class tst_LaneSet : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults();
    void nonPositiveLimitsBecomeTwo();
    void environmentOverrides();
    void waitingRunsOrderByPriorityTimeId();
};

void tst_LaneSet::defaults()
{
    LaneSet lanes;
    QCOMPARE(lanes.names(), (QStringList{u"cron"_s, u"main"_s, u"subagent"_s, u"team"_s}));
    QCOMPARE(lanes.at(lanes.resolve(u"subagent"_s)).limit(), 50);
    QCOMPARE(lanes.at(lanes.resolve(u"team"_s)).limit(), 100);
    QCOMPARE(lanes.at(lanes.resolve({})).name(), u"main"_s);
    QCOMPARE(lanes.stats(u"cron"_s).limit, 30);
}

void tst_LaneSet::nonPositiveLimitsBecomeTwo()
{
    LaneSet lanes;
    lanes.define(u"main"_s, 0);
    QCOMPARE(lanes.at(LaneSet::kMain).limit(), 2);
    lanes.define(u"batch"_s, -5);
    QCOMPARE(lanes.at(lanes.resolve(u"batch"_s)).limit(), 2);
}

void tst_LaneSet::environmentOverrides()
{
    qputenv("YARD_LANE_MAIN", "7");
    qputenv("YARD_LANE_GPU", "3");
    qputenv("YARD_LANE_TEAM", "lots");
    QTest::ignoreMessage(QtWarningMsg, "ignoring YARD_LANE_TEAM=lots: expected an integer lane limit");
    LaneSet lanes;
    lanes.applyEnvironment();
    qunsetenv("YARD_LANE_MAIN");
    qunsetenv("YARD_LANE_GPU");
    qunsetenv("YARD_LANE_TEAM");
    QCOMPARE(lanes.at(LaneSet::kMain).limit(), 7);
    QCOMPARE(lanes.at(lanes.resolve(u"gpu"_s)).limit(), 3);
    QCOMPARE(lanes.at(lanes.resolve(u"team"_s)).limit(), 100);
}

void tst_LaneSet::waitingRunsOrderByPriorityTimeId()
{
    Lane lane(u"l"_s, 1);
    lane.push(Priority::Low, 100, 1);
    lane.push(Priority::Normal, 300, 2);
    lane.push(Priority::Normal, 200, 4);
    lane.push(Priority::Normal, 200, 3);
    lane.push(Priority::Interactive, 900, 5);
    QCOMPARE(lane.pending(), 5);
    QVector<RunId> order;
    while (lane.hasCandidates())
        order << lane.popCandidate().runId;
    QCOMPARE(order, (QVector<RunId>{5, 3, 4, 2, 1}));
}

QTEST_GUILESS_MAIN(tst_LaneSet)
#include "tst_laneset.moc"
