// SPDX-License-Identifier: GPL-3.0-or-later
#include "admissionpump.h"

#include "admissiongate.h"
#include "laneset.h"
#include "runrecord.h"
#include "runtable.h"

#include "logging.h"

namespace Yard {

AdmissionPump::AdmissionPump(LaneSet &lanes, RunTable &runs, AdmissionHost *host)
    : m_lanes(lanes)
    , m_runs(runs)
    , m_host(host)
{}

void AdmissionPump::addGate(AdmissionGate *gate)
{
    m_gates.push_back(gate);
    if (gate->perRun())
        m_runGates.push_back(gate);
}

void AdmissionPump::enqueue(RunRecord *run)
{
    run->stage = RunRecord::Stage::WaitingForSlot;
    m_lanes.at(run->lane).push(run->priority, run->queuedAt, run->id, run);
    m_lanes.markDirty(run->lane);
}

void AdmissionPump::withdraw(RunRecord *run)
{
    m_lanes.at(run->lane).withdrawn(run->priority);
    run->stage = RunRecord::Stage::WithdrawnFromLane;
}

void AdmissionPump::release(RunRecord *run)
{
    if (!run->holdsSlot)
        return;
    run->holdsSlot = false;
    m_lanes.at(run->lane).release();
    m_lanes.markDirty(run->lane);
    for (AdmissionGate *gate : m_gates)
        gate->freed(*run);
}

void AdmissionPump::pump()
{
    if (m_depth > 0) {
        // A start re-entered the pump: the outer pump sees the lanes this one would.
        qCWarning(lcEngine) << "admission pump re-entered; deferring to the running pump";
        return;
    }
    ++m_depth;
    while (m_lanes.hasDirty()) {
        m_lanes.takeDirty(m_scratch); // lanes made dirty meanwhile go to the next round
        for (int index : m_scratch)
            pumpLane(index);
    }
    --m_depth;
}

void AdmissionPump::pumpLane(int index)
{
    Lane &lane = m_lanes.at(index);
    if (lane.isPaused())
        return;
    for (const AdmissionGate *gate : m_gates) {
        if (!gate->admitsLane(lane))
            return;
    }
    std::vector<Lane::Entry> heldBack; // candidates a per-run gate refused, put back after
    while (lane.hasFreeSlot() && lane.hasCandidates()) {
        const Lane::Entry entry = lane.popCandidate();
        RunRecord *run = entry.owner;
        if (run->stage == RunRecord::Stage::WithdrawnFromLane) {
            m_runs.release(run); // resolved while waiting; this entry was its last reference
            continue;
        }
        if (run->stage != RunRecord::Stage::WaitingForSlot || run->id != entry.runId) {
            qCWarning(lcEngine) << "lane entry for run" << entry.runId << "no longer matches its run";
            continue;
        }
        const AdmissionGate *refusedBy = nullptr;
        for (const AdmissionGate *gate : m_runGates) {
            if (!gate->admitsRun(*run)) {
                refusedBy = gate;
                break;
            }
        }
        if (refusedBy) {
            heldBack.push_back(entry);
            if (!refusedBy->admitsAfterRefusing(*run))
                break; // what waits behind it would be refused one by one
            continue;
        }
        lane.taken(run->priority);
        lane.acquire();
        run->holdsSlot = true;
        for (AdmissionGate *gate : m_gates)
            gate->started(*run);
        m_host->startAdmitted(run);
    }
    for (const Lane::Entry &e : heldBack)
        lane.putBack(e);
}

void AdmissionPump::clear()
{
    for (Lane &lane : m_lanes.all()) {
        lane.clearCandidates([this](RunRecord *run) {
            if (run && run->stage == RunRecord::Stage::WithdrawnFromLane)
                m_runs.release(run);
        });
    }
}

} // namespace Yard
