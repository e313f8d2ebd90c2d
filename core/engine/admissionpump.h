// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <vector>

namespace Yard {

class AdmissionGate;
class LaneSet;
class RunTable;
struct RunRecord;

/// What the pump hands admitted runs to.
class AdmissionHost
{
public:
    virtual ~AdmissionHost() = default;
    /// `run` was given a slot in its lane (already acquired): start it.
    virtual void startAdmitted(RunRecord *run) = 0;
};

/// Lane admission (SPEC L1–L3, P1, Q7): one pump over the lanes that changed, in a fixed order,
/// giving free slots to the best waiting runs, unless a gate says no. Slots freed in a turn are
/// released before the pump runs, so a finishing run never waits for its own lane (the goclaw
/// deadlock, DESIGN.md). Engine thread only.
class AdmissionPump final
{
    Q_DISABLE_COPY_MOVE(AdmissionPump)

public:
    AdmissionPump(LaneSet &lanes, RunTable &runs, AdmissionHost *host);

    /// Gates are asked in the order they were added. Not owning.
    void addGate(AdmissionGate *gate);

    /// Puts a run in its lane's waiting line (stage WaitingForSlot).
    void enqueue(RunRecord *run);
    /// Takes a waiting run out of its lane (cancelled while waiting). Its entry stays in the heap
    /// until it surfaces, which frees the record.
    void withdraw(RunRecord *run);
    /// A run gave its slot back.
    void release(RunRecord *run);

    /// Admits from every lane that changed since the last pump.
    void pump();
    /// Frees what lanes still hold (engine teardown).
    void clear();

private:
    void pumpLane(int index);

    LaneSet &m_lanes;
    RunTable &m_runs;
    AdmissionHost *m_host; ///< Not owning.
    std::vector<AdmissionGate *> m_gates;       ///< Not owning.
    std::vector<AdmissionGate *> m_runGates;    ///< the gates that decide per run
    std::vector<int> m_scratch;
    int m_depth = 0; ///< re-entry guard
};

} // namespace Yard
