// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "handler.h"

#include <QJsonObject>

namespace Yard {

/// Synthetic work for the demo, the simulator and load tests (SPEC H4).
///
/// Payload (all optional):
///   duration_ms   mean duration (default 1000)
///   distribution  "fixed" | "uniform" (default, ±jitter) | "exponential"
///   jitter        uniform spread as a fraction of the mean (default 0.5)
///   steps         work steps; interrupts are checked and state saved between steps (default 4)
///   fail_p        probability the run fails at its last step (default 0)
///   hang_p        probability the run never finishes on its own (default 0)
///   seed          mixed into the per-run random stream (default 0)
///   error         the failure's text
///   yields        obeys an interrupt between steps (default true); false ignores it (SPEC P2)
///   no_reschedule when it yields, it ends completed instead of being requeued
///   save_state    saves {"step": n} after every step (default true), so it resumes there
///   restore       "corrupt": a state it gets back cannot be read (the run fails, SPEC P3)
///   throw         the handler throws (SPEC Q10)
///   vanish        the worker stops reporting, as if it died (only the lease sweep recovers it)
///   retryable     false: a failure is final, whatever the job's retry policy (SPEC J4)
///   attempts      a list of objects, one per attempt (the last repeats), each laid over the
///                 rest of the payload: how the simulator scripts "fails twice, then works"
/// The random stream depends only on run id, attempt and seed, so runs replay identically.
/// Waiting is done with Outcome::continueAfter, so no worker thread is held while "working".
class SimulateHandler final : public Handler
{
public:
    Outcome run(RunContext &context) override;

    struct Plan
    {
        qint64 totalMs = 0;
        int steps = 1;
        bool fail = false;
        bool hang = false;
    };
    /// The plan a run follows, derived deterministically from its payload, id and attempt.
    static Plan plan(const QJsonObject &payload, qint64 runId, int attempt);
    /// The payload for `attempt`: its entry of "attempts" (the last repeats) over the rest.
    static QJsonObject forAttempt(const QJsonObject &payload, int attempt);
};

} // namespace Yard
