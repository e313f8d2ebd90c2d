// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/event.h"

#include <QHash>

#include <deque>

namespace Yard::Ui {

/// What happened to recent runs, from the live event stream: started, interrupted, rescheduled,
/// recovered, ended… The run detail's timeline shows it (an interrupted and resumed run's story
/// is not in its row). Bounded: the newest kRuns runs, kPerRun events each.
class RunHistory final
{
public:
    static constexpr int kRuns = 20'000;
    static constexpr int kPerRun = 40;

    void add(const EventBatch &events);
    /// The run's events, oldest first (empty when it is older than what is kept).
    QVector<Event> of(RunId run) const { return m_runs.value(run); }
    int size() const { return int(m_runs.size()); }

private:
    QHash<RunId, QVector<Event>> m_runs;
    std::deque<RunId> m_order; ///< oldest first, for eviction
};

} // namespace Yard::Ui
