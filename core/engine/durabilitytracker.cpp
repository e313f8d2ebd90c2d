// SPDX-License-Identifier: GPL-3.0-or-later
#include "durabilitytracker.h"

namespace Yard {

void DurabilityTracker::whenDurable(std::function<void()> fn)
{
    m_thisTurn.push_back(std::move(fn)); // this turn's writes are handed over at its end
}

void DurabilityTracker::handedOver(quint64 seq)
{
    for (auto &fn : m_thisTurn)
        m_waiting.push_back(Waiter{seq, std::move(fn)});
    m_thisTurn.clear();
    committed(m_committed); // what was already durable (a turn that wrote nothing)
}

void DurabilityTracker::committed(quint64 seq)
{
    m_committed = qMax(m_committed, seq);
    while (!m_waiting.empty() && m_waiting.front().seq <= m_committed) {
        auto fn = std::move(m_waiting.front().fn);
        m_waiting.pop_front();
        fn();
    }
}

} // namespace Yard
