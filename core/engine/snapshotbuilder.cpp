// SPDX-License-Identifier: GPL-3.0-or-later
#include "snapshotbuilder.h"

#include "jobbook.h"
#include "runresolver.h"

#include "cycledriver.h"
#include "taskboard.h"

#include "drainmonitor.h"
#include "handlertable.h"
#include "laneset.h"
#include "pausecontrol.h"
#include "runrecord.h"
#include "sessionchanges.h"
#include "sessionmanager.h"
#include "sessionqueues.h"
#include "shutdowncoordinator.h"
#include "statsticker.h"
#include "turnclock.h"

using namespace Qt::StringLiterals;

namespace Yard {

SnapshotBuilder::SnapshotBuilder(Parts parts)
    : m_p(std::move(parts))
{}

QVector<LaneStats> SnapshotBuilder::laneStats() const
{
    QVector<LaneStats> list;
    for (const QString &name : m_p.lanes->names())
        list.append(m_p.lanes->stats(name));
    return list;
}

SessionStatus SnapshotBuilder::statusOf(const Session &s, const SessionQueue *queue) const
{
    SessionStatus st;
    st.id = s.id;
    st.key = s.key;
    st.agent = s.agent;
    st.state = s.state;
    st.paused = s.paused;
    st.lastActivity = s.lastActivityAt;
    st.mode = m_p.queues->configOf(s).mode;
    if (queue) {
        // A run its session admitted but that waits for a lane slot is still "queued" to an
        // operator; "active" means it holds a slot.
        int waiting = 0;
        for (const RunRecord *r : queue->active()) {
            waiting += r->stage == RunRecord::Stage::WaitingForSlot;
            if (st.progress < 0 && r->stage != RunRecord::Stage::WaitingForSlot && r->detail
                && (r->detail->progress > 0 || !r->detail->progressText.isEmpty())) {
                st.progress = r->detail->progress;
                st.progressText = r->detail->progressText;
            }
        }
        st.active = queue->activeCount() - waiting;
        st.queued = queue->queuedCount() + waiting;
        st.lastActivity = qMax(st.lastActivity, queue->lastActivity());
    }
    st.tokenRatio = m_p.queues->tokenRatio(s);
    return st;
}

std::optional<SessionStatus> SnapshotBuilder::sessionStatus(SessionId id) const
{
    const Session *s = m_p.sessions->find(id);
    if (!s)
        return std::nullopt;
    return statusOf(*s, m_p.queues->live(id));
}

std::optional<SessionDetail> SnapshotBuilder::sessionDetail(SessionId id) const
{
    const Session *s = m_p.sessions->find(id);
    if (!s)
        return std::nullopt;
    SessionDetail d;
    d.session = *s;
    d.config = m_p.queues->configOf(*s);
    d.tokenRatio = m_p.queues->tokenRatio(*s);
    const SessionQueue *q = m_p.queues->live(id);
    if (!q)
        return d;
    auto brief = [this](const RunRecord *r) {
        RunBrief b;
        b.id = r->id;
        b.priority = r->priority;
        b.queuedAt = r->queuedAt;
        b.startedAt = r->startedAt;
        b.handler = m_p.handlers->name(r->handler);
        if (r->detail) {
            b.preview = r->detail->input.left(120);
            b.progress = r->detail->progress;
        }
        switch (r->stage) {
        case RunRecord::Stage::SessionQueued:
            b.stage = u"queued"_s;
            break;
        case RunRecord::Stage::WaitingForSlot:
            b.stage = u"waiting for a lane slot"_s;
            break;
        case RunRecord::Stage::BetweenSteps:
            b.stage = u"running (between steps)"_s;
            break;
        default:
            b.stage = u"running"_s;
            break;
        }
        return b;
    };
    for (const RunRecord *r : q->active()) {
        if (r->stage == RunRecord::Stage::WaitingForSlot)
            d.queued.append(brief(r));
        else
            d.running.append(brief(r));
    }
    q->forEachPending([&](const RunRecord *r) { d.queued.append(brief(r)); });
    return d;
}

EngineSnapshot SnapshotBuilder::snapshot(bool full)
{
    EngineSnapshot snap;
    snap.time = m_p.time->now();
    snap.pause = m_p.pause->state();
    snap.draining = m_p.drain->isDraining();
    snap.stopping = m_p.shutdown->isStopping();
    snap.running = m_p.running();
    snap.queued = m_p.queued();
    snap.sessions = m_p.sessions->sessionCount();
    snap.counters = *m_p.counters;
    snap.lanes = laneStats();
    snap.fullSessionList = full;
    snap.cycles = m_p.cycles->stats().cycles;
    snap.lastCycleAt = m_p.cycles->stats().lastCycleAt;
    snap.cycleIntervalMs = m_p.cycles->interval();
    snap.waitingTasks = m_p.board->waiting();
    snap.claimedTasks = m_p.board->claimed();
    snap.needsAttention = m_p.cycles->stats().needsAttention;
    snap.needsAttentionOpen = m_p.resolver->attentionOpen();
    snap.cycleStats = m_p.cycles->stats();
    if (full || m_p.jobs->version() != m_jobsVersion) {
        snap.jobs = m_p.jobs->jobs();
        snap.jobsChanged = true;
        m_jobsVersion = m_p.jobs->version();
    }
    snap.nextCycleAt = m_p.cycles->nextDue();
    if (full) {
        m_p.cycles->takeRecent();
        const auto &history = m_p.cycles->history();
        snap.newCycles = QVector<CycleResult>(history.begin(), history.end());
    } else {
        snap.newCycles = m_p.cycles->takeRecent();
    }
    const QSet<SessionId> changed =
        m_p.changes->take([this](SessionId id) { return m_p.queues->live(id); });
    if (full) {
        for (SessionId id : m_p.sessions->ids()) {
            if (const Session *s = m_p.sessions->find(id))
                snap.changedSessions.append(statusOf(*s, m_p.queues->live(id)));
        }
    } else {
        for (SessionId id : changed) {
            if (const Session *s = m_p.sessions->find(id))
                snap.changedSessions.append(statusOf(*s, m_p.queues->live(id)));
        }
    }
    snap.newSamples = m_p.stats->takeNewSamples();
    snap.removedSessions = m_p.changes->takeRemoved();
    return snap;
}

} // namespace Yard
