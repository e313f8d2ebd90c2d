// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "lane.h"

#include "model/errors.h"

#include <QHash>
#include <QSet>
#include <QString>

#include <deque>
#include <vector>

namespace Yard {

/// The configured lanes (SPEC L1). Defaults: main 30, subagent 50, team 100, cron 30. Limits come
/// from defaults, then the config file, then YARD_LANE_<NAME> environment variables, then the
/// operator (live). Lanes are created on first use; a run naming a lane that is not configured
/// runs in `main`, and that is logged once per name.
///
/// It also tracks which lanes changed since the admission pump last looked (a run arrived, a
/// slot was freed, a limit or pause changed), so a pump visits only those.
class LaneSet final
{
    Q_DISABLE_COPY_MOVE(LaneSet)

public:
    static constexpr int kMain = 0;

    LaneSet();

    /// Declares a lane with a limit (config file / operator). Keeps existing state.
    void define(const QString &name, int limit);
    /// Applies YARD_LANE_<NAME>=<limit> overrides from the process environment. A variable that
    /// names no lane or has no whole number is an error (invalid_config).
    Error applyEnvironment();
    bool isDefined(const QString &name) const { return m_limits.contains(name); }

    /// Index of the lane for `name`: empty -> main; configured -> that lane (created on first
    /// use); anything else -> main, logged once. The one place a lane name becomes a lane.
    int resolve(const QString &name)
    {
        if (name.isEmpty())
            return kMain;
        // A short scan: there are a handful of lanes, and comparing short strings is far cheaper
        // than Qt's seeded string hash (measured: 300 ns a run with a cold cache).
        for (size_t i = 0; i < m_lanes.size(); ++i) {
            if (m_lanes[i].name() == name)
                return int(i);
        }
        return resolveSlow(name);
    }
    Lane &at(int index) { return m_lanes[size_t(index)]; }
    /// Every created lane.
    std::deque<Lane> &all() { return m_lanes; }
    const std::deque<Lane> &all() const { return m_lanes; }
    const Lane &at(int index) const { return m_lanes[size_t(index)]; }
    int count() const { return int(m_lanes.size()); }
    /// Index of a configured lane, creating it if needed; -1 if not configured.
    int find(const QString &name);
    /// Names of every configured lane, created or not.
    QStringList names() const;
    int configuredLimit(const QString &name) const { return m_limits.value(name, 0); }
    /// Stats of a configured lane, created or not.
    LaneStats stats(const QString &name) const;
    /// The grace period of lanes that set none (SPEC P2).
    void setDefaultPreemptGrace(int ms) { m_defaultGraceMs = qMax(1, ms); }
    /// How long an interrupted run of lane `index` has to yield.
    int preemptGraceMs(int index) const
    {
        const int own = m_lanes[size_t(index)].preemptGraceMs();
        return own > 0 ? own : m_defaultGraceMs;
    }
    /// Runs holding a slot, over every lane.
    int running() const;
    /// Slots of every configured lane together: what the lanes admit at once.
    int totalLimit() const;

    /// The lane has something new for the admission pump.
    void markDirty(int index)
    {
        if (m_dirtyFlags.size() <= size_t(index))
            m_dirtyFlags.resize(size_t(index) + 1, false);
        if (!m_dirtyFlags[size_t(index)]) {
            m_dirtyFlags[size_t(index)] = true;
            m_dirty.push_back(index);
        }
    }
    void markAllDirty();
    bool hasDirty() const { return !m_dirty.empty(); }
    /// Moves the dirty lanes into `out` (in the order they became dirty) and clears their flags.
    void takeDirty(std::vector<int> &out);

private:
    int resolveSlow(const QString &name);

    QHash<QString, int> m_limits;  ///< configured lanes and their limits
    QHash<QString, int> m_indexes; ///< created lanes
    std::deque<Lane> m_lanes;      ///< stable addresses
    QSet<QString> m_warnedUnknown;
    std::vector<int> m_dirty;
    std::vector<bool> m_dirtyFlags;
    int m_defaultGraceMs = 100;
};

} // namespace Yard
