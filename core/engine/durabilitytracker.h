// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <deque>
#include <functional>
#include <vector>

namespace Yard {

/// When accepted work is on disk (SPEC R1, I2): every turn's writes are handed to the store as
/// one numbered batch, and the store reports which numbers are committed. A caller that must
/// not acknowledge before that (the local API) asks to be told. Engine thread only.
class DurabilityTracker final
{
    Q_DISABLE_COPY_MOVE(DurabilityTracker)

public:
    DurabilityTracker() = default;

    /// Calls `fn` once everything accepted so far, this turn included, is durable.
    void whenDurable(std::function<void()> fn);
    /// End of a turn: its writes were handed over as batch `seq` (the last one if it wrote none).
    void handedOver(quint64 seq);
    /// The store committed everything up to `seq`. Calls the waiters that covers.
    void committed(quint64 seq);
    quint64 committedSeq() const { return m_committed; }
    int waiting() const { return int(m_waiting.size() + m_thisTurn.size()); }

private:
    struct Waiter
    {
        quint64 seq;
        std::function<void()> fn;
    };
    std::vector<std::function<void()>> m_thisTurn;
    std::deque<Waiter> m_waiting; ///< by seq
    quint64 m_committed = 0;
};

} // namespace Yard
