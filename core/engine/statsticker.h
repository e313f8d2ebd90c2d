// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clock.h"
#include "engineoptions.h"

#include "model/statssample.h"

#include <functional>

namespace Yard {

class LaneSet;
class StatsCollector;
class Store;
class TurnClock;
class TurnTimers;

/// Closes the chart statistics (SPEC U2) on whole seconds and minutes of the clock, stores them
/// with their retention, and keeps the newest seconds for the next snapshot. Engine thread only.
/// Prunes finished runs by their RunRetention (SPEC J8).

class StatsTicker final
{
    Q_DISABLE_COPY_MOVE(StatsTicker)

public:
    struct Parts
    {
        TurnTimers *timers;
        const TurnClock *time;
        StatsCollector *stats;
        const LaneSet *lanes;
        Store *store;
        std::function<int()> queued;
        std::function<int()> running;
        RunRetention retention;
    };
    explicit StatsTicker(Parts parts); ///< Not owning any of them.
    ~StatsTicker();

    void start();
    void stop();
    /// Per-second samples closed since the last call.
    StatsSeries takeNewSamples();

private:
    void tick();
    void arm(TimeMs at);

    Parts m_p;
    StatsSeries m_newSamples;
    Clock::TimerId m_timer = 0;
    TimeMs m_minuteStart = 0;
    TimeMs m_lastRunsPrune = 0;
    bool m_persist;
};

} // namespace Yard
