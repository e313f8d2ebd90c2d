// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "lane.h"

#include <QHash>
#include <QSet>
#include <QString>

#include <deque>

namespace Yard {

/// The configured lanes (SPEC L1). Defaults: main 30, subagent 50, team 100, cron 30. Limits come
/// from defaults, then the config file, then YARD_LANE_<NAME> environment variables, then the
/// operator (live). Lanes are created on first use; a run naming a lane that is not configured
/// runs in `main`, and that is logged once per name.
class LaneSet final
{
    Q_DISABLE_COPY_MOVE(LaneSet)

public:
    static constexpr int kMain = 0;

    LaneSet();

    /// Declares a lane with a limit (config file / operator). Keeps existing state.
    void define(const QString &name, int limit);
    /// Applies YARD_LANE_<NAME>=<limit> overrides from the process environment.
    void applyEnvironment();
    bool isDefined(const QString &name) const { return m_limits.contains(name); }

    /// Index of the lane for `name`: empty -> main; configured -> that lane (created on first
    /// use); anything else -> main, logged once.
    int resolve(const QString &name);
    Lane &at(int index) { return m_lanes[size_t(index)]; }
    /// Every created lane.
    std::deque<Lane> &all() { return m_lanes; }
    const Lane &at(int index) const { return m_lanes[size_t(index)]; }
    int count() const { return int(m_lanes.size()); }
    /// Index of a configured lane, creating it if needed; -1 if not configured.
    int find(const QString &name);
    /// Names of every configured lane, created or not.
    QStringList names() const;
    int configuredLimit(const QString &name) const { return m_limits.value(name, 0); }
    /// Stats of a configured lane, created or not.
    LaneStats stats(const QString &name) const;

private:
    QHash<QString, int> m_limits;  ///< configured lanes and their limits
    QHash<QString, int> m_indexes; ///< created lanes
    std::deque<Lane> m_lanes;      ///< stable addresses
    QSet<QString> m_warnedUnknown;
};

} // namespace Yard
