// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/event.h"

#include <QObject>
#include <QVector>

namespace Yard {
class Engine;
class Scheduler;
} // namespace Yard

namespace Yard::Test {

/// Records every event an engine (or scheduler) emits.
class EventRecorder final : public QObject
{
    Q_OBJECT

public:
    explicit EventRecorder(Engine *engine);
    explicit EventRecorder(Scheduler *scheduler);

    const QVector<Event> &events() const { return m_events; }
    void clear() { m_events.clear(); }
    int count(EventType type) const;
    QVector<Event> ofType(EventType type) const;
    QVector<Event> ofRun(RunId run) const;
    /// Terminal outcome events (completed, failed, cancelled, dropped, stale, merged) of a run.
    QVector<Event> outcomesOf(RunId run) const;
    /// Last terminal event type of a run; RunQueued if none yet.
    EventType outcomeOf(RunId run) const;
    /// Run ids in the order they started.
    QVector<RunId> startOrder() const;

    static bool isOutcome(EventType type);

private:
    QVector<Event> m_events;
};

} // namespace Yard::Test
