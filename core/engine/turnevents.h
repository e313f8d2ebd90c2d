// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/event.h"

namespace Yard {

class LaneSet;
class TurnClock;
struct RunRecord;

/// Where the engine writes its events when something coalesces them (the Scheduler): events go
/// straight into the sink's pending batch, with no copy per turn. Engine thread only.
class EventSink
{
public:
    virtual ~EventSink() = default;
    /// The batch to append to. The sink may swap it for an empty one between turns.
    virtual EventBatch &pendingEvents() = 0;
    /// A turn appended events.
    virtual void eventsAppended() = 0;
};

/// The events of the current turn (SPEC E1). Nothing is built while nobody listens.
class TurnEvents final
{
    Q_DISABLE_COPY_MOVE(TurnEvents)

public:
    TurnEvents(const TurnClock &time, const LaneSet &lanes);

    bool isRecording() const { return m_recording; }
    /// Something is connected to Engine::eventsReady (gets each turn's events).
    void setDirectListener(bool listening);
    /// nullptr detaches the sink.
    void setSink(EventSink *sink);

    /// A new event of `type` at the turn's instant.
    Event make(EventType type) const;
    void add(Event &&event)
    {
        if (m_recording)
            m_buffer->append(std::move(event));
    }
    /// An event about a run.
    void add(EventType type, const RunRecord &run, ErrorCode code = ErrorCode::None,
             const QString &text = {}, qint64 value = 0);

    void beginTurn();
    /// Hands the turn's events on: to the sink, and to `emitDirect(const EventBatch &)` when a
    /// direct listener is connected.
    template<typename EmitDirect>
    void endTurn(EmitDirect emitDirect)
    {
        if (m_buffer->size() == m_turnStart)
            return;
        if (!m_sink) {
            if (m_directListener)
                emitDirect(m_own);
            m_own.clear(); // keeps its capacity unless a receiver kept a shared copy
            m_turnStart = 0;
            return;
        }
        if (m_directListener)
            emitDirect(m_buffer->mid(m_turnStart));
        m_turnStart = m_buffer->size();
        m_sink->eventsAppended();
    }

private:
    void updateRecording() { m_recording = m_directListener || m_sink; }

    const TurnClock &m_time;
    const LaneSet &m_lanes;
    EventBatch m_own;
    EventBatch *m_buffer = &m_own; ///< Not owning when it is the sink's.
    EventSink *m_sink = nullptr;   ///< Not owning.
    qsizetype m_turnStart = 0;
    bool m_directListener = false;
    bool m_recording = false;
};

} // namespace Yard
