// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ids.h"

#include <QMetaType>
#include <QVector>

namespace Yard {

/// A lane's utilisation in a sample (lane = LaneNames id).
struct LaneUtilisation
{
    quint16 lane = 0;
    float utilisation = 0;
};

/// Scheduler activity over one second or one minute (SPEC U2 charts, history in SQLite).
struct StatsSample
{
    TimeMs t = 0;            ///< start of the interval
    int resolutionMs = 1000; ///< 1000 (second) or 60000 (minute)
    quint32 started = 0;
    quint32 completed = 0;
    quint32 failed = 0;
    quint32 cancelled = 0;   ///< cancelled, dropped, stale, cleared
    quint32 queued = 0;      ///< at the end of the interval
    quint32 running = 0;     ///< at the end of the interval
    quint32 waitP50 = 0;     ///< queue wait of runs started in the interval, ms
    quint32 waitP95 = 0;
    quint32 runP50 = 0;      ///< duration of runs finished in the interval, ms
    quint32 runP95 = 0;
    QVector<LaneUtilisation> lanes;
};

using StatsSeries = QVector<StatsSample>;

} // namespace Yard

Q_DECLARE_METATYPE(Yard::StatsSample)
Q_DECLARE_METATYPE(Yard::StatsSeries)
