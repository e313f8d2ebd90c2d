// SPDX-License-Identifier: GPL-3.0-or-later
#include "statscollector.h"

#include <algorithm>

namespace Yard {

namespace {
quint32 percentile(std::vector<quint32> &v, double p)
{
    if (v.empty())
        return 0;
    const size_t k = std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5));
    std::nth_element(v.begin(), v.begin() + qptrdiff(k), v.end());
    return v[k];
}
} // namespace

void StatsCollector::Window::clear()
{
    started = completed = failed = cancelled = 0;
    waits.clear();
    runs.clear();
    waitsSeen = runsSeen = 0;
    lanes.clear();
}

void StatsCollector::add(std::vector<quint32> &reservoir, quint64 &seen, quint32 value)
{
    ++seen;
    if (reservoir.size() < size_t(kReservoir)) {
        reservoir.push_back(value);
        return;
    }
    // Algorithm R with a deterministic generator (same input, same samples).
    m_rng ^= m_rng << 13;
    m_rng ^= m_rng >> 7;
    m_rng ^= m_rng << 17;
    // Lemire's multiply-shift maps the 64-bit draw onto [0, seen) without a division (four
    // per run made this a measurable part of the engine's time).
    const auto j = quint64((static_cast<unsigned __int128>(m_rng) * seen) >> 64);
    if (j < quint64(kReservoir))
        reservoir[size_t(j)] = value;
}

void StatsCollector::runStarted(qint64 waitMs)
{
    const auto w = quint32(qBound<qint64>(0, waitMs, 0xFFFFFFFF));
    ++m_second.started;
    ++m_minute.started;
    add(m_second.waits, m_second.waitsSeen, w);
    add(m_minute.waits, m_minute.waitsSeen, w);
}

void StatsCollector::runFinished(bool completed, bool failed, qint64 runMs)
{
    if (completed) {
        ++m_second.completed;
        ++m_minute.completed;
    } else if (failed) {
        ++m_second.failed;
        ++m_minute.failed;
    } else {
        ++m_second.cancelled;
        ++m_minute.cancelled;
    }
    if (runMs >= 0) {
        const auto r = quint32(qMin<qint64>(runMs, 0xFFFFFFFF));
        add(m_second.runs, m_second.runsSeen, r);
        add(m_minute.runs, m_minute.runsSeen, r);
    }
}

StatsSample StatsCollector::close(Window &w, TimeMs t, int resolutionMs)
{
    StatsSample s;
    s.t = t;
    s.resolutionMs = resolutionMs;
    s.started = w.started;
    s.completed = w.completed;
    s.failed = w.failed;
    s.cancelled = w.cancelled;
    s.queued = w.queued;
    s.running = w.running;
    s.waitP50 = percentile(w.waits, 0.50);
    s.waitP95 = percentile(w.waits, 0.95);
    s.runP50 = percentile(w.runs, 0.50);
    s.runP95 = percentile(w.runs, 0.95);
    s.lanes = w.lanes;
    w.clear();
    return s;
}

StatsSample StatsCollector::closeSecond(TimeMs t, int queued, int running,
                                        const QVector<LaneUtilisation> &lanes)
{
    m_second.queued = quint32(qMax(0, queued));
    m_second.running = quint32(qMax(0, running));
    m_second.lanes = lanes;
    // The minute reports the depths and the peak utilisation of its seconds.
    m_minute.queued = m_second.queued;
    m_minute.running = m_second.running;
    for (const LaneUtilisation &l : lanes) {
        auto it = std::find_if(m_minute.lanes.begin(), m_minute.lanes.end(),
                               [&](const LaneUtilisation &m) { return m.lane == l.lane; });
        if (it == m_minute.lanes.end())
            m_minute.lanes.append(l);
        else
            it->utilisation = std::max(it->utilisation, l.utilisation);
    }
    return close(m_second, t, 1000);
}

StatsSample StatsCollector::closeMinute(TimeMs t)
{
    return close(m_minute, t, 60'000);
}

} // namespace Yard
