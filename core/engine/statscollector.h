// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/statssample.h"

#include <vector>

namespace Yard {

/// Turns run starts and ends into per-second and per-minute samples (SPEC U2). Percentiles come
/// from a bounded reservoir per interval, so a flood of runs costs constant memory.
class StatsCollector final
{
public:
    void runStarted(qint64 waitMs);
    void runFinished(bool completed, bool failed, qint64 runMs);
    /// Closes the second that started at `t` with the current depths and lane utilisations.
    StatsSample closeSecond(TimeMs t, int queued, int running, const QVector<LaneUtilisation> &lanes);
    /// Closes the minute that started at `t` (call after its last second).
    StatsSample closeMinute(TimeMs t);

    static constexpr int kReservoir = 512;

private:
    struct Window
    {
        quint32 started = 0, completed = 0, failed = 0, cancelled = 0;
        std::vector<quint32> waits, runs;
        quint64 waitsSeen = 0, runsSeen = 0;
        quint32 queued = 0, running = 0;
        QVector<LaneUtilisation> lanes;
        void clear();
    };
    void add(std::vector<quint32> &reservoir, quint64 &seen, quint32 value);
    static StatsSample close(Window &w, TimeMs t, int resolutionMs);

    Window m_second;
    Window m_minute;
    quint64 m_rng = 0x9E3779B97F4A7C15ULL;
};

} // namespace Yard
