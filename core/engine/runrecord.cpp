// SPDX-License-Identifier: GPL-3.0-or-later
#include "runrecord.h"

#include "sessionqueue.h"

namespace Yard {

SessionId RunRecord::sessionId() const
{
    return queue ? queue->id() : detail ? detail->sessionId : 0;
}

Run RunRecord::toRun(const QString &handlerName, const QString &laneName, TimeMs now) const
{
    Run r;
    r.id = id;
    r.sessionId = sessionId();
    r.handler = handlerName;
    r.lane = laneName;
    r.priority = priority;
    r.state = state;
    r.attempt = attempt;
    r.maxAttempts = maxAttempts;
    r.queuedAt = queuedAt;
    r.createdAt = createdAt();
    r.startedAt = startedAt;
    r.updatedAt = now;
    r.preemptible = preemptible;
    if (isTerminal(state))
        r.finishedAt = now;
    if (const RunDetail *d = detail.get()) {
        r.messageId = d->messageId;
        r.input = d->input;
        r.payloadJson = d->payloadJson;
        r.result = d->result;
        r.errorCode = d->errorCode;
        r.error = d->error;
        r.mergedInto = d->mergedInto;
        r.mergedCount = d->mergedCount;
        r.savedState = d->savedState;
        r.progress = d->progress;
        r.progressText = d->progressText;
        r.log = d->log;
        r.retryOf = d->retryOf;
        r.jobId = d->jobId;
        if (d->task)
            r.task = *d->task;
    }
    if (state == RunState::Completed)
        r.progress = 1.0;
    return r;
}

void RunRecord::assignFrom(Run &&run)
{
    id = run.id;
    queuedAt = run.queuedAt;
    startedAt = run.startedAt;
    attempt = quint16(qBound(1, run.attempt, 0xFFFF));
    maxAttempts = quint16(qBound(1, run.maxAttempts, 0xFFFF));
    priority = run.priority;
    state = run.state;
    preemptible = run.preemptible;
    preempt = Preempt::None;
    timedOut = false;
    const bool cold = run.messageId || !run.input.isEmpty() || !run.payloadJson.isEmpty()
                      || !run.savedState.isEmpty() || !run.result.isEmpty() || !run.error.isEmpty()
                      || !run.progressText.isEmpty() || !run.log.isEmpty() || run.progress > 0
                      || run.mergedInto || run.retryOf || run.mergedCount
                      || run.errorCode != ErrorCode::None || run.createdAt != run.queuedAt
                      || run.task.has_value() || run.jobId;
    if (!cold) {
        detail.reset();
        return;
    }
    RunDetail &d = details();
    d.input = std::move(run.input);
    d.payloadJson = std::move(run.payloadJson);
    d.savedState = std::move(run.savedState);
    d.result = std::move(run.result);
    d.error = std::move(run.error);
    d.progressText = std::move(run.progressText);
    d.log = std::move(run.log);
    d.progress = run.progress;
    d.messageId = run.messageId;
    d.createdAt = run.createdAt != run.queuedAt ? run.createdAt : 0;
    d.mergedInto = run.mergedInto;
    d.retryOf = run.retryOf;
    d.jobId = run.jobId;
    d.mergedCount = run.mergedCount;
    d.errorCode = run.errorCode;
    if (run.task)
        d.task = std::make_unique<TaskInfo>(std::move(*run.task));
    else
        d.task.reset();
}

} // namespace Yard
