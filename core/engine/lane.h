// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/ids.h"
#include "model/priority.h"

#include <QString>

#include <optional>
#include <vector>

namespace Yard {

struct RunRecord;

/// A lane's numbers (SPEC L2).
struct LaneStats
{
    QString name;
    int limit = 0;
    int active = 0;  ///< runs holding a slot
    int pending = 0; ///< runs admitted by their session, waiting for a slot
    bool paused = false;
    quint64 started = 0; ///< cumulative runs given a slot
    int preemptGraceMs = 0;            ///< how long an interrupted run has to yield
    bool preemptGraceDefault = true;   ///< the engine's default, not the lane's own
    quint64 preemptions = 0;           ///< runs that yielded their slot to urgent work
    quint64 preemptionsRefused = 0;    ///< runs that did not yield within the grace period
    double utilisation() const { return limit > 0 ? double(active) / limit : 0.0; }
};

/// One lane: a concurrency limit and the runs waiting for a slot, ordered by priority, then
/// enqueue time, then id (SPEC P1). Plain data; the admission pump owns the policy around it.
///
/// A waiting run that is withdrawn (cancelled) stays in the heap until it surfaces; the pump
/// skips it then. pending() stays exact through withdrawn().
class Lane final
{
public:
    struct Entry
    {
        quint64 key;       ///< priority in the top byte, enqueue time below
        RunId runId;
        RunRecord *owner;  ///< Not owning: the engine's record, valid until this entry pops
        Priority priority() const { return Priority(key >> 56); }
        bool operator>(const Entry &o) const { return key != o.key ? key > o.key : runId > o.runId; }
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

    void push(Priority priority, TimeMs queuedAt, RunId runId, RunRecord *owner = nullptr);
    /// Removes and returns the best candidate. hasCandidates() first.
    Entry popCandidate();
    /// Returns a candidate popped but not taken (a gate held it back); it still waits.
    void putBack(const Entry &entry);
    /// Removes every remaining entry, calling fn(owner) for each (engine teardown).
    template<typename Fn>
    void clearCandidates(Fn fn)
    {
        for (const Entry &e : m_heap)
            fn(e.owner);
        m_heap.clear();
        m_pending = 0;
        m_pendingUrgent = 0;
    }
    /// A waiting entry's run was withdrawn; its entry is skipped when it surfaces.
    void withdrawn(Priority priority)
    {
        --m_pending;
        if (isUrgent(priority))
            --m_pendingUrgent;
    }
    /// A valid candidate was taken: it no longer waits.
    void taken(Priority priority)
    {
        --m_pending;
        if (isUrgent(priority))
            --m_pendingUrgent;
    }
    /// Waiting interactive or urgent runs: what may preempt (SPEC P2).
    int pendingUrgent() const { return m_pendingUrgent; }
    static bool isUrgent(Priority p) { return p <= Priority::Urgent; }

    /// How long an interrupted run has to yield; 0 = the engine's default.
    int preemptGraceMs() const { return m_graceMs; }
    void setPreemptGraceMs(int ms) { m_graceMs = qMax(0, ms); }
    void countPreemption(bool yielded) { ++(yielded ? m_preemptions : m_preemptionsRefused); }

    void acquire()
    {
        ++m_active;
        ++m_started;
    }
    void release() { --m_active; }

    LaneStats stats() const;
    /// Priority of the best waiting candidate (it may be withdrawn), for preemption decisions.
    std::optional<Priority> bestWaitingPriority() const;
    /// The best waiting candidate (it may be withdrawn); hasCandidates() first.
    const Entry &bestWaiting() const { return m_heap.front(); }

private:
    QString m_name;
    std::vector<Entry> m_heap; ///< a binary min-heap on (key, runId)
    int m_limit;
    int m_active = 0;
    int m_pending = 0;
    int m_pendingUrgent = 0;
    int m_graceMs = 0;
    quint64 m_started = 0;
    quint64 m_preemptions = 0;
    quint64 m_preemptionsRefused = 0;
    quint16 m_id;
    bool m_paused = false;
};

} // namespace Yard
