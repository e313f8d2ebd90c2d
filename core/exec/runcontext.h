// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "outcome.h"

#include "model/ids.h"
#include "runrequest.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace Yard {

class RunTicket;

/// What a handler sees of its run (SPEC P4). Valid only during Handler::run(); every method may be
/// called from the worker thread. Reports (progress, log, state) travel to the engine without
/// blocking the worker.
///
/// Interrupts (SPEC P2): when interactive or urgent work waits for this run's slot, the engine
/// sets isInterrupted() and gives the run its lane's grace period. A handler that can stop saves
/// what it needs (saveState) and returns Outcome::yielded(): the run waits again and the next
/// call gets savedState() back. Calling noReschedule() first ends it `completed` instead. A
/// handler that keeps going past the grace period is left to finish; the flag is then cleared.
/// A stepping handler (Outcome::continueAfter) is called at once when interrupted between steps.
///
/// Saved state (SPEC P3) is written with the run and survives a restart. A state the handler
/// cannot read back is a failure of the run, not a fresh start: return restoreFailure(reason).
class RunContext final
{
    Q_DISABLE_COPY_MOVE(RunContext)

public:
    explicit RunContext(RunTicket &ticket)
        : m_ticket(ticket)
    {}

    const RunRequest &request() const;
    RunId runId() const { return request().runId; }
    SessionId sessionId() const { return request().sessionId; }
    const QString &input() const { return request().input; }
    const QByteArray &payloadJson() const { return request().payloadJson; }
    /// The session's transcript, for handlers that asked for it (see RunRequest).
    const QByteArray &transcriptJson() const { return request().transcriptJson; }
    int attempt() const { return request().attempt; }
    /// How many times the handler has been invoked for this attempt (ContinueAfter steps), from 0.
    int step() const;

    /// The cancellation token: true once the run was cancelled; stop as soon as possible.
    bool isCancelled() const;
    /// True while an interrupt (preemption) request is pending.
    bool isInterrupted() const;
    /// Returns and clears the pending interrupt request.
    bool checkAndConsumeInterrupt();

    /// Saves state for the next step or attempt; persisted with the run (SPEC P3).
    void saveState(const QByteArray &state);
    /// Saves state as a JSON object (compact).
    void saveState(const QJsonObject &state);
    /// The state saved by a previous step or attempt; empty if none.
    QByteArray savedState() const;
    /// The saved state as a JSON object: empty when nothing was saved; nullopt, with `error`
    /// saying why, when what was saved is not a JSON object. Return restoreFailure() then.
    std::optional<QJsonObject> savedJson(QString *error = nullptr) const;
    /// What a handler returns when it cannot restore its saved state (SPEC P3): the run fails
    /// with state_unreadable, "run N: cannot restore its saved state: <reason>", and is not
    /// started over from scratch behind the operator's back.
    Outcome restoreFailure(const QString &reason) const;
    /// Asks not to be re-queued when this interrupted run yields.
    void noReschedule();

    /// Proves liveness (renews the lease).
    void heartbeat();
    void progress(double fraction, const QString &text = {});
    void log(const QString &line);
    /// The per-worker resource from the ResourceFactory (SPEC P5), or nullptr.
    void *resource() const;
    /// Current time from the injected clock.
    TimeMs now() const;

private:
    RunTicket &m_ticket;
};

} // namespace Yard
