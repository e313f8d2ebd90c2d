// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clock.h"

namespace Yard {

/// The engine's time: read from the Clock once per turn (and once per batch of worker reports),
/// so everything a turn does happens at one instant and virtual time stays exact.
class TurnClock final
{
    Q_DISABLE_COPY_MOVE(TurnClock)

public:
    explicit TurnClock(Clock *clock)
        : m_clock(clock)
    {}

    Clock *clock() const { return m_clock; } ///< Not owning.
    /// The turn's instant inside a turn; the clock's time outside one.
    TimeMs now() const { return m_inTurn ? m_now : m_clock->now(); }
    bool inTurn() const { return m_inTurn; }

    void beginTurn()
    {
        m_inTurn = true;
        m_now = m_clock->now();
    }
    /// Moves the turn's instant to the clock's (a new batch of reports arrived).
    void refresh()
    {
        if (m_inTurn)
            m_now = m_clock->now();
    }
    void endTurn() { m_inTurn = false; }

private:
    Clock *m_clock;
    TimeMs m_now = 0;
    bool m_inTurn = false;
};

} // namespace Yard
