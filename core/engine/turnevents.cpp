// SPDX-License-Identifier: GPL-3.0-or-later
#include "turnevents.h"

#include "laneset.h"
#include "runrecord.h"
#include "turnclock.h"

namespace Yard {

TurnEvents::TurnEvents(const TurnClock &time, const LaneSet &lanes)
    : m_time(time)
    , m_lanes(lanes)
{}

void TurnEvents::setDirectListener(bool listening)
{
    m_directListener = listening;
    updateRecording();
}

void TurnEvents::setSink(EventSink *sink)
{
    if (m_sink == sink)
        return;
    if (!sink && m_buffer != &m_own) {
        m_own.clear();
        m_turnStart = 0;
    }
    m_sink = sink;
    m_buffer = sink ? &sink->pendingEvents() : &m_own;
    m_turnStart = m_buffer->size();
    updateRecording();
}

Event TurnEvents::make(EventType type) const
{
    Event e;
    e.type = type;
    e.time = m_time.now();
    return e;
}

void TurnEvents::add(EventType type, const RunRecord &run, ErrorCode code, const QString &text,
                     qint64 value)
{
    if (!m_recording)
        return;
    Event &e = m_buffer->emplace_back();
    e.type = type;
    e.time = m_time.now();
    e.run = run.id;
    e.session = run.sessionId();
    e.code = code;
    e.priority = run.priority;
    e.value = value;
    e.lane = m_lanes.at(run.lane).id();
    e.text = text;
}

void TurnEvents::beginTurn()
{
    m_turnStart = m_buffer->size();
}

} // namespace Yard
