// SPDX-License-Identifier: GPL-3.0-or-later
// AdmissionPump (SPEC L1–L3, P1, Q7): lane slots go to the best waiting runs, only in lanes that
// changed, unless a gate says no; withdrawn runs are skipped and freed.
#include "engine/admissiongate.h"
#include "engine/admissionpump.h"
#include "engine/laneset.h"
#include "engine/runtable.h"

#include <QTest>

using namespace Yard;
using namespace Qt::StringLiterals;

namespace {

/// Records the runs it was asked to start.
class StartLog final : public AdmissionHost
{
public:
    void startAdmitted(RunRecord *run) override { started.push_back(run->id); }
    std::vector<RunId> started;
};

class LaneGate final : public AdmissionGate
{
public:
    bool admitsLane(const Lane &) const override { return open; }
    void started(const RunRecord &) override { ++starts; }
    void freed(const RunRecord &) override { ++frees; }
    bool open = true;
    int starts = 0;
    int frees = 0;
};

/// Holds back the runs it names; the rest of the lane goes on.
class RunGate final : public AdmissionGate
{
public:
    bool admitsLane(const Lane &) const override { return true; }
    bool perRun() const override { return true; }
    bool admitsRun(const RunRecord &run) const override { return !held.contains(run.id); }
    QSet<RunId> held;
};

struct Rig
{
    Rig()
        : pump(lanes, runs, &log)
    {}
    RunRecord *waiting(RunId id, Priority p = Priority::Normal, TimeMs queuedAt = 1000, int lane = 0)
    {
        RunRecord *r = runs.create(id);
        r->priority = p;
        r->queuedAt = queuedAt;
        r->lane = quint16(lane);
        pump.enqueue(r);
        return r;
    }
    LaneSet lanes;
    RunTable runs;
    StartLog log;
    AdmissionPump pump;
};

} // namespace

class tst_AdmissionPump : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fillsFreeSlotsInPriorityTimeIdOrder();
    void releasedSlotGoesToTheNextRun();
    void closedGateHoldsTheLane();
    void perRunGateHoldsOnlyThatRun();
    void withdrawnRunsAreSkippedAndFreed();
    void onlyChangedLanesArePumped();
};

void tst_AdmissionPump::fillsFreeSlotsInPriorityTimeIdOrder()
{
    Rig rig;
    rig.lanes.define(u"main"_s, 3);
    rig.waiting(1, Priority::Low, 100);
    rig.waiting(2, Priority::Normal, 300);
    rig.waiting(4, Priority::Normal, 200);
    rig.waiting(3, Priority::Normal, 200);
    rig.waiting(5, Priority::Interactive, 900);
    rig.pump.pump();
    QCOMPARE(rig.log.started, (std::vector<RunId>{5, 3, 4}));
    const Lane &main = rig.lanes.at(LaneSet::kMain);
    QCOMPARE(main.active(), 3);
    QCOMPARE(main.pending(), 2);
    QVERIFY(rig.runs.find(3)->holdsSlot);
}

void tst_AdmissionPump::releasedSlotGoesToTheNextRun()
{
    Rig rig;
    rig.lanes.define(u"main"_s, 1);
    rig.waiting(1);
    rig.waiting(2);
    rig.pump.pump();
    QCOMPARE(rig.log.started, (std::vector<RunId>{1}));
    rig.pump.pump(); // nothing changed: nothing starts
    QCOMPARE(rig.log.started.size(), size_t(1));
    rig.pump.release(rig.runs.find(1));
    QVERIFY(!rig.runs.find(1)->holdsSlot);
    rig.pump.pump();
    QCOMPARE(rig.log.started, (std::vector<RunId>{1, 2}));
}

void tst_AdmissionPump::closedGateHoldsTheLane()
{
    Rig rig;
    LaneGate gate;
    rig.pump.addGate(&gate);
    gate.open = false;
    rig.waiting(1);
    rig.pump.pump();
    QVERIFY(rig.log.started.empty());
    QCOMPARE(rig.lanes.at(LaneSet::kMain).pending(), 1);
    gate.open = true;
    rig.lanes.markAllDirty(); // what a resume does
    rig.pump.pump();
    QCOMPARE(rig.log.started, (std::vector<RunId>{1}));
    QCOMPARE(gate.starts, 1);
    rig.pump.release(rig.runs.find(1));
    QCOMPARE(gate.frees, 1);
}

void tst_AdmissionPump::perRunGateHoldsOnlyThatRun()
{
    Rig rig;
    RunGate gate;
    rig.pump.addGate(&gate);
    gate.held = {1};
    rig.waiting(1, Priority::Urgent);
    rig.waiting(2);
    rig.pump.pump();
    QCOMPARE(rig.log.started, (std::vector<RunId>{2}));
    QCOMPARE(rig.lanes.at(LaneSet::kMain).pending(), 1); // run 1 still waits, in its place
    gate.held.clear();
    rig.lanes.markDirty(LaneSet::kMain);
    rig.pump.pump();
    QCOMPARE(rig.log.started, (std::vector<RunId>{2, 1}));
}

void tst_AdmissionPump::withdrawnRunsAreSkippedAndFreed()
{
    Rig rig;
    rig.lanes.define(u"main"_s, 1);
    RunRecord *first = rig.waiting(1);
    rig.waiting(2);
    rig.pump.withdraw(first); // cancelled while waiting
    rig.runs.remove(first);
    QCOMPARE(rig.lanes.at(LaneSet::kMain).pending(), 1);
    rig.pump.pump();
    QCOMPARE(rig.log.started, (std::vector<RunId>{2}));
    // Its record went back to the free list when its entry surfaced.
    QCOMPARE(rig.runs.create(3), first);
}

void tst_AdmissionPump::onlyChangedLanesArePumped()
{
    Rig rig;
    const int team = rig.lanes.resolve(u"team"_s);
    rig.lanes.define(u"team"_s, 1);
    rig.waiting(1, Priority::Normal, 1000, team);
    rig.waiting(2, Priority::Normal, 1000, team);
    rig.pump.pump();
    QCOMPARE(rig.log.started, (std::vector<RunId>{1}));
    // A free slot in another lane does not wake this one.
    rig.waiting(3);
    rig.pump.pump();
    QCOMPARE(rig.log.started, (std::vector<RunId>{1, 3}));
    QVERIFY(!rig.lanes.hasDirty());
}

QTEST_GUILESS_MAIN(tst_AdmissionPump)
#include "tst_admissionpump.moc"
