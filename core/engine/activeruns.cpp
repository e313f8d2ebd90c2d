// SPDX-License-Identifier: GPL-3.0-or-later
#include "activeruns.h"

#include "handlertable.h"
#include "preemption.h"
#include "laneset.h"
#include "runrecord.h"
#include "runresolver.h"
#include "runtable.h"
#include "sessionchanges.h"
#include "sessionmanager.h"
#include "sessionqueue.h"
#include "taskboard.h"
#include "turnclock.h"
#include "turnhost.h"

#include "exec/executor.h"
#include "exec/runticket.h"
#include "model/isotime.h"
#include "model/jsonwriter.h"

using namespace Qt::StringLiterals;

namespace Yard {

ActiveRuns::ActiveRuns(const Parts &parts)
    : m_p(parts)
{}

ActiveRuns::~ActiveRuns()
{
    freeTickets();
}

void ActiveRuns::freeTickets()
{
    for (RunTicket *t : m_allTickets)
        delete t;
    m_allTickets.clear();
    m_freeTickets.clear();
}

RunTicket *ActiveRuns::takeTicket()
{
    if (!m_freeTickets.empty()) {
        RunTicket *t = m_freeTickets.back();
        m_freeTickets.pop_back();
        return t;
    }
    auto *t = new RunTicket;
    m_allTickets.push_back(t);
    return t;
}

void ActiveRuns::recycle(RunRecord *run)
{
    RunTicket *t = run->ticketIfAny();
    run->ticket = nullptr;
    if (!t)
        return;
    t->reset();
    m_freeTickets.push_back(t);
}

void ActiveRuns::startAdmitted(RunRecord *run)
{
    if (!m_p.resolver->start(run)) {
        m_p.pump->release(run); // refused and reported; it keeps waiting nowhere
        return;
    }
    if (run->queue)
        m_p.changes->mark(run->queue);

    RunTicket *t = takeTicket();
    RunRequest &q = t->request;
    q.runId = run->id;
    q.sessionId = run->sessionId();
    // Names are views of interned strings: a recycled ticket usually holds these already.
    const QString &handler = m_p.handlers->name(run->handler);
    if (q.handler.constData() != handler.constData() || q.handler.size() != handler.size())
        q.handler = handler;
    const QString &lane = m_p.lanes->at(run->lane).name();
    if (q.lane.constData() != lane.constData() || q.lane.size() != lane.size())
        q.lane = lane;
    q.priority = run->priority;
    q.attempt = run->attempt;
    if (const RunDetail *d = run->detail.get()) {
        q.input = d->input;
        q.payloadJson = d->payloadJson;
        t->savedState = d->savedState;
    }
    if (m_p.handlers->wantsTranscript(run->handler))
        q.transcriptJson = transcriptJson(run);
    else if (!q.transcriptJson.isEmpty())
        q.transcriptJson.clear(); // a recycled ticket
    t->handler = m_p.handlers->handler(run->handler);
    t->hook = *m_p.hook; // an immutable hook: workers read it while the engine may set another
    t->inbox = m_p.inbox;
    t->clock = m_p.time->clock();
    t->owner = run;
    t->step = 0;
    run->ticket = t;
    dispatchStep(run);
}

QByteArray ActiveRuns::transcriptJson(RunRecord *run)
{
    JsonWriter w;
    w.add("run", run->id);
    w.add("attempt", run->attempt);
    const SessionId sid = run->sessionId();
    if (const Session *s = sid ? m_p.sessions->find(sid) : nullptr) {
        JsonWriter session;
        session.add("id", s->id).add("key", s->key).add("agent", s->agent).add("workspace", s->workspace).add("channel", s->channel);
        w.addRaw("session", session.finish());
    }
    w.add("input", run->detail ? run->detail->input : QString());
    QByteArray messages = "[";
    if (sid) {
        Expected<MessageList> list = m_p.sessions->messages(sid);
        if (list) {
            for (const Message &m : list.value()) {
                if (messages.size() > 1)
                    messages += ',';
                JsonWriter one;
                one.add("id", m.id).add("role", m.role).add("content", m.content).add("at", isoUtc(m.createdAt));
                messages += one.finish();
            }
        }
    }
    messages += ']';
    w.addRaw("messages", messages);
    return w.finish();
}

void ActiveRuns::dispatchStep(RunRecord *run)
{
    run->ticket->leaseBeatAt.store(m_p.time->now(), std::memory_order_relaxed);
    run->stage = RunRecord::Stage::Executing;
    run->ticket->outcome = Outcome();
    ++m_executing;
    m_started.push_back(run->ticket);
}

void ActiveRuns::dispatchStarted()
{
    if (m_started.empty())
        return;
    m_p.executor->dispatch(m_started);
    m_started.clear();
}

RunRecord *ActiveRuns::returned(RunTicket *ticket)
{
    --m_executing;
    return static_cast<RunRecord *>(ticket->owner);
}

bool ActiveRuns::end(RunRecord *run, RunState outcome, ErrorCode code, const QString &text)
{
    if (!m_p.resolver->finish(run, outcome, code, text))
        return false;
    if (run->stage == RunRecord::Stage::BetweenSteps && run->ticket) {
        // Ended between steps (a timeout): its next step will not come.
        --m_betweenSteps;
        m_p.timers->cancel(run->ticket->stepTimer);
    }
    if (outcome == RunState::Completed && run->messageId() != 0 && !text.isEmpty())
        m_p.sessions->addMessage(run->sessionId(), u"assistant"_s, text);
    m_p.pump->release(run);
    recycle(run);
    SessionQueue *queue = run->queue;
    if (queue)
        queue->takeActive(run);
    m_p.runs->destroy(run);
    if (queue) {
        queue->pump();
        m_p.changes->mark(queue);
    }
    return true;
}

void ActiveRuns::continueAfter(RunRecord *run, qint64 delayMs)
{
    run->stage = RunRecord::Stage::BetweenSteps;
    ++m_betweenSteps;
    RunTicket *t = run->ticket;
    t->stepTimer = m_p.timers->callAfter(delayMs, [this, run, t] {
        t->stepTimer = 0;
        --m_betweenSteps;
        ++t->step;
        dispatchStep(run);
    });
}

bool ActiveRuns::interrupt(RunRecord *run)
{
    RunTicket *t = run->ticketIfAny();
    if (!t)
        return false;
    if (run->stage == RunRecord::Stage::Executing) {
        t->interrupted.store(true, std::memory_order_release);
        return true;
    }
    if (run->stage != RunRecord::Stage::BetweenSteps || t->stepTimer == 0)
        return false;
    // Its next step is due later; take it now, so it can yield within the grace period.
    t->interrupted.store(true, std::memory_order_release);
    m_p.timers->cancel(t->stepTimer);
    t->stepTimer = 0;
    --m_betweenSteps;
    ++t->step;
    dispatchStep(run);
    return true;
}

void ActiveRuns::yielded(RunRecord *run)
{
    if (m_preemption)
        m_preemption->yielded(run);
    RunTicket *t = run->ticket;
    if (t->noReschedule) {
        end(run, RunState::Completed, ErrorCode::None, u"stopped on interrupt (no reschedule)"_s);
        return;
    }
    if (!t->savedState.isEmpty() || run->detail)
        run->details().savedState = t->savedState;
    m_p.pump->release(run);
    recycle(run);
    m_p.resolver->requeue(run, EventType::RunRescheduled);
    if (run->task() && m_board) {
        if (run->queue) // (tasks have no session queue; defensive)
            run->queue->takeActive(run);
        m_board->add(run); // back on the board: any capable session may claim it again
        return;
    }
    m_p.pump->enqueue(run); // keeps its session place and its original enqueue time
}

void ActiveRuns::vanished(RunRecord *run)
{
    run->stage = RunRecord::Stage::BetweenSteps; // holds its slot; no step pending
    run->ticket->stepTimer = 0;
    ++m_betweenSteps;
}

bool ActiveRuns::expire(RunRecord *run)
{
    RunTicket *t = run->ticketIfAny();
    if (!t)
        return false;
    if (run->stage == RunRecord::Stage::BetweenSteps) {
        letGo(run);
        return true;
    }
    t->leaseLost.store(true, std::memory_order_relaxed);
    t->cancelled.store(true, std::memory_order_release); // the handler should stop
    return false;
}

void ActiveRuns::letGo(RunRecord *run)
{
    if (run->stage == RunRecord::Stage::BetweenSteps) {
        --m_betweenSteps;
        if (run->ticket->stepTimer)
            m_p.timers->cancel(run->ticket->stepTimer);
    }
    m_p.pump->release(run);
    recycle(run);
    if (SessionQueue *queue = run->queue) {
        queue->takeActive(run);
        m_p.changes->mark(queue);
    }
}

void ActiveRuns::cancel(RunRecord *run, ErrorCode code, const QString &why)
{
    if (run->queue)
        m_p.changes->mark(run->queue);
    switch (run->stage) {
    case RunRecord::Stage::SessionQueued:
        if (m_p.resolver->finish(run, RunState::Cancelled, code, why))
            m_p.runs->destroy(run);
        return;
    case RunRecord::Stage::WaitingForSlot:
        if (!m_p.resolver->finish(run, RunState::Cancelled, code, why))
            return;
        // Its lane entry still points here: the memory stays until the entry surfaces.
        m_p.pump->withdraw(run);
        m_p.runs->remove(run);
        return;
    case RunRecord::Stage::Executing:
        if (m_p.resolver->finish(run, RunState::Cancelled, code, why))
            awaitReturn(run);
        return;
    case RunRecord::Stage::BetweenSteps:
        if (m_p.resolver->finish(run, RunState::Cancelled, code, why))
            endBetweenSteps(run);
        return;
    case RunRecord::Stage::AwaitingClaim:
        if (m_board)
            m_board->take(run);
        if (m_p.resolver->finish(run, RunState::Cancelled, code, why))
            m_p.runs->destroy(run);
        return;
    case RunRecord::Stage::AwaitingRetry:
        // Nothing holds it; its retry timer finds it gone.
        if (m_p.resolver->finish(run, RunState::Cancelled, code, why))
            m_p.runs->destroy(run);
        return;
    case RunRecord::Stage::AwaitingReturn:
    case RunRecord::Stage::WithdrawnFromLane:
        return;
    }
}

void ActiveRuns::park(RunRecord *run)
{
    if (run->stage != RunRecord::Stage::Executing && run->stage != RunRecord::Stage::BetweenSteps)
        return;
    if (!m_p.resolver->requeue(run, EventType::RunInterrupted, ErrorCode::Interrupted,
                               u"interrupted by shutdown; resumes on the next start"_s))
        return;
    if (run->queue)
        run->queue->takeActive(run);
    if (run->stage == RunRecord::Stage::BetweenSteps)
        endBetweenSteps(run);
    else
        awaitReturn(run);
}

void ActiveRuns::awaitReturn(RunRecord *run)
{
    run->ticket->cancelled.store(true, std::memory_order_release);
    run->stage = RunRecord::Stage::AwaitingReturn; // keeps its slot until the worker returns
    ++m_awaitingReturn;
}

void ActiveRuns::endBetweenSteps(RunRecord *run)
{
    --m_betweenSteps;
    m_p.timers->cancel(run->ticket->stepTimer);
    m_p.pump->release(run);
    recycle(run);
    m_p.runs->destroy(run);
}

void ActiveRuns::discard(RunRecord *run)
{
    --m_awaitingReturn;
    m_p.pump->release(run);
    recycle(run);
    m_p.runs->destroy(run);
}

} // namespace Yard
