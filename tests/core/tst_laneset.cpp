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
    void badEnvironmentIsAnError_data();
    void badEnvironmentIsAnError();
    void nonPositiveEnvironmentLimitIsTwoAndSaid();
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
    LaneSet lanes;
    QVERIFY(!lanes.applyEnvironment().isError());
    qunsetenv("YARD_LANE_MAIN");
    qunsetenv("YARD_LANE_GPU");
    QCOMPARE(lanes.at(LaneSet::kMain).limit(), 7);
    QCOMPARE(lanes.at(lanes.resolve(u"gpu"_s)).limit(), 3);
    QCOMPARE(lanes.at(lanes.resolve(u"team"_s)).limit(), 100);
}

void tst_LaneSet::badEnvironmentIsAnError_data()
{
    QTest::addColumn<QByteArray>("var");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QString>("expect");
    QTest::newRow("not a number") << QByteArray("YARD_LANE_TEAM") << QByteArray("lots")
                                  << u"YARD_LANE_TEAM=lots: a lane limit must be a whole number"_s;
    QTest::newRow("no lane name") << QByteArray("YARD_LANE_") << QByteArray("3") << u"names no lane"_s;
    QTest::newRow("too large") << QByteArray("YARD_LANE_MAIN") << QByteArray("1e12")
                               << u"a lane limit must be a whole number up to 100000"_s;
}

void tst_LaneSet::badEnvironmentIsAnError()
{
    QFETCH(QByteArray, var);
    QFETCH(QByteArray, value);
    QFETCH(QString, expect);
    qputenv(var.constData(), value);
    LaneSet lanes;
    const Error e = lanes.applyEnvironment();
    qunsetenv(var.constData());
    QCOMPARE(e.code, ErrorCode::InvalidConfig);
    QVERIFY2(e.message.contains(expect), qPrintable(e.message));
}

void tst_LaneSet::nonPositiveEnvironmentLimitIsTwoAndSaid()
{
    qputenv("YARD_LANE_MAIN", "-3");
    QTest::ignoreMessage(QtWarningMsg, "YARD_LANE_MAIN=-3: a limit of -3 means 2 (SPEC L1)");
    LaneSet lanes;
    QVERIFY(!lanes.applyEnvironment().isError());
    qunsetenv("YARD_LANE_MAIN");
    QCOMPARE(lanes.at(LaneSet::kMain).limit(), 2);
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
