// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clock.h"

#include "model/run.h"

namespace Yard {

class RunTicket;
class SessionQueue;

/// The engine's live view of a run that has not been resolved yet (or whose handler is still
/// returning after a cancel). Engine thread only.
struct RunRecord
{
    /// Where the run is right now.
    enum class Stage : quint8 {
        SessionQueued, ///< waiting in its session queue
        LaneWaiting,   ///< admitted by its session, waiting for a lane slot
        Executing,     ///< a worker owns the ticket
        StepWaiting,   ///< holds its slot, waiting for its next step (ContinueAfter)
        Zombie,        ///< resolved while executing; waits for the worker to return
        Tombstone,     ///< resolved while waiting for a slot; freed when its lane entry pops
    };

    Run run;
    Stage stage = Stage::SessionQueued;
    SessionQueue *queue = nullptr; ///< nullptr for runs not bound to a session
    RunTicket *ticket = nullptr;
    Clock::TimerId stepTimer = 0;
    quint64 laneSeq = 0;
    int laneIndex = 0;
    quint16 laneId = 0; ///< LaneNames id of run.lane
    quint32 generation = 0; ///< session generation at enqueue (SPEC Q9 Reset)
    bool holdsSlot = false;
    bool interruptRequested = false;
};

} // namespace Yard
