// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "errors.h"
#include "lanenames.h"
#include "ids.h"
#include "priority.h"

#include <QMetaType>
#include <QString>
#include <QVector>

namespace Yard {

/// Every state change the core reports (SPEC E1). Names via eventTypeName(), e.g. "run.started".
enum class EventType : quint8 {
    SessionCreated,
    SessionUpdated,
    SessionClosed,
    SessionDeleted,
    SessionEvicted,
    MessageAdded,
    RunQueued,
    RunStarted,
    RunCompleted,
    RunFailed,
    RunCancelled,
    RunDropped,
    RunRejected,
    RunStale,
    RunMerged,
    RunInterrupted,
    RunRescheduled,
    RunRetryScheduled,
    RunNeedsAttention,
    RunRecovered,
    RunProgress,
    LeaseRecovered,
    WakeSent,
    RunStarved,
    SpawnRequested,
    SpawnUnresolvable,
    RunClaimed,
    CycleCompleted,
    SchedulerPaused,
    SchedulerResumed,
    SchedulerDraining,
    SchedulerDrained,
    LaneChanged,
    JobFired,
    QueueConfigChanged,
    StoreFailed,    ///< writes fail; the scheduler pauses (SPEC R5)
    StoreRecovered, ///< writes succeed again; what was kept is written
    OperatorAction, ///< an audited operator action (SPEC E2); text = "actor: action target"
    Count
};

QString eventTypeName(EventType type);
std::optional<EventType> eventTypeFromName(QStringView name);
/// True for the events that end a run: run.completed, run.failed, run.cancelled, run.dropped,
/// run.stale and run.merged. A run reports exactly one of them.
bool endsRun(EventType type);

/// A small value type, one cache line: events are written straight into the batch that crosses
/// threads, so their size is most of what delivering them costs.
struct Event
{
    TimeMs time = 0;
    RunId run = 0;
    SessionId session = 0;
    qint64 value = 0; ///< type-specific: merged count, lane limit, drained count, attempt…
    QString text;     ///< human detail: error message, pause reason, actor…
    EventType type = EventType::RunQueued;
    ErrorCode code = ErrorCode::None;
    Priority priority = Priority::Normal;
    quint16 lane = 0; ///< LaneNames id; see laneName()

    QString laneName() const { return LaneNames::name(lane); }
};
static_assert(sizeof(Event) <= 64, "an Event should stay within one cache line");

using EventBatch = QVector<Event>;

} // namespace Yard

// Relocatable (a QString and plain values): a growing batch is realloc()ed, which moves large
// buffers by remapping pages instead of copying every event.
Q_DECLARE_TYPEINFO(Yard::Event, Q_RELOCATABLE_TYPE);
Q_DECLARE_METATYPE(Yard::Event)
Q_DECLARE_METATYPE(Yard::EventBatch)
