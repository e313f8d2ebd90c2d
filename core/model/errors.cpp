// SPDX-License-Identifier: GPL-3.0-or-later
#include "errors.h"

#include <array>

using namespace Qt::StringLiterals;

namespace Yard {

namespace {

struct CodeInfo
{
    const char16_t *name;
    const char16_t *description;
};

constexpr std::array<CodeInfo, size_t(ErrorCode::Count)> kCodes{{
    {u"none", u"No error"},
    {u"session_not_found", u"The session does not exist"},
    {u"session_closed", u"The session is closed and accepts no new work"},
    {u"queue_full", u"The session queue is full and its drop policy rejects new messages"},
    {u"queue_dropped", u"The message was dropped from a full queue to make room for a newer one"},
    {u"message_stale", u"The message was enqueued before a cancel-all and is no longer wanted"},
    {u"lane_cleared", u"The session queue was reset"},
    {u"draining", u"The scheduler is draining and accepts no new work"},
    {u"run_not_found", u"The run does not exist"},
    {u"run_cancelled", u"The run was cancelled"},
    {u"invalid_transition", u"The run cannot move to that state from its current one"},
    {u"spawn_unresolvable", u"No agent template covers the run's required capabilities"},
    {u"timeout", u"The run exceeded its timeout"},
    {u"invalid_cron", u"The cron expression is not valid"},
    {u"invalid_request", u"The request is malformed"},
    {u"stopped", u"The scheduler is stopped"},
    {u"handler_failed", u"The run's handler reported a failure"},
    {u"unknown_handler", u"No handler is registered for the run's type"},
    {u"aborted", u"The pre-execute hook aborted the run"},
    {u"interrupted", u"The run was interrupted by a shutdown and will resume"},
    {u"store_failed", u"A database write failed"},
    {u"invalid_database", u"The database file cannot be used"},
    {u"database_in_use", u"Another running Yardmaster owns the database file"},
    {u"invalid_config", u"A configuration file, environment variable or option is not valid"},
    {u"state_unreadable", u"The run's saved state could not be restored; the run failed instead of starting over"},
}};

} // namespace

QString errorCodeName(ErrorCode code)
{
    const auto i = size_t(code);
    return i < kCodes.size() ? QString::fromUtf16(kCodes[i].name) : u"unknown"_s;
}

std::optional<ErrorCode> errorCodeFromName(QStringView name)
{
    for (size_t i = 0; i < kCodes.size(); ++i) {
        if (name == QStringView(kCodes[i].name))
            return ErrorCode(i);
    }
    return std::nullopt;
}

QString errorCodeDescription(ErrorCode code)
{
    const auto i = size_t(code);
    return i < kCodes.size() ? QString::fromUtf16(kCodes[i].description) : QString();
}

QString Error::toString() const
{
    const QString name = errorCodeName(code);
    return message.isEmpty() ? name + u": "_s + errorCodeDescription(code) : name + u": "_s + message;
}

Error Errors::sessionNotFound(SessionId id)
{
    return Error::make(ErrorCode::SessionNotFound, QStringLiteral("session %1 does not exist").arg(id));
}

Error Errors::runNotFound(RunId id)
{
    return Error::make(ErrorCode::RunNotFound, QStringLiteral("run %1 does not exist").arg(id));
}

Error Errors::runNotLive(RunId id)
{
    return Error::make(ErrorCode::RunNotFound, QStringLiteral("run %1 is not queued or running").arg(id));
}

} // namespace Yard
