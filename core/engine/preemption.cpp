// SPDX-License-Identifier: GPL-3.0-or-later
#include "preemption.h"

#include "activeruns.h"
#include "engineoptions.h"
#include "enginestatus.h"
#include "handlertable.h"
#include "laneset.h"
#include "pausecontrol.h"
#include "poolgate.h"
#include "runrecord.h"
#include "runtable.h"
#include "turnclock.h"
#include "turnevents.h"
#include "turnhost.h"

#include "exec/runticket.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Yard {

Preemption::Preemption(const Parts &parts)
    : m_p(parts)
{}

Preemption::~Preemption() = default;

bool Preemption::isCandidate(const RunRecord &run) const
{
    return run.preemptible && !Lane::isUrgent(run.priority) && m_p.handlers->preemptible(run.handler);
}

void Preemption::started(const RunRecord &run)
{
    if (!isCandidate(run))
        return;
    if (m_running.size() <= size_t(run.lane))
        m_running.resize(size_t(run.lane) + 1);
    m_running[run.lane].push_back(run.id);
    m_byPool[int(m_p.pools->poolOf(run.priority))].push_back(run.id);
}

void Preemption::freed(const RunRecord &run)
{
    if (size_t(run.lane) >= m_running.size())
        return;
    remove(m_running[run.lane], run.id);
    remove(m_byPool[int(m_p.pools->poolOf(run.priority))], run.id);
}

void Preemption::remove(std::vector<RunId> &list, RunId id)
{
    auto it = std::find(list.begin(), list.end(), id);
    if (it == list.end())
        return;
    *it = list.back(); // a lane holds at most its limit: a short scan, no index to keep
    list.pop_back();
}

int Preemption::pending() const
{
    int n = 0;
    for (const std::vector<RunId> &list : m_running) {
        for (RunId id : list) {
            const RunRecord *r = m_p.runs->find(id);
            n += r && r->preempt == RunRecord::Preempt::Pending;
        }
    }
    return n;
}

void Preemption::check()
{
    if (m_p.pause->isPaused())
        return; // nothing would take the slot
    // Urgent work waiting for a full lane.
    int urgentWaiting = 0;
    RunId forRun = 0;
    Priority forPriority = Priority::Count;
    for (int i = 0; i < m_p.lanes->count(); ++i) {
        Lane &lane = m_p.lanes->at(i);
        if (lane.pendingUrgent() == 0 || lane.isPaused() || !lane.hasCandidates())
            continue;
        const Lane::Entry &best = lane.bestWaiting();
        if (!Lane::isUrgent(best.priority()))
            continue; // the best one waiting is withdrawn; the pump clears it first
        if (lane.hasFreeSlot()) {
            // Not waiting for its lane: for a full worker pool, maybe (below).
            urgentWaiting += lane.pendingUrgent();
            if (best.priority() < forPriority) {
                forPriority = best.priority();
                forRun = best.runId;
            }
            continue;
        }
        if (size_t(i) < m_running.size())
            preemptAmong(m_running[size_t(i)], lane.pendingUrgent(), best.runId, best.priority());
    }
    // Urgent work waiting for a full pool of fixed size (single-processor mode).
    const WorkerPool pool = m_p.pools->poolOf(Priority::Interactive);
    if (urgentWaiting > 0 && m_p.pools->isFull(pool))
        preemptAmong(m_byPool[int(pool)], urgentWaiting, forRun, forPriority);
}

void Preemption::preemptAmong(const std::vector<RunId> &victims, int waiting, RunId forRun, Priority forPriority)
{
    if (victims.empty())
        return;
    // At most one interrupt in flight per urgent run waiting.
    int inFlight = 0;
    for (RunId id : victims) {
        const RunRecord *r = m_p.runs->find(id);
        inFlight += r && r->preempt == RunRecord::Preempt::Pending;
    }
    for (int wanted = waiting - inFlight; wanted > 0; --wanted) {
        RunRecord *v = victim(victims, forPriority);
        if (!v)
            break;
        interrupt(v, forRun, forPriority);
    }
}

RunRecord *Preemption::victim(const std::vector<RunId> &victims, Priority waiting) const
{
    // The lowest priority first; among equals the one that started last (the least work lost).
    RunRecord *best = nullptr;
    for (RunId id : victims) {
        RunRecord *r = m_p.runs->find(id);
        if (!r || r->preempt != RunRecord::Preempt::None || r->priority <= waiting)
            continue;
        const bool executing = r->stage == RunRecord::Stage::Executing;
        const bool betweenSteps = r->stage == RunRecord::Stage::BetweenSteps && r->ticket && r->ticket->stepTimer;
        if (!executing && !betweenSteps)
            continue; // cancelled and returning, or a worker that went silent
        if (!best || r->priority > best->priority
            || (r->priority == best->priority
                && (r->startedAt > best->startedAt || (r->startedAt == best->startedAt && r->id > best->id))))
            best = r;
    }
    return best;
}

void Preemption::interrupt(RunRecord *v, RunId forRun, Priority forPriority)
{
    if (!m_p.active->interrupt(v))
        return;
    v->preempt = RunRecord::Preempt::Pending;
    const int grace = m_p.lanes->preemptGraceMs(v->lane);
    m_p.events->add(EventType::RunInterrupted, *v, ErrorCode::None,
                    u"interrupted for %1 run %2; %3 ms to yield"_s.arg(priorityName(forPriority)).arg(forRun).arg(grace),
                    forRun);
    const RunId id = v->id;
    m_p.timers->callAfter(grace, [this, id] { graceOver(id); });
}

void Preemption::graceOver(RunId id)
{
    RunRecord *r = m_p.runs->find(id);
    if (!r || r->preempt != RunRecord::Preempt::Pending)
        return; // it yielded (or ended) in time
    // It keeps running to completion and is not asked again; a late check of the flag must not
    // find a stale interrupt.
    r->preempt = RunRecord::Preempt::Refused;
    if (RunTicket *t = r->ticketIfAny())
        t->interrupted.store(false, std::memory_order_release);
    m_p.lanes->at(r->lane).countPreemption(false);
    ++m_p.counters->preemptionsRefused;
}

void Preemption::yielded(RunRecord *run)
{
    if (run->preempt == RunRecord::Preempt::Pending) {
        m_p.lanes->at(run->lane).countPreemption(true);
        ++m_p.counters->preemptions;
    }
    run->preempt = RunRecord::Preempt::None; // when it runs again it may be asked again
}

} // namespace Yard
