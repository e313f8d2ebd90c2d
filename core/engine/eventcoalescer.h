// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "turnevents.h"

#include <QElapsedTimer>

#include <deque>
#include <functional>

class QObject;
class QTimer;

namespace Yard {

/// Coalesces the engine's events into batches at most every `intervalMs` (SPEC E3), on the
/// engine thread. A batch leaves when the interval has passed, from its timer or at the end of
/// the first turn after it (timers wait while the engine works through a flood of posted
/// calls, and a batch must not grow without bound meanwhile). The engine writes straight into the pending batch, and a sent batch's memory
/// comes back for reuse once every receiver has let go of it: no copy per turn, and no fresh
/// pages to fault in per batch (measured: 280 of 384 ns a run went to first-touch page faults).
class EventCoalescer final : public EventSink
{
    Q_DISABLE_COPY_MOVE(EventCoalescer)

public:
    /// `send(batch)` delivers a batch. Create it on the engine thread.
    EventCoalescer(int intervalMs, std::function<void(const EventBatch &)> send);
    ~EventCoalescer() override;

    EventBatch &pendingEvents() override { return m_pending; }
    void eventsAppended() override;

    /// Sends what is pending now.
    void flush();
    /// Drops what is pending (nobody listens any more).
    void clear();

private:
    EventBatch recycled();

    QTimer *m_timer; ///< Owning.
    QElapsedTimer m_sinceFlush;
    int m_intervalMs;
    std::function<void(const EventBatch &)> m_send;
    EventBatch m_pending;
    std::deque<EventBatch> m_sent; ///< our references to sent batches, to reuse their memory
    qsizetype m_lastSize = 0;
};

} // namespace Yard
