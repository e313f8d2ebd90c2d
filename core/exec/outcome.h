// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/errors.h"

#include <QString>

namespace Yard {

/// What one invocation of a handler reports back.
struct Outcome
{
    enum class Kind : quint8 {
        Succeeded,     ///< done; `text` is the result
        Failed,        ///< done; `text` is the error, `code` its class
        ContinueAfter, ///< not done: call the handler again after `delayMs` (slot kept, no thread held)
        Yielded,       ///< gave up the slot after an interrupt (SPEC P2); requeue unless noReschedule
        /// The worker went silent, as if it died (the simulator's `vanish`): no outcome, no
        /// heartbeat. The run stays running until its lease expires and the sweep recovers it.
        Vanished,
    };

    Kind kind = Kind::Succeeded;
    ErrorCode code = ErrorCode::None;
    qint64 delayMs = 0;
    QString text;
    bool retryable = true; ///< a failure that retrying cannot fix says false (SPEC J4)

    static Outcome success(QString result = {}) { return {Kind::Succeeded, ErrorCode::None, 0, std::move(result)}; }
    static Outcome failure(QString error, ErrorCode code = ErrorCode::HandlerFailed)
    {
        return {Kind::Failed, code, 0, std::move(error)};
    }
    /// A failure that no retry would fix (bad input, a permanent refusal): the run's job does
    /// not try it again (SPEC J4).
    static Outcome fatal(QString error, ErrorCode code = ErrorCode::HandlerFailed)
    {
        return {Kind::Failed, code, 0, std::move(error), false};
    }
    /// For handlers that wait: return this instead of sleeping. Time follows the injected Clock.
    static Outcome continueAfter(qint64 delayMs) { return {Kind::ContinueAfter, ErrorCode::None, delayMs, {}}; }
    static Outcome yielded() { return {Kind::Yielded, ErrorCode::None, 0, {}}; }
    static Outcome vanished() { return {Kind::Vanished, ErrorCode::None, 0, {}}; }
};

} // namespace Yard
