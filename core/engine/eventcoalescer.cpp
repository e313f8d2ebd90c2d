// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventcoalescer.h"

#include <QTimer>

namespace Yard {

namespace {
constexpr size_t kKeptBatches = 4;
} // namespace

EventCoalescer::EventCoalescer(int intervalMs, std::function<void(const EventBatch &)> send)
    : m_timer(new QTimer)
    , m_intervalMs(qMax(1, intervalMs))
    , m_send(std::move(send))
{
    m_sinceFlush.start();
    m_timer->setSingleShot(true);
    m_timer->setTimerType(Qt::PreciseTimer); // a coarse timer may fire 5 % early: more than 20 Hz
    m_timer->setInterval(m_intervalMs);
    QObject::connect(m_timer, &QTimer::timeout, m_timer, [this] { flush(); });
}

EventCoalescer::~EventCoalescer()
{
    delete m_timer;
}

void EventCoalescer::eventsAppended()
{
    const qint64 since = m_sinceFlush.elapsed();
    if (since >= m_intervalMs)
        flush();
    else if (!m_timer->isActive())
        m_timer->start(int(m_intervalMs - since));
}

EventBatch EventCoalescer::recycled()
{
    for (auto it = m_sent.begin(); it != m_sent.end(); ++it) {
        if (!it->isDetached())
            continue; // a receiver still reads it
        EventBatch batch = std::move(*it);
        m_sent.erase(it);
        // Keep memory in proportion to the load: a burst's buffer is not kept for a trickle.
        if (batch.capacity() > 8 * m_lastSize + 4096)
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
    m_sinceFlush.restart();
    EventBatch next = recycled();
    m_lastSize = m_pending.size();
    // Room for twice the last batch: growing a batch copies all of it (and faults in fresh
    // pages), which is what made single turns take milliseconds under a flood.
    if (next.capacity() < 2 * m_lastSize + 1024)
        next.reserve(2 * m_lastSize + 1024);
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
