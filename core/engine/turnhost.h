// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clock.h"

#include <functional>

namespace Yard {

/// What brackets a turn: the engine. Parts that act on their own (a timer fired) open one, so
/// their admissions, writes and events are flushed together like any other turn's.
class TurnHost
{
public:
    virtual ~TurnHost() = default;
    virtual void beginTurn() = 0;
    virtual void endTurn() = 0;
};

/// One turn, as a scope. Nested scopes belong to the outermost one.
class TurnScope final
{
    Q_DISABLE_COPY_MOVE(TurnScope)

public:
    explicit TurnScope(TurnHost *host)
        : m_host(host)
    {
        m_host->beginTurn();
    }
    ~TurnScope() { m_host->endTurn(); }

private:
    TurnHost *m_host;
};

/// Timers on the engine's clock whose callbacks run as turns.
class TurnTimers final
{
    Q_DISABLE_COPY_MOVE(TurnTimers)

public:
    TurnTimers(Clock *clock, TurnHost *host)
        : m_clock(clock)
        , m_host(host)
    {}

    Clock::TimerId callAt(TimeMs at, std::function<void()> fn)
    {
        return m_clock->callAt(at, [host = m_host, fn = std::move(fn)] {
            TurnScope turn(host);
            fn();
        });
    }
    Clock::TimerId callAfter(qint64 delayMs, std::function<void()> fn)
    {
        return callAt(m_clock->now() + qMax<qint64>(0, delayMs), std::move(fn));
    }
    void cancel(Clock::TimerId &id)
    {
        if (id)
            m_clock->cancel(id);
        id = 0;
    }

private:
    Clock *m_clock;   ///< Not owning.
    TurnHost *m_host; ///< Not owning.
};

} // namespace Yard
