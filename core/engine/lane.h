// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/ids.h"
#include "model/priority.h"

#include <QString>

#include <queue>
#include <vector>

namespace Yard {

/// A lane's numbers (SPEC L2).
struct LaneStats
{
    QString name;
    int limit = 0;
    int active = 0;  ///< runs holding a slot
    int pending = 0; ///< runs admitted by their session, waiting for a slot
    bool paused = false;
    quint64 started = 0; ///< cumulative runs given a slot
    double utilisation() const { return limit > 0 ? double(active) / limit : 0.0; }
};

/// One lane: a concurrency limit and the runs waiting for a slot, ordered by priority, then
/// enqueue time, then id (SPEC P1). Plain data; the engine owns the policy around it.
///
/// Waiting entries are removed lazily: the engine invalidates a cancelled entry by changing its
/// run's lane ticket number, pop() returns candidates and the engine drops stale ones, while
/// pending() stays exact through forget().
class Lane final
{
public:
    struct Entry
    {
        quint8 priority;
        TimeMs queuedAt;
        RunId runId;
        quint64 seq; ///< ticket number; must match the run's to be valid
        void *owner; ///< the engine's record; valid while the engine keeps it (see Engine)
        bool operator>(const Entry &o) const
        {
            if (priority != o.priority)
                return priority > o.priority;
            if (queuedAt != o.queuedAt)
                return queuedAt > o.queuedAt;
            return runId > o.runId;
        }
    };

    Lane(QString name, int limit);

    const QString &name() const { return m_name; }
    quint16 id() const { return m_id; }
    int limit() const { return m_limit; }
    /// Limits <= 0 become 2 (goclaw).
    void setLimit(int limit);
    bool isPaused() const { return m_paused; }
    void setPaused(bool paused) { m_paused = paused; }

    int active() const { return m_active; }
    int pending() const { return m_pending; }
    bool hasFreeSlot() const { return m_active < m_limit; }
    bool hasCandidates() const { return !m_heap.empty(); }

    quint64 push(Priority priority, TimeMs queuedAt, RunId runId, void *owner = nullptr);
    /// Removes and returns the best candidate; the caller checks its seq. hasCandidates() first.
    Entry popCandidate();
    /// Removes every remaining entry, calling fn(owner) for each (engine teardown).
    template<typename Fn>
    void clearCandidates(Fn fn)
    {
        while (!m_heap.empty()) {
            fn(m_heap.top().owner);
            m_heap.pop();
        }
    }
    /// A waiting entry was invalidated (its run was cancelled or moved).
    void forget() { --m_pending; }
    /// A valid candidate was taken: it no longer waits.
    void taken() { --m_pending; }

    void acquire()
    {
        ++m_active;
        ++m_started;
    }
    void release() { --m_active; }

    LaneStats stats() const;
    /// Priority of the best waiting candidate (may be stale), for preemption decisions.
    std::optional<Priority> bestWaitingPriority() const;

private:
    QString m_name;
    quint16 m_id;
    int m_limit;
    bool m_paused = false;
    int m_active = 0;
    int m_pending = 0;
    quint64 m_nextSeq = 1;
    quint64 m_started = 0;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> m_heap;
};

} // namespace Yard
