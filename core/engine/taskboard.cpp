// SPDX-License-Identifier: GPL-3.0-or-later
#include "taskboard.h"

#include "activeruns.h"
#include "admissionpump.h"
#include "claimledger.h"
#include "engineoptions.h"
#include "runrecord.h"
#include "runresolver.h"
#include "runtable.h"
#include "sessionmanager.h"
#include "sessionqueue.h"
#include "sessionqueues.h"
#include "turnclock.h"

#include "cycle/wakeselector.h"
#include "logging.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Yard {

TaskBoard::TaskBoard(const Parts &parts)
    : m_p(parts)
{}

TaskBoard::~TaskBoard() = default;

void TaskBoard::add(RunRecord *run)
{
    RunDetail &d = run->details();
    if (!d.task)
        d.task = std::make_unique<TaskInfo>();
    if (d.boardGroup >= 0)
        m_index.remove(d.boardGroup, run->id, run->priority, run->queuedAt);
    run->stage = RunRecord::Stage::AwaitingClaim;
    run->queue = nullptr;
    d.boardGroup = m_index.add(run->id, run->priority, run->queuedAt, d.task->needs);
}

bool TaskBoard::take(RunRecord *run)
{
    if (!run->detail || run->detail->boardGroup < 0)
        return false;
    const bool removed = m_index.remove(run->detail->boardGroup, run->id, run->priority, run->queuedAt);
    run->detail->boardGroup = -1;
    return removed;
}

// Claims ---------------------------------------------------------------------------------------

bool TaskBoard::isBusy(SessionId session) const
{
    if (m_p.claims->held(session) > 0)
        return true;
    const SessionQueue *q = m_p.queues->live(session);
    return q && q->activeCount() > 0;
}

int TaskBoard::claimed() const
{
    return m_p.claims->total();
}

CycleSession TaskBoard::cycleSession(const Session &s) const
{
    CycleSession c;
    c.id = s.id;
    c.key = s.key;
    c.agent = s.agent;
    c.workspace = s.workspace;
    c.channel = s.channel;
    c.state = s.state;
    c.prompting = s.prompting;
    c.busy = isBusy(s.id);
    c.capabilities = s.capabilities;
    c.createdAt = s.createdAt;
    return c;
}

Error TaskBoard::sessionRefusal(const Session &s) const
{
    if (s.state != SessionState::Active)
        return refusal(s, u"is %1, not active"_s.arg(sessionStateName(s.state)));
    if (s.prompting)
        return refusal(s, u"is prompting"_s);
    if (isBusy(s.id))
        return refusal(s, u"already has a claimed or running run"_s);
    return {};
}

Error TaskBoard::refusal(const Session &s, const QString &why)
{
    return Error::make(ErrorCode::InvalidRequest, u"session \"%1\" %2"_s.arg(s.key, why));
}

Error TaskBoard::eligibility(const Session &s, const TaskRequirements &needs) const
{
    if (Error e = sessionRefusal(s); e.isError())
        return e;
    if (s.workspace != needs.workspace) {
        return refusal(s, needs.workspace.isEmpty()
                              ? u"works in %1; the task is global work"_s.arg(s.workspace)
                              : u"is not in workspace %1"_s.arg(needs.workspace));
    }
    if (s.channel != needs.channel) {
        return refusal(s, needs.channel.isEmpty()
                              ? u"is bound to channel %1; the task to none"_s.arg(s.channel)
                              : u"is not on channel %1"_s.arg(needs.channel));
    }
    if (!needs.owner.isEmpty() && s.agent != needs.owner)
        return refusal(s, u"runs agent %1; the task belongs to %2"_s.arg(s.agent, needs.owner));
    QStringList missing;
    for (const QString &c : needs.capabilities) {
        if (!s.capabilities.contains(c))
            missing << c;
    }
    if (!missing.isEmpty())
        return refusal(s, u"lacks %1"_s.arg(missing.join(u", "_s)));
    return {};
}

