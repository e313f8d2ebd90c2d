// SPDX-License-Identifier: GPL-3.0-or-later
#include "statsticker.h"

#include "laneset.h"
#include "statscollector.h"
#include "turnclock.h"
#include "turnhost.h"

#include "store/store.h"

namespace Yard {

namespace {
constexpr int kKeptSamples = 120; ///< nobody reads snapshots: keep the newest two minutes
} // namespace

StatsTicker::StatsTicker(Parts parts)
    : m_p(std::move(parts))
    , m_persist(m_p.store->persistsRuns())
{}

StatsTicker::~StatsTicker()
{
    stop();
}

void StatsTicker::start()
{
    const TimeMs t0 = m_p.time->now();
    m_minuteStart = t0 - t0 % 60'000;
    arm(t0 - t0 % 1000 + 1000);
}

void StatsTicker::stop()
{
    m_p.timers->cancel(m_timer);
}

void StatsTicker::arm(TimeMs at)
{
    m_timer = m_p.timers->callAt(at, [this] {
        m_timer = 0;
        tick();
    });
}

StatsSeries StatsTicker::takeNewSamples()
{
    StatsSeries samples;
    samples.swap(m_newSamples);
    return samples;
}

void StatsTicker::tick()
{
    const TimeMs t = m_p.time->now();
    const TimeMs second = t - t % 1000;
    QVector<LaneUtilisation> lanes;
    for (const Lane &lane : m_p.lanes->all())
        lanes.append(LaneUtilisation{lane.id(), float(lane.stats().utilisation())});
    StatsSample sample = m_p.stats->closeSecond(second - 1000, m_p.queued(), m_p.running(), lanes);
    if (m_persist)
        m_p.store->append(StatsInsert{sample});
    m_newSamples.append(std::move(sample));
    if (m_newSamples.size() > kKeptSamples)
        m_newSamples.remove(0, m_newSamples.size() - kKeptSamples);
    if (second - m_minuteStart >= 60'000) {
        StatsSample minute = m_p.stats->closeMinute(m_minuteStart);
        m_minuteStart = second - second % 60'000;
        if (m_persist) {
            m_p.store->append(StatsInsert{minute});
            // Retention: seconds for two hours, minutes for thirty days.
            m_p.store->append(StatsPrune{second - 2 * 3600'000LL, second - 30LL * 86400'000LL});
            // Runs (SPEC J8): finished ones after 7 days or beyond the newest 100,000, failed and
            // needs-attention ones after 30 days (acknowledged ones after 7). Every 10 minutes,
            // a bounded batch at a time, on the writer's thread.
            if (second - m_lastRunsPrune >= 10 * 60'000) {
                m_lastRunsPrune = second;
                const RunRetention &r = m_p.retention;
                m_p.store->append(RunsPrune{second - r.completedMs, r.completedKept, second - r.failedMs, 5000});
            }
        }
    }
    arm(second + 1000);
}

} // namespace Yard
