// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "enginestatus.h"

#include <functional>
#include <optional>

namespace Yard {

class CycleDriver;
class JobBook;
class RunResolver;
class TaskBoard;

class DrainMonitor;
class HandlerTable;
class LaneSet;
class PauseControl;
class SessionChanges;
class SessionManager;
class SessionQueue;
class SessionQueues;
class ShutdownCoordinator;
class StatsTicker;
class TurnClock;

/// What views see of the engine (SPEC U2, U3, U7, E3): snapshots listing only the sessions that
/// changed, a session's status and its detail with the ordered queue, lane statistics. Builds
/// values; changes nothing but the change marks it consumes. Engine thread only.
class SnapshotBuilder final
{
    Q_DISABLE_COPY_MOVE(SnapshotBuilder)

public:
    struct Parts
    {
        const TurnClock *time;
        SessionManager *sessions;
        const SessionQueues *queues;
        SessionChanges *changes;
        const LaneSet *lanes;
        const HandlerTable *handlers;
        const EngineCounters *counters;
        const PauseControl *pause;
        const DrainMonitor *drain;
        const ShutdownCoordinator *shutdown;
        StatsTicker *stats;
        std::function<int()> running;
        std::function<int()> queued;
        CycleDriver *cycles;
        const TaskBoard *board;
        const RunResolver *resolver;
        const JobBook *jobs;
    };
    explicit SnapshotBuilder(Parts parts); ///< Not owning any of them.

    /// `full` lists every session, otherwise only the changed ones.
    EngineSnapshot snapshot(bool full);
    std::optional<SessionStatus> sessionStatus(SessionId id) const;
    std::optional<SessionDetail> sessionDetail(SessionId id) const;
    QVector<LaneStats> laneStats() const;

private:
    SessionStatus statusOf(const Session &session, const SessionQueue *queue) const;

    Parts m_p;
    quint64 m_jobsVersion = 0; ///< what the last snapshot sent
};

} // namespace Yard
