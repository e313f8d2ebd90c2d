// SPDX-License-Identifier: GPL-3.0-or-later
#include "intake.h"

#include "admissionpump.h"
#include "durabilitytracker.h"
#include "enginestatus.h"
#include "handlertable.h"
#include "laneset.h"
#include "runrecord.h"
#include "runresolver.h"
#include "runtable.h"
#include "sessionchanges.h"
#include "sessionmanager.h"
#include "sessionqueues.h"
#include "taskboard.h"
#include "turnclock.h"
#include "turnevents.h"

#include "logging.h"
#include "store/store.h"

using namespace Qt::StringLiterals;

namespace Yard {

namespace {
constexpr qint64 kFirstIdBlock = 4096;       ///< run ids reserved from the store at a time…
constexpr qint64 kLargestIdBlock = 1 << 22;  ///< …growing when submissions outrun the disk
} // namespace

Intake::Intake(const Parts &parts)
    : m_p(parts)
    , m_blockSize(kFirstIdBlock)
{}

Error Intake::reject(ErrorCode code, SessionId session, const QString &why)
{
    ++m_p.counters->rejected;
    Event e = m_p.events->make(EventType::RunRejected);
    e.code = code;
    e.session = session;
    e.text = why;
    m_p.events->add(std::move(e));
    return Error::make(code, why);
}

Error Intake::refusal(SessionId session)
{
    for (const AcceptanceGate *gate : m_gates) {
        if (Error e = gate->refusal(); e.isError())
            return reject(e.code, session, e.message);
    }
    return {};
}

Expected<const Session *> Intake::openSession(SessionId id)
{
    const Session *session = m_p.sessions->find(id);
    if (!session)
        return Errors::sessionNotFound(id);
    if (session->state == SessionState::Closed)
        return reject(ErrorCode::SessionClosed, id, u"session \"%1\" is closed"_s.arg(session->key));
    return session;
}

Expected<Session> Intake::createSession(const SessionSpec &spec)
{
    Expected<Session> s = m_p.sessions->create(spec);
    if (s) {
        Event e = m_p.events->make(EventType::SessionCreated);
        e.session = s->id;
        e.text = s->key;
        m_p.events->add(std::move(e));
        m_p.changes->mark(s->id);
    }
    return s;
}

void Intake::reserveAhead()
{
    Expected<RunId> first = m_p.store->reserveRunIds(m_blockSize);
    if (!first) {
        qCWarning(lcEngine).noquote() << "cannot reserve run ids:" << first.error().toString();
        return;
    }
    const quint64 token = ++m_tokens;
    m_ahead = IdBlock{first.value(), first.value() + m_blockSize, false, token};
    m_p.durability->whenDurable([this, token] {
        if (m_ahead.token == token)
            m_ahead.durable = true;
    });
}

Error Intake::prepareIds()
{
    reserveAhead();
    if (Error e = m_p.store->flush(); e.isError())
        return e;
    m_ahead.durable = true;
    m_current = m_ahead;
    m_ahead = {};
    return {};
}

RunId Intake::nextRunId()
{
    if (m_current.next >= m_current.end) {
        if (m_ahead.end == 0)
            reserveAhead();
        if (m_ahead.end == 0)
            return 0;
        if (!m_ahead.durable) {
            // Submissions used a whole block before the disk confirmed the next one. The only
            // wait on the disk in the engine, and the next blocks are bigger so it stays rare.
            if (Error e = m_p.store->flush(); e.isError())
                return 0;
            m_ahead.durable = true;
            m_blockSize = qMin(m_blockSize * 4, kLargestIdBlock);
        }
        m_current = m_ahead;
        m_ahead = {};
    }
    const RunId id = m_current.next++;
    if (m_ahead.end == 0 && (m_current.end - m_current.next) * 2 <= m_blockSize)
        reserveAhead();
    return id;
}

RunRecord *Intake::newRecord(const QString &handler, const QString &input, const QString &lane,
                             Priority priority, TimeMs submittedAt, const QByteArray &payload)
{
    const RunId id = nextRunId();
    if (id == 0)
        return nullptr;
    RunRecord *run = m_p.runs->create(id);
    run->handler = m_p.handlers->resolve(handler);
    run->lane = quint16(m_p.lanes->resolve(lane));
    run->priority = priority;
    run->state = RunState::Queued;
    const TimeMs now = m_p.time->now();
    run->queuedAt = submittedAt > 0 ? submittedAt : now;
    if (!input.isEmpty() || !payload.isEmpty() || run->queuedAt != now) {
        RunDetail &d = run->details();
        d.input = input;
        d.payloadJson = payload;
        if (run->queuedAt != now)
            d.createdAt = now;
    }
    return run;
}

Expected<SubmitReceipt> Intake::submitMessage(const MessageRequest &request)
{
    if (Error e = refusal(request.sessionId); e.isError())
        return e;
    SessionId sid = request.sessionId;
    if (sid == 0) {
        const QString key = request.sessionKey.trimmed();
        if (key.isEmpty())
            return Error::make(ErrorCode::InvalidRequest, u"a message needs a session id or key"_s);
        if (const Session *s = m_p.sessions->findByKey(key)) {
            sid = s->id;
        } else {
            SessionSpec spec;
            spec.key = key;
            Expected<Session> created = createSession(spec);
            if (!created)
                return created.error();
            sid = created->id;
        }
    }
    Expected<const Session *> session = openSession(sid);
    if (!session)
        return session.error();
    Expected<SessionQueue *> queue = m_p.queues->open(sid);
    if (!queue)
        return queue.error();
    RunRecord *run = newRecord(request.handler.isEmpty() ? m_p.options->messageHandler : request.handler,
                               request.content,
                               request.lane.isEmpty() ? session.value()->lane : request.lane,
                               request.priority, request.submittedAt, request.payloadJson);
    if (!run)
        return Error::make(ErrorCode::StoreFailed, u"no run id could be reserved from the store"_s);
    run->preemptible = request.preemptible;
    MessageId messageId = 0;
    Expected<RunId> id = enqueue(run, queue.value(), &request, &messageId);
    if (!id)
        return id.error();
    return SubmitReceipt{id.value(), sid, messageId};
}

Expected<RunId> Intake::submitRun(const RunSubmission &submission)
{
    if (Error e = refusal(submission.sessionId); e.isError())
        return e;
    if (submission.handler.isEmpty())
        return Error::make(ErrorCode::InvalidRequest, u"a run needs a handler type"_s);

    QString lane = submission.lane;
    SessionQueue *queue = nullptr;
    if (submission.sessionId != 0) {
        Expected<const Session *> session = openSession(submission.sessionId);
        if (!session)
            return session.error();
        Expected<SessionQueue *> q = m_p.queues->open(submission.sessionId);
        if (!q)
            return q.error();
        queue = q.value();
        if (lane.isEmpty())
            lane = session.value()->lane;
    }
    RunRecord *run = newRecord(submission.handler, submission.input, lane, submission.priority,
                               submission.submittedAt, submission.payloadJson);
    if (!run)
        return Error::make(ErrorCode::StoreFailed, u"no run id could be reserved from the store"_s);
    run->preemptible = submission.preemptible;
    if (submission.maxAttempts > 0)
        run->maxAttempts = quint16(qMin(submission.maxAttempts, 1000));
    if (submission.jobId)
        run->details().jobId = submission.jobId;
    if (queue)
        return enqueue(run, queue, nullptr, nullptr);
    m_p.resolver->accepted(run);
    m_p.pump->enqueue(run);
    return run->id;
}

Expected<RunId> Intake::submitTask(const TaskSubmission &submission)
{
    if (Error e = refusal(0); e.isError())
        return e;
    if (submission.handler.isEmpty())
        return Error::make(ErrorCode::InvalidRequest, u"a task needs a handler type"_s);
    for (const QString &c : submission.needs.capabilities) {
        if (c.trimmed().isEmpty() || c.trimmed() != c)
            return Error::make(ErrorCode::InvalidRequest,
                               u"task capability \"%1\" must be a non-empty name without surrounding "
                               "spaces"_s.arg(c));
    }
    if (submission.maxAttempts < 0 || submission.maxAttempts > 1000)
        return Error::make(ErrorCode::InvalidRequest,
                           u"max_attempts must be from 1 to 1000 (0 = default), not %1"_s.arg(submission.maxAttempts));
    RunRecord *run = newRecord(submission.handler, submission.input, submission.lane, submission.priority,
                               submission.submittedAt, submission.payloadJson);
    if (!run)
        return Error::make(ErrorCode::StoreFailed, u"no run id could be reserved from the store"_s);
    if (submission.maxAttempts > 0)
        run->maxAttempts = quint16(submission.maxAttempts);
    run->preemptible = submission.preemptible;
    if (submission.jobId)
        run->details().jobId = submission.jobId;
    auto task = std::make_unique<TaskInfo>();
    task->needs = submission.needs;
    task->needs.capabilities.removeDuplicates();
    run->details().task = std::move(task);
    m_p.resolver->accepted(run);
    m_p.board->add(run);
    return run->id;
}

Expected<RunId> Intake::enqueue(RunRecord *run, SessionQueue *queue, const MessageRequest *message,
                                MessageId *messageId)
{
    run->queue = queue;
    ErrorCode code = ErrorCode::None;
    const SessionQueue::Admission admission = queue->admit(run, &code);
    if (admission == SessionQueue::Admission::Rejected) {
        m_p.runs->destroy(run);
        const Session *session = m_p.sessions->find(queue->id());
        return reject(code, queue->id(),
                      u"session \"%1\" queue is full (cap %2, drop new)"_s
                          .arg(session ? session->key : QString::number(queue->id()))
                          .arg(queue->config().cap));
    }
    if (message) {
        Expected<Message> stored = m_p.sessions->addMessage(queue->id(), message->role, message->content,
                                                            message->metadataJson);
        if (stored)
            run->details().messageId = stored->id;
        if (messageId)
            *messageId = run->messageId();
    }
    m_p.resolver->accepted(run);
    m_p.changes->mark(queue);
    const RunId id = run->id;
    if (admission == SessionQueue::Admission::Stale) {
        if (m_p.resolver->finish(run, RunState::Cancelled, ErrorCode::MessageStale,
                                 u"enqueued before a cancel-all"_s))
            m_p.runs->destroy(run);
        return Error::make(ErrorCode::MessageStale,
                           u"run %1 was sent before the session's cancel-all"_s.arg(id));
    }
    queue->pump();
    return id;
}

} // namespace Yard
