// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace Yard {

class Lane;
struct RunRecord;

/// A policy the admission pump asks before a run takes a lane slot (after ThreadWeaver's
/// QueuePolicy). The pump does not know the policies: the engine builds the list when it is
/// composed. Scheduler pause (SPEC D7) and shutdown are gates today; preemption, job pause and
/// cron's "no overlap" plug in the same way.
class AdmissionGate
{
public:
    virtual ~AdmissionGate() = default;

    /// May anything start in this lane now? Asked once per lane per pump.
    virtual bool admitsLane(const Lane &lane) const = 0;
    /// May this run start now? Asked per candidate, only of gates that say perRun().
    virtual bool admitsRun(const RunRecord &run) const { return true; }
    /// True if admitsRun() can say no (the pump skips the per-run call otherwise).
    virtual bool perRun() const { return false; }
    /// After admitsRun() refused `run`: may the runs that wait behind it (lower priority, later)
    /// still start now? By default only the refused run is held back. Runs wait in priority
    /// order, so a gate that would refuse everything behind says no, and the pump stops at once
    /// instead of asking each of them.
    virtual bool admitsAfterRefusing(const RunRecord &run) const { return true; }
    /// A run this gate admitted took its slot / gave it back.
    virtual void started(const RunRecord &run) {}
    virtual void freed(const RunRecord &run) {}
};

} // namespace Yard
