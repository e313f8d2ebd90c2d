// SPDX-License-Identifier: GPL-3.0-or-later
#include "runcontrol.h"

#include "activeruns.h"
#include "admissionpump.h"
#include "handlertable.h"
#include "intake.h"
#include "laneset.h"
#include "runrecord.h"
#include "runresolver.h"
#include "runtable.h"
#include "sessionchanges.h"
#include "sessionmanager.h"
#include "sessionqueues.h"
#include "taskboard.h"
#include "turnclock.h"

#include "store/store.h"

using namespace Qt::StringLiterals;

namespace Yard {

RunControl::RunControl(const Parts &parts)
    : m_p(parts)
{}

Expected<bool> RunControl::cancelOne(SessionId id)
{
    if (!m_p.sessions->find(id))
        return Errors::sessionNotFound(id);
    m_p.changes->mark(id);
    SessionQueue *q = m_p.queues->live(id);
    return q ? q->cancelOne() : false;
}

Expected<int> RunControl::cancelAll(SessionId id)
{
    if (!m_p.sessions->find(id))
        return Errors::sessionNotFound(id);
    Expected<SessionQueue *> q = m_p.queues->open(id); // the cutoff must exist even if nothing is live
    if (!q)
        return q.error();
    m_p.changes->mark(id);
    return q.value()->cancelAll();
}

Expected<int> RunControl::reset(SessionId id)
{
    if (!m_p.sessions->find(id))
        return Errors::sessionNotFound(id);
    Expected<SessionQueue *> q = m_p.queues->open(id);
    if (!q)
        return q.error();
    m_p.changes->mark(id);
    return q.value()->reset();
}

Error RunControl::cancelRun(RunId id, const QString &reason)
{
    RunRecord *run = m_p.runs->find(id);
    if (!run || run->stage == RunRecord::Stage::AwaitingReturn)
        return Errors::runNotLive(id);
    const QString why = reason.isEmpty() ? u"cancelled by operator"_s : reason;
    SessionQueue *q = run->queue;
    if (run->stage == RunRecord::Stage::SessionQueued) {
        q->removeQueued(run);
        m_p.changes->mark(q);
        if (m_p.resolver->finish(run, RunState::Cancelled, ErrorCode::RunCancelled, why))
            m_p.runs->destroy(run);
        return {};
    }
    if (q) {
        // Active in its session: free the session's place, end the run, start the next.
        q->takeActive(run);
        m_p.active->cancel(run, ErrorCode::RunCancelled, why);
        q->pump();
        return {};
    }
    m_p.active->cancel(run, ErrorCode::RunCancelled, why);
    return {};
}

Expected<RunId> RunControl::retryRun(RunId id)
{
    if (m_p.runs->find(id))
        return Error::make(ErrorCode::InvalidTransition,
                           u"run %1 has not finished; cancel it first to retry it"_s.arg(id));
    std::optional<Run> old = m_p.store->loadRun(id);
    if (!old)
        return Errors::runNotFound(id);
    if (!old->isTerminal() || old->state == RunState::Merged)
        return Error::make(ErrorCode::InvalidTransition,
                           u"run %1 is %2; only completed, failed or cancelled runs can be retried"_s
                               .arg(id)
                               .arg(runStateName(old->state)));
    RunSubmission sub;
    sub.sessionId = old->sessionId;
    sub.handler = old->handler;
    sub.input = old->input;
    sub.payloadJson = old->payloadJson;
    sub.lane = old->lane;
    sub.priority = old->priority;
    if (old->sessionId != 0 && !m_p.sessions->find(old->sessionId))
        sub.sessionId = 0; // its session is gone: run it free
    Expected<RunId> created = m_p.intake->submitRun(sub);
    if (created) {
        if (RunRecord *run = m_p.runs->find(created.value())) {
            RunDetail &d = run->details();
            d.retryOf = id;
            d.messageId = old->messageId;
            m_p.resolver->persist(run);
        }
    }
    return created;
}

Error RunControl::requeueRun(RunId id)
{
    if (m_p.runs->find(id))
        return Error::make(ErrorCode::InvalidTransition, u"run %1 is already queued or running"_s.arg(id));
    std::optional<Run> stored = m_p.store->loadRun(id);
    if (!stored)
        return Errors::runNotFound(id);
    if (!canTransition(stored->state, RunState::Queued))
        return Error::make(ErrorCode::InvalidTransition,
                           u"run %1 is %2 and cannot be requeued"_s.arg(id).arg(runStateName(stored->state)));
    const bool wasOpen = isOpenAttention(*stored);
    stored->errorCode = ErrorCode::None;
    stored->error.clear();
    stored->queuedAt = m_p.time->now();
    if (stored->task) {
        // A fresh start on the ladder (SPEC D8); what was acknowledged is over.
        stored->task->budget = RunStarvation{};
        stored->task->spawnUnresolvable = false;
        stored->task->leaseOwner = 0;
        stored->task->leaseExpiresAt = 0;
        stored->task->acknowledgedBy.clear();
        stored->task->acknowledgement.clear();
        stored->task->acknowledgedAt = 0;
        stored->sessionId = 0;
    }
    bool sessionGone = false;
    RunRecord *run = revive(std::move(*stored), &sessionGone); // a gone session: it runs free
    run->details().revived = true;
    if (!m_p.resolver->requeue(run, EventType::RunRecovered, ErrorCode::None, u"requeued by operator"_s)) {
        m_p.runs->destroy(run);
        return Error::make(ErrorCode::InvalidTransition, u"run %1 cannot be requeued"_s.arg(id));
    }
    if (wasOpen)
        m_p.resolver->attentionClosed();
    place(run);
    return {};
}

bool RunControl::isOpenAttention(const Run &run)
{
    return run.state == RunState::NeedsAttention && (!run.task || run.task->acknowledgedAt == 0);
}

Error RunControl::resolveAttention(RunId id, AttentionAction action, const QString &actor,
                                   const QString &note)
{
    if (action == AttentionAction::Requeue)
        return requeueRun(id);
    if (m_p.runs->find(id))
        return Error::make(ErrorCode::InvalidTransition, u"run %1 is queued or running, not waiting for an operator"_s.arg(id));
    std::optional<Run> stored = m_p.store->loadRun(id);
    if (!stored)
        return Errors::runNotFound(id);
    if (stored->state != RunState::NeedsAttention)
        return Error::make(ErrorCode::InvalidTransition,
                           u"run %1 is %2, not needs_attention"_s.arg(id).arg(runStateName(stored->state)));
    const bool wasOpen = isOpenAttention(*stored);
    if (action == AttentionAction::Acknowledge) {
        if (note.trimmed().isEmpty())
            return Error::make(ErrorCode::InvalidRequest, u"an acknowledgement needs a note"_s);
        TaskInfo &task = stored->task ? *stored->task : stored->task.emplace();
        task.acknowledgedBy = actor;
        task.acknowledgement = note.trimmed();
        task.acknowledgedAt = m_p.time->now();
        stored->updatedAt = task.acknowledgedAt;
        m_p.store->append(RunUpsert{std::move(*stored), false});
        if (wasOpen)
            m_p.resolver->attentionClosed();
        return {};
    }
    bool sessionGone = false;
    RunRecord *run = revive(std::move(*stored), &sessionGone);
    run->details().revived = true;
    const QString why = note.trimmed().isEmpty() ? u"cancelled by operator"_s : note.trimmed();
    if (!m_p.resolver->finish(run, RunState::Cancelled, ErrorCode::RunCancelled, why)) {
        m_p.runs->destroy(run);
        return Error::make(ErrorCode::InvalidTransition, u"run %1 cannot be cancelled"_s.arg(id));
    }
    m_p.runs->destroy(run);
    if (wasOpen)
        m_p.resolver->attentionClosed();
    return {};
}

RunRecord *RunControl::revive(Run &&run, bool *sessionGone)
{
    const QString handler = run.handler;
    const QString lane = run.lane;
    const SessionId session = run.sessionId;
    RunRecord *rec = m_p.runs->create(run.id);
    rec->assignFrom(std::move(run));
    rec->handler = m_p.handlers->resolve(handler);
    rec->lane = quint16(m_p.lanes->resolve(lane));
    rec->keysChanged = true; // its lane may resolve differently now, its session may be gone
    *sessionGone = false;
    if (rec->task()) {
        rec->details().sessionId = session; // a task's session is the one that claimed it
    } else if (session != 0) {
        Expected<SessionQueue *> q = m_p.queues->open(session);
        if (q)
            rec->queue = q.value();
        else
            *sessionGone = true;
    }
    return rec;
}

void RunControl::place(RunRecord *run)
{
    if (run->task()) {
        m_p.board->add(run);
        return;
    }
    if (SessionQueue *q = run->queue) {
        run->stage = RunRecord::Stage::SessionQueued;
        q->restore(run);
        m_p.changes->mark(q);
        q->pump();
        return;
    }
    m_p.pump->enqueue(run);
}

} // namespace Yard
