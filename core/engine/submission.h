// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/ids.h"
#include "model/priority.h"

#include <QByteArray>
#include <QString>

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
    TimeMs submittedAt = 0;
};

struct SubmitReceipt
{
    RunId runId = 0;
    SessionId sessionId = 0;
    MessageId messageId = 0;
};

} // namespace Yard
