// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/ids.h"

#include <QObject>

#include <atomic>

#include <functional>
#include <queue>
#include <unordered_map>
#include <vector>

namespace Yard {

/// The only source of time in the core (SPEC D10), and its timers.
///
/// now() may be called from any thread. Timers are set, cancelled and fired on the thread the
/// clock lives in (the engine thread); callbacks with equal due times fire in the order they were
/// set, so a virtual clock replays identically.
class Clock : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Clock)

public:
    using TimerId = quint64;

    explicit Clock(QObject *parent = nullptr);
    ~Clock() override;

    /// Milliseconds since the Unix epoch (UTC).
    virtual TimeMs now() const = 0;
    /// True for clocks that only move when told to (tests, the simulator).
    virtual bool isVirtual() const { return false; }

    /// Calls fn at (or, if already past, as soon as possible after) time `at`.
    TimerId callAt(TimeMs at, std::function<void()> fn);
    TimerId callAfter(qint64 delayMs, std::function<void()> fn) { return callAt(now() + delayMs, std::move(fn)); }
    /// Cancels a pending timer; harmless for ids that fired or were cancelled already.
    void cancel(TimerId id);
    /// Number of timers still pending.
    int pendingTimers() const { return int(m_callbacks.size()); }
    /// Due time of the earliest pending timer, or -1.
    TimeMs nextDue();

protected:
    /// Arms the underlying wake-up for the earliest due time (-1 = none pending).
    virtual void arm(TimeMs due) = 0;
    /// Fires, in order, every timer due at or before `upTo`. For virtual clocks `beforeEach` moves
    /// the clock to each timer's due time before it fires.
    void fireDue(TimeMs upTo, const std::function<void(TimeMs)> &beforeEach = {});

private:
    struct Entry
    {
        TimeMs due;
        quint64 seq;
        TimerId id;
        bool operator>(const Entry &o) const { return due != o.due ? due > o.due : seq > o.seq; }
    };
    void dropCancelledHead();

    std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> m_heap;
    std::unordered_map<TimerId, std::function<void()>> m_callbacks;
    quint64 m_nextSeq = 1;
    bool m_firing = false;
};

/// Production clock: wall time at start plus a monotonic offset, so timers never jump when the
/// system clock is adjusted. One precise QTimer serves every pending timer.
class SystemClock final : public Clock
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SystemClock)

public:
    explicit SystemClock(QObject *parent = nullptr);
    ~SystemClock() override;
    TimeMs now() const override;

protected:
    void arm(TimeMs due) override;

private:
    class Private;
    Private *d;
};

/// Clock for tests and the simulator: time moves only through advance()/advanceTo().
class VirtualClock final : public Clock
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VirtualClock)

public:
    explicit VirtualClock(TimeMs start = 1'767'225'600'000 /* 2026-01-01T00:00Z */,
                          QObject *parent = nullptr);
    TimeMs now() const override;
    bool isVirtual() const override { return true; }

    /// Moves time forward by `ms`, firing each due timer at its own due time, in order.
    void advance(qint64 ms);
    void advanceTo(TimeMs t);
    /// Fires timers that are already due without moving time (e.g. zero-delay timers).
    void fireReady() { advance(0); }

protected:
    void arm(TimeMs) override {}

private:
    std::atomic<TimeMs> m_now;
};

} // namespace Yard
