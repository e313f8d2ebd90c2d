// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "errors.h"
#include "ids.h"
#include "priority.h"
#include "runstate.h"
#include "taskinfo.h"

#include <QByteArray>
#include <QMetaType>
#include <QString>
#include <QVector>

#include <optional>

namespace Yard {

/// One durable unit of work: a session message's run, a session-bound run or a free task.
struct Run
{
    RunId id = 0;
    SessionId sessionId = 0; ///< 0 for work not bound to a session
    MessageId messageId = 0; ///< the transcript message that created it, if any
    QString handler;         ///< handler type (SPEC H1), e.g. "simulate"
    QString lane;            ///< resolved lane name
    Priority priority = Priority::Normal;
    RunState state = RunState::Queued;
    int attempt = 1;
    int maxAttempts = 3; ///< attempts in all, restarts included (SPEC J4 default)
    QString input;           ///< message text (concatenated in collect mode)
    QByteArray payloadJson;  ///< handler parameters, a compact JSON object
    QString result;          ///< handler's result text on success
    ErrorCode errorCode = ErrorCode::None;
    QString error;           ///< human error text for failed/cancelled runs
    TimeMs createdAt = 0;
    TimeMs queuedAt = 0;     ///< enqueue time; orders admission (SPEC P1)
    TimeMs startedAt = 0;
    TimeMs finishedAt = 0;
    TimeMs updatedAt = 0;
    RunId mergedInto = 0;    ///< collect mode: the run that carried this message
    int mergedCount = 0;     ///< collect mode: messages folded into this run
    QByteArray savedState;   ///< stateful tasks (SPEC P3)
    double progress = 0;     ///< 0..1
    QString progressText;
    QString log; ///< newest 64 KiB of the handler's log lines
    RunId retryOf = 0; ///< operator retry: the run this one repeats
    bool preemptible = true; ///< may be interrupted for interactive or urgent work (SPEC P2)
    qint64 jobId = 0;        ///< the job that fired it (SPEC J1); 0 = none
    /// Set for tasks (SPEC D3): runs that wait for a capable session to claim them.
    std::optional<TaskInfo> task;

    bool isTerminal() const { return Yard::isTerminal(state); }
};

/// One attempt of a run, as recorded when it ended (SPEC J4).
struct RunAttempt
{
    RunId run = 0;
    int attempt = 1;
    TimeMs startedAt = 0;
    TimeMs finishedAt = 0;
    QString outcome; ///< "completed", "failed", "timeout", "cancelled", "retry" …
    ErrorCode errorCode = ErrorCode::None;
    QString error;
};
using RunAttempts = QVector<RunAttempt>;

} // namespace Yard

Q_DECLARE_METATYPE(Yard::Run)
Q_DECLARE_METATYPE(Yard::RunAttempts)
