// SPDX-License-Identifier: GPL-3.0-or-later
#include "liveupdates.h"

#include <QHash>

namespace Yard::Ui {

void LiveUpdates::addSnapshot(const EngineSnapshot &snapshot)
{
    if (!m_hasSnapshot) {
        m_snapshot = snapshot;
        m_hasSnapshot = true;
        return;
    }
    merge(m_snapshot, snapshot);
}

void LiveUpdates::addEvents(const EventBatch &events)
{
    m_events += events;
    if (m_events.size() > kMaxHeldEvents) {
        m_events.remove(0, m_events.size() - kMaxHeldEvents);
        m_overflowed = true;
    }
}

EngineSnapshot LiveUpdates::takeSnapshot()
{
    m_hasSnapshot = false;
    return std::exchange(m_snapshot, EngineSnapshot{});
}

EventBatch LiveUpdates::takeEvents()
{
    m_overflowed = false;
    return std::exchange(m_events, EventBatch{});
}

void LiveUpdates::merge(EngineSnapshot &into, const EngineSnapshot &next)
{
    // Sessions: the newest status of each, removals remembered (a removed one is not shown).
    if (next.fullSessionList) {
        into.changedSessions = next.changedSessions;
        into.removedSessions.clear();
        into.fullSessionList = true;
    } else {
        QHash<SessionId, qsizetype> at;
        for (qsizetype i = 0; i < into.changedSessions.size(); ++i)
            at.insert(into.changedSessions[i].id, i);
        for (const SessionStatus &s : next.changedSessions) {
            const auto it = at.constFind(s.id);
            if (it != at.constEnd()) {
                into.changedSessions[*it] = s;
            } else {
                at.insert(s.id, into.changedSessions.size());
                into.changedSessions.append(s);
            }
            into.removedSessions.removeAll(s.id); // a key used again
        }
        for (SessionId gone : next.removedSessions) {
            into.changedSessions.removeIf([gone](const SessionStatus &s) { return s.id == gone; });
            if (!into.removedSessions.contains(gone))
                into.removedSessions.append(gone);
        }
    }
    // Series and histories: everything new, in order.
    into.newSamples += next.newSamples;
    into.newCycles += next.newCycles;
    if (next.jobsChanged) {
        into.jobs = next.jobs;
        into.jobsChanged = true;
    }
    // The rest is the newest state.
    into.time = next.time;
    into.pause = next.pause;
    into.draining = next.draining;
    into.stopping = next.stopping;
    into.running = next.running;
    into.queued = next.queued;
    into.sessions = next.sessions;
    into.counters = next.counters;
    into.lanes = next.lanes;
    into.cycles = next.cycles;
    into.lastCycleAt = next.lastCycleAt;
    into.cycleIntervalMs = next.cycleIntervalMs;
    into.waitingTasks = next.waitingTasks;
    into.claimedTasks = next.claimedTasks;
    into.needsAttention = next.needsAttention;
    into.needsAttentionOpen = next.needsAttentionOpen;
    into.cycleStats = next.cycleStats;
    into.nextCycleAt = next.nextCycleAt;
}

} // namespace Yard::Ui
