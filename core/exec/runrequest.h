// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/ids.h"
#include "model/priority.h"

#include <QByteArray>
#include <QString>

#include <functional>

namespace Yard {

/// What a handler is asked to do. The pre-execute hook may rewrite it for this attempt.
struct RunRequest
{
    RunId runId = 0;
    SessionId sessionId = 0;
    QString handler;
    QString lane;
    Priority priority = Priority::Normal;
    int attempt = 1;
    QString input;
    QByteArray payloadJson;
    /// The session and its transcript as JSON, for handlers that want it (Handler::wantsTranscript):
    /// {"run", "attempt", "session": {"key", "agent", "workspace", "channel"}, "input",
    ///  "messages": [{"id", "role", "content", "at"}, …]}. Empty otherwise.
    QByteArray transcriptJson;
};

/// The pre-execute hook's answer (SPEC Q8).
struct HookVerdict
{
    bool abort = false;
    QString reason;
};

/// Runs on the worker after the lane slot is taken, right before the handler. Must be thread-safe.
using PreExecuteHook = std::function<HookVerdict(RunRequest &request)>;

} // namespace Yard
