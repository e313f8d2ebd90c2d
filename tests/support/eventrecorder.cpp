// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventrecorder.h"

#include "engine/engine.h"
#include "engine/scheduler.h"

namespace Yard::Test {

EventRecorder::EventRecorder(Engine *engine)
{
    connect(engine, &Engine::eventsReady, this,
            [this](const EventBatch &batch) { m_events += batch; }, Qt::DirectConnection);
}

EventRecorder::EventRecorder(Scheduler *scheduler)
{
    connect(scheduler, &Scheduler::eventsReady, this,
            [this](const EventBatch &batch) { m_events += batch; });
}

bool EventRecorder::isOutcome(EventType type)
{
    return endsRun(type);
}

int EventRecorder::count(EventType type) const
{
    int n = 0;
    for (const Event &e : m_events)
        n += e.type == type;
    return n;
}

QVector<Event> EventRecorder::ofType(EventType type) const
{
    QVector<Event> list;
    for (const Event &e : m_events) {
        if (e.type == type)
            list.append(e);
    }
    return list;
}

QVector<Event> EventRecorder::ofRun(RunId run) const
{
    QVector<Event> list;
    for (const Event &e : m_events) {
        if (e.run == run)
            list.append(e);
    }
    return list;
}

QVector<Event> EventRecorder::outcomesOf(RunId run) const
{
    QVector<Event> list;
    for (const Event &e : m_events) {
        if (e.run == run && isOutcome(e.type))
            list.append(e);
    }
    return list;
}

EventType EventRecorder::outcomeOf(RunId run) const
{
    EventType t = EventType::RunQueued;
    for (const Event &e : m_events) {
        if (e.run == run && isOutcome(e.type))
            t = e.type;
    }
    return t;
}

QVector<RunId> EventRecorder::startOrder() const
{
    QVector<RunId> list;
    for (const Event &e : m_events) {
        if (e.type == EventType::RunStarted)
            list.append(e.run);
    }
    return list;
}

} // namespace Yard::Test