Expected<RunId> TaskBoard::claim(SessionId sessionId, RunId runId)
{
    const Session *session = m_p.sessions->find(sessionId);
    if (!session)
        return Errors::sessionNotFound(sessionId);
    RunRecord *run = nullptr;
    if (runId != 0) {
        run = m_p.runs->find(runId);
        if (!run)
            return Errors::runNotLive(runId);
        if (!run->task())
            return Error::make(ErrorCode::InvalidRequest, u"run %1 is not a task"_s.arg(runId));
        if (run->stage != RunRecord::Stage::AwaitingClaim) {
            return Error::make(ErrorCode::InvalidTransition,
                               u"task %1 is %2, not waiting for a claim"_s.arg(runId).arg(
                                   runStateName(run->state)));
        }
        if (Error e = eligibility(*session, run->task()->needs); e.isError())
            return e;
    } else {
        if (Error e = sessionRefusal(*session); e.isError())
            return e;
        // The first task in wake order among the requirement sets this session meets.
        const CycleSession probe = cycleSession(*session);
        const TaskIndex::Key *best = nullptr;
        Priority bestPriority = Priority::Count;
        for (TaskIndex::GroupId g : m_index.groups()) {
            const TaskIndex::Group &group = m_index.group(g);
            if (!WakeSelector::isEligible(probe, group.needs))
                continue;
            group.forEachInOrder([&](Priority p, const TaskIndex::Key &k) {
                if (!best || p < bestPriority || (p == bestPriority && k < *best)) {
                    best = &k;
                    bestPriority = p;
                }
                return false; // only the group's first
            });
        }
        if (!best) {
            return Error::make(ErrorCode::InvalidRequest,
                               u"no waiting task that session \"%1\" may take"_s.arg(session->key));
        }
        run = m_p.runs->find(best->id);
        if (!run) {
            qCWarning(lcEngine) << "task board names run" << best->id << "which is not live";
            return Errors::runNotLive(best->id);
        }
    }
    take(run);
    if (!m_p.resolver->claim(run, sessionId, m_p.time->now() + m_p.options->leaseMs)) {
        add(run);
        return Error::make(ErrorCode::InvalidTransition, u"task %1 cannot be claimed"_s.arg(run->id));
    }
    m_p.pump->enqueue(run); // to its lane: it starts when a slot is free
    return run->id;
}

// Leases ---------------------------------------------------------------------------------------

QVector<RunId> TaskBoard::sweepExpired(int limit, Error *error)
{
    Q_UNUSED(error); // nothing here can fail: the writes are the turn's
    const TimeMs now = m_p.time->now();
    const qint64 lease = m_p.options->leaseMs;
    struct Expired
    {
        TimeMs beatAt;
        RunRecord *run;
    };
    std::vector<Expired> expired;
    m_p.active->forEachTicketHolder([&](RunRecord *run, RunTicket *t) {
        if (run->state != RunState::Running || run->stage == RunRecord::Stage::AwaitingReturn
            || t->leaseLost.load(std::memory_order_relaxed))
            return;
        // Between steps with a step pending, the engine itself holds the run: it is alive.
        if (run->stage == RunRecord::Stage::BetweenSteps && t->stepTimer != 0)
            return;
        const TimeMs beat = t->leaseBeatAt.load(std::memory_order_relaxed);
        if (now - beat >= lease)
            expired.push_back({beat, run});
    });
    std::sort(expired.begin(), expired.end(), [](const Expired &a, const Expired &b) {
        return a.beatAt != b.beatAt ? a.beatAt < b.beatAt : a.run->id < b.run->id;
    });
    QVector<RunId> recovered;
    for (const Expired &e : expired) {
        if (recovered.size() >= limit)
            break;
        RunRecord *run = e.run;
        const RunId id = run->id;
        const QString why = u"lease expired: no heartbeat for %1 s"_s.arg((now - e.beatAt) / 1000);
        if (m_p.active->expire(run)) {
            recover(run, why, u"lease expired on attempt %1 of %2; not retried"_s.arg(run->attempt).arg(run->maxAttempts));
            recovered.append(id);
        } else {
            ++m_awaitingRecovery; // recovered when its worker returns
            qCInfo(lcEngine).noquote() << u"run %1: %2; its worker was told to stop"_s.arg(id).arg(why);
        }
    }
    return recovered;
}

void TaskBoard::returnedAfterExpiry(RunRecord *run)
{
    --m_awaitingRecovery;
    m_p.active->letGo(run);
    recover(run, u"lease expired: its worker stopped reporting"_s,
            u"lease expired on attempt %1 of %2; not retried"_s.arg(run->attempt).arg(run->maxAttempts));
}

bool TaskBoard::recover(RunRecord *run, const QString &why, const QString &exhausted)
{
    if (run->attempt >= run->maxAttempts) {
        // A run that keeps losing its owner must not loop forever.
        if (m_p.resolver->finish(run, RunState::Failed, ErrorCode::Interrupted, exhausted))
            m_p.runs->destroy(run);
        return false;
    }
    ++run->attempt;
    m_p.resolver->requeue(run, EventType::LeaseRecovered, ErrorCode::Interrupted, why, run->attempt);
    if (run->task())
        add(run);
    else if (m_p.placeSessionRun)
        m_p.placeSessionRun(run);
    return true;
}

} // namespace Yard
