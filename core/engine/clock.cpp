// SPDX-License-Identifier: GPL-3.0-or-later
#include "clock.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QTimer>

namespace Yard {

Clock::Clock(QObject *parent)
    : QObject(parent)
{}

Clock::~Clock() = default;

Clock::TimerId Clock::callAt(TimeMs at, std::function<void()> fn)
{
    const TimerId id = m_nextSeq++;
    const bool earliest = m_heap.empty() || at < m_heap.top().due;
    m_heap.push(Entry{at, id, id});
    m_callbacks.emplace(id, std::move(fn));
    if (earliest && !m_firing)
        arm(at);
    return id;
}

void Clock::cancel(TimerId id)
{
    if (m_callbacks.erase(id) == 0)
        return;
    dropCancelledHead();
    if (!m_firing)
        arm(m_heap.empty() ? -1 : m_heap.top().due);
}

TimeMs Clock::nextDue()
{
    dropCancelledHead();
    return m_heap.empty() ? -1 : m_heap.top().due;
}

void Clock::dropCancelledHead()
{
    while (!m_heap.empty() && !m_callbacks.count(m_heap.top().id))
        m_heap.pop();
}

void Clock::fireDue(TimeMs upTo, const std::function<void(TimeMs)> &beforeEach)
{
    m_firing = true;
    for (;;) {
        dropCancelledHead();
        if (m_heap.empty() || m_heap.top().due > upTo)
            break;
        const Entry e = m_heap.top();
        m_heap.pop();
        auto it = m_callbacks.find(e.id);
        std::function<void()> fn = std::move(it->second);
        m_callbacks.erase(it);
        if (beforeEach)
            beforeEach(e.due);
        fn();
    }
    m_firing = false;
    dropCancelledHead();
    arm(m_heap.empty() ? -1 : m_heap.top().due);
}

class SystemClock::Private
{
public:
    TimeMs base = QDateTime::currentMSecsSinceEpoch();
    QElapsedTimer elapsed;
    QTimer timer;
};

SystemClock::SystemClock(QObject *parent)
    : Clock(parent)
    , d(new Private)
{
    d->elapsed.start();
    d->timer.setSingleShot(true);
    d->timer.setTimerType(Qt::PreciseTimer);
    connect(&d->timer, &QTimer::timeout, this, [this] { fireDue(now()); });
}

SystemClock::~SystemClock()
{
    delete d;
}

TimeMs SystemClock::now() const
{
    return d->base + d->elapsed.elapsed();
}

void SystemClock::arm(TimeMs due)
{
    if (due < 0) {
        d->timer.stop();
        return;
    }
    const qint64 delay = qMax<qint64>(0, due - now());
    d->timer.start(int(qMin<qint64>(delay, 24LL * 3600 * 1000)));
}

VirtualClock::VirtualClock(TimeMs start, QObject *parent)
    : Clock(parent)
    , m_now(start)
{}

TimeMs VirtualClock::now() const
{
    return m_now.load(std::memory_order_acquire);
}

void VirtualClock::advance(qint64 ms)
{
    advanceTo(now() + qMax<qint64>(0, ms));
}

void VirtualClock::advanceTo(TimeMs t)
{
    fireDue(t, [this](TimeMs due) {
        if (due > now())
            m_now.store(due, std::memory_order_release);
    });
    if (t > now())
        m_now.store(t, std::memory_order_release);
}

} // namespace Yard
