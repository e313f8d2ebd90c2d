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
    CycleCompleted,
    SchedulerPaused,
    SchedulerResumed,
    SchedulerDraining,
    SchedulerDrained,
    LaneChanged,
    JobFired,
    QueueConfigChanged,
    StoreFailed,
    OperatorAction, ///< an audited operator action (SPEC E2); text = "actor: action target"
    Count
};

QString eventTypeName(EventType type);
std::optional<EventType> eventTypeFromName(QStringView name);

/// A small value type; cheap to copy in batches across threads.
struct Event
{
    EventType type = EventType::RunQueued;
    TimeMs time = 0;
    RunId run = 0;
    SessionId session = 0;
    ErrorCode code = ErrorCode::None;
    Priority priority = Priority::Normal;
    qint64 value = 0; ///< type-specific: merged count, lane limit, drained count, attempt…
    quint16 lane = 0; ///< LaneNames id; see laneName()
    QString text;     ///< human detail: error message, pause reason, actor…

    QString laneName() const { return LaneNames::name(lane); }
};

using EventBatch = QVector<Event>;

} // namespace Yard

Q_DECLARE_METATYPE(Yard::Event)
Q_DECLARE_METATYPE(Yard::EventBatch)
