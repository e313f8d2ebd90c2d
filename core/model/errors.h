// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ids.h"

#include <QMetaType>
#include <QString>

#include <optional>
#include <utility>

namespace Yard {

/// Stable error codes (SPEC S3). The snake_case names returned by errorCodeName() are part of the
/// public contract: the UI, the CLI and the local API print them, and scripts match on them.
enum class ErrorCode : quint8 {
    None = 0,
    SessionNotFound,
    SessionClosed,
    QueueFull,
    QueueDropped,
    MessageStale,
    LaneCleared,
    Draining,
    RunNotFound,
    RunCancelled,
    InvalidTransition,
    SpawnUnresolvable,
    Timeout,
    InvalidCron,
    InvalidRequest,
    Stopped,
    // Extensions beyond S3's list, with the same stability guarantee.
    HandlerFailed,   ///< the handler reported a failure or threw
    UnknownHandler,  ///< no handler is registered for the run's type
    Aborted,         ///< the pre-execute hook aborted the run
    Interrupted,     ///< the engine shut down while the run was in flight
    StoreFailed,     ///< a database write failed
    InvalidDatabase, ///< the database file cannot be used
    DatabaseInUse,   ///< another live process owns the database file
    InvalidConfig,   ///< a configuration file, variable or flag is not valid
    StateUnreadable, ///< a run's saved state could not be restored (SPEC P3)
    Count
};

/// The stable snake_case name, e.g. "queue_full".
QString errorCodeName(ErrorCode code);
/// Parses a stable name; std::nullopt when unknown.
std::optional<ErrorCode> errorCodeFromName(QStringView name);
/// A one-line human explanation of the code, for tooltips and CLI help.
QString errorCodeDescription(ErrorCode code);

/// A typed error: a stable code plus a human message naming the specifics.
struct Error
{
    ErrorCode code = ErrorCode::None;
    QString message;

    bool isError() const { return code != ErrorCode::None; }
    /// "code: message", the form printed by the CLI and logged.
    QString toString() const;

    static Error make(ErrorCode code, QString message = {}) { return Error{code, std::move(message)}; }
};

/// A value or an Error, for calls that can fail in ways an operator must see.
template<typename T>
class Expected
{
public:
    Expected(T value)
        : m_value(std::move(value))
    {}
    Expected(Error error)
        : m_error(std::move(error))
    {}

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T &value() const & { return *m_value; }
    T &value() & { return *m_value; }
    T &&value() && { return std::move(*m_value); }
    const T *operator->() const { return &*m_value; }
    T *operator->() { return &*m_value; }
    const T &operator*() const { return *m_value; }
    const Error &error() const { return m_error; }

private:
    std::optional<T> m_value;
    Error m_error;
};

/// The errors several parts report, worded once.
namespace Errors {
Error sessionNotFound(SessionId id);
Error runNotFound(RunId id);
Error runNotLive(RunId id);
} // namespace Errors

} // namespace Yard

Q_DECLARE_METATYPE(Yard::Error)
