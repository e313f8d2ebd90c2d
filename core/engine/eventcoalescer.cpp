// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventcoalescer.h"

#include <QTimer>

namespace Yard {

namespace {
constexpr size_t kKeptBatches = 4;
} // namespace

EventCoalescer::EventCoalescer(int intervalMs, std::function<void(const EventBatch &)> send)
    : m_timer(new QTimer)
    , m_send(std::move(send))
{
    m_timer->setSingleShot(true);
    m_timer->setInterval(qMax(1, intervalMs));
    QObject::connect(m_timer, &QTimer::timeout, m_timer, [this] { flush(); });
}

EventCoalescer::~EventCoalescer()
{
    delete m_timer;
}

void EventCoalescer::eventsAppended()
{
    if (!m_timer->isActive())
        m_timer->start();
}

EventBatch EventCoalescer::recycled()
{
    for (auto it = m_sent.begin(); it != m_sent.end(); ++it) {
        if (!it->isDetached())
            continue; // a receiver still reads it
        EventBatch batch = std::move(*it);
        m_sent.erase(it);
        // Keep memory in proportion to the load: a burst's buffer is not kept for a trickle.
        if (batch.capacity() > 4 * m_lastSize + 1024)
            return {};
        batch.clear(); // keeps its capacity: detached
        return batch;
    }
    return {};
}

void EventCoalescer::flush()
{
    m_timer->stop();
    if (m_pending.isEmpty())
        return;
    EventBatch next = recycled();
    m_lastSize = m_pending.size();
    if (next.capacity() < m_lastSize)
        next.reserve(m_lastSize);
    next.swap(m_pending);
    m_send(next);
    m_sent.push_back(std::move(next));
    while (m_sent.size() > kKeptBatches)
        m_sent.pop_front();
}

void EventCoalescer::clear()
{
    m_pending.clear();
    m_sent.clear();
}

} // namespace Yard
