// SPDX-License-Identifier: GPL-3.0-or-later
#include "simulatehandler.h"

#include "runcontext.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>
#include <stdexcept>

using namespace Qt::StringLiterals;

namespace Yard {

namespace {

quint64 splitmix64(quint64 &state)
{
    quint64 z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

double unit(quint64 &state)
{
    return double(splitmix64(state) >> 11) * (1.0 / 9007199254740992.0);
}

constexpr qint64 kHangStepMs = 60'000;

} // namespace

QJsonObject SimulateHandler::forAttempt(const QJsonObject &payload, int attempt)
{
    const QJsonArray attempts = payload.value(u"attempts"_s).toArray();
    if (attempts.isEmpty())
        return payload;
    QJsonObject merged = payload;
    merged.remove(u"attempts"_s);
    const QJsonObject over = attempts.at(qBound(0, attempt - 1, int(attempts.size()) - 1)).toObject();
    for (auto it = over.begin(); it != over.end(); ++it)
        merged.insert(it.key(), it.value());
    return merged;
}

SimulateHandler::Plan SimulateHandler::plan(const QJsonObject &payload, qint64 runId, int attempt)
{
    quint64 rng = quint64(runId) * 1000003ULL + quint64(attempt) * 7919ULL
                  + quint64(payload.value(u"seed"_s).toInteger(0));
    Plan p;
    const double mean = qMax(0.0, payload.value(u"duration_ms"_s).toDouble(1000));
    const QString dist = payload.value(u"distribution"_s).toString(u"uniform"_s);
    double d = mean;
    if (dist == u"exponential")
        d = -mean * std::log(1.0 - unit(rng));
    else if (dist != u"fixed") {
        const double jitter = qBound(0.0, payload.value(u"jitter"_s).toDouble(0.5), 1.0);
        d = mean * (1.0 - jitter + 2.0 * jitter * unit(rng));
    }
    p.totalMs = qMax<qint64>(0, qint64(d));
    p.steps = qBound(1, payload.value(u"steps"_s).toInt(4), 1000);
    p.fail = unit(rng) < payload.value(u"fail_p"_s).toDouble(0);
    p.hang = unit(rng) < payload.value(u"hang_p"_s).toDouble(0);
    return p;
}

Outcome SimulateHandler::run(RunContext &context)
{
    if (context.isCancelled())
        return Outcome::failure(u"cancelled"_s, ErrorCode::RunCancelled);

    const QJsonObject payload = forAttempt(QJsonDocument::fromJson(context.payloadJson()).object(), context.attempt());
    const Plan p = plan(payload, context.runId(), context.attempt());

    if (payload.value(u"throw"_s).toBool(false))
        throw std::runtime_error("simulated exception in the handler");

    // State: {"step": n} — how many steps are done, so a re-queued run resumes where it was.
    QString unreadable;
    const std::optional<QJsonObject> saved = context.savedJson(&unreadable);
    if (!saved)
        return context.restoreFailure(unreadable);
    if (!context.savedState().isEmpty() && payload.value(u"restore"_s).toString() == u"corrupt")
        return context.restoreFailure(u"simulated unreadable state (restore: corrupt)"_s);
    // Steps done: from the saved state when it keeps one (so a resumed run goes on where it
    // stopped), else counted in this dispatch (an interrupted run then starts over).
    const bool keepsState = payload.value(u"save_state"_s).toBool(true);
    int done = keepsState ? saved->value(u"step"_s).toInt(0) : context.step();

    // Between steps it looks for an interrupt (SPEC P2), unless told to ignore them.
    if (payload.value(u"yields"_s).toBool(true) && context.checkAndConsumeInterrupt()) {
        if (payload.value(u"no_reschedule"_s).toBool(false))
            context.noReschedule();
        return Outcome::yielded();
    }
    // As if the worker died: no result, no heartbeat; only the lease sweep recovers the run.
    if (payload.value(u"vanish"_s).toBool(false))
        return Outcome::vanished();

    if (done >= p.steps) {
        if (p.hang)
            return Outcome::continueAfter(kHangStepMs);
        if (p.fail) {
            const QString error = payload.value(u"error"_s).toString(u"simulated failure after %1 ms"_s.arg(p.totalMs));
            return payload.value(u"retryable"_s).toBool(true) ? Outcome::failure(error) : Outcome::fatal(error);
        }
        return Outcome::success(u"simulated reply (%1 ms) to: %2"_s.arg(p.totalMs).arg(
            context.input().left(60)));
    }
    ++done;
    if (keepsState)
        context.saveState(QJsonObject{{u"step"_s, done}});
    context.progress(double(done) / p.steps, u"step %1 of %2"_s.arg(done).arg(p.steps));
    return Outcome::continueAfter(p.totalMs / p.steps);
}

} // namespace Yard
