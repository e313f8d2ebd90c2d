// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/ids.h"
#include "model/priority.h"
#include "model/taskinfo.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace Yard {

/// A message to a session (SPEC S1, Q1).
struct MessageRequest
{
    SessionId sessionId = 0; ///< either this…
    QString sessionKey;      ///< …or this; an unknown key creates the session
    QString role = QStringLiteral("user");
    QString content;
    QByteArray metadataJson;
    QString handler; ///< empty = EngineOptions::messageHandler
    QString lane;    ///< empty = the session's lane
    Priority priority = Priority::Normal;
    /// false: never interrupted to make room for interactive or urgent work (SPEC P2).
    bool preemptible = true;
    QByteArray payloadJson;
    TimeMs submittedAt = 0; ///< when the sender sent it (stale detection); 0 = now
};

/// A run without a transcript message: bound to a session's queue, or free (sessionId 0).
struct RunSubmission
{
    SessionId sessionId = 0;
    QString handler;
    QString input;
    QByteArray payloadJson;
    QString lane;
    Priority priority = Priority::Normal;
    /// false: never interrupted to make room for interactive or urgent work (SPEC P2).
    bool preemptible = true;
    TimeMs submittedAt = 0;
    qint64 jobId = 0;    ///< the job that fires it (SPEC J1)
    int maxAttempts = 0; ///< 0 = the default (3)
};

/// A task (SPEC D3): work bound to no session, waiting until a capable session claims it.
struct TaskSubmission
{
    QString handler;
    QString input;
    QByteArray payloadJson;
    QString lane;
    Priority priority = Priority::Normal;
    /// false: never interrupted to make room for interactive or urgent work (SPEC P2).
    bool preemptible = true;
    TaskRequirements needs;
    int maxAttempts = 0; ///< 0 = the default (3)
    TimeMs submittedAt = 0;
    qint64 jobId = 0; ///< the job that fires it (SPEC J1)
};

/// What an operator does with a run that needs attention (SPEC D8).
enum class AttentionAction : quint8 {
    Requeue,     ///< back in the queue with a fresh escalation budget
    Cancel,      ///< ends cancelled
    Acknowledge, ///< stays, marked as seen with a note
};

/// What a bulk recovery did.
struct AttentionOutcome
{
    int done = 0;
    int failed = 0;
    QStringList errors; ///< the first few, "run 12: …"
};

struct SubmitReceipt
{
    RunId runId = 0;
    SessionId sessionId = 0;
    MessageId messageId = 0;
};

} // namespace Yard
