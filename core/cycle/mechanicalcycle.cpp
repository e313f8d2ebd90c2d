// SPDX-License-Identifier: GPL-3.0-or-later
#include "mechanicalcycle.h"

#include "wakeselector.h"

#include "engine/clock.h"

#include <QElapsedTimer>

#include <unordered_set>

using namespace Qt::StringLiterals;

namespace Yard {

namespace {
constexpr qint64 kDefaultCooldownMs = 60'000;
constexpr int kMaxListedIds = 100; ///< id lists name at most this many runs (the counts are exact)

void note(QVector<RunId> &list, RunId id)
{
    if (list.size() < kMaxListedIds)
        list.append(id);
}

QString age(qint64 ms)
{
    if (ms < 120'000)
        return u"%1 s"_s.arg(ms / 1000);
    if (ms < 7'200'000)
        return u"%1 min"_s.arg(ms / 60'000);
    return u"%1 h"_s.arg(double(ms) / 3'600'000.0, 0, 'f', 1);
}
} // namespace

StarvationThresholds StarvationThresholds::normalised() const
{
    const StarvationThresholds d;
    StarvationThresholds t = *this;
    t.fanOutAfter = t.fanOutAfter > 0 ? t.fanOutAfter : d.fanOutAfter;
    t.spawnAfter = qMax(t.spawnAfter > 0 ? t.spawnAfter : d.spawnAfter, t.fanOutAfter);
    t.eventAfter = qMax(t.eventAfter > 0 ? t.eventAfter : d.eventAfter, t.spawnAfter);
    t.needsAttentionAfter = qMax(t.needsAttentionAfter > 0 ? t.needsAttentionAfter : d.needsAttentionAfter,
                                 t.eventAfter);
    t.minQueuedAgeMs = t.minQueuedAgeMs > 0 ? t.minQueuedAgeMs : d.minQueuedAgeMs;
    return t;
}

MechanicalCycle::MechanicalCycle(const Ports &ports, Options options)
    : m_p(ports)
    , m_options(std::move(options))
{
    m_options.thresholds = m_options.thresholds.normalised();
    setCooldown(m_options.wakeCooldownMs);
    m_options.sweepLimit = m_options.sweepLimit > 0 ? m_options.sweepLimit : 100;
}

void MechanicalCycle::setCooldown(qint64 ms)
{
    m_options.wakeCooldownMs = ms < 0 ? kDefaultCooldownMs : ms;
}

RebuildResult MechanicalCycle::rebuild()
{
    RebuildResult r;
    r.pendingRuns = int(m_p.tasks->pendingRuns().size());
    r.activeRuns = m_p.tasks->activeRuns();
    r.sessionsScanned = int(m_p.sessions->sessions().size());
    r.clearedWakeKeys = int(m_lastWake.size());
    m_lastWake.clear();
    r.rebuiltAt = m_p.clock->now();
    ++m_stats.rebuilds;
    m_stats.lastRebuildAt = r.rebuiltAt;
    return r;
}

CycleResult MechanicalCycle::runOnce()
{
    QElapsedTimer timer;
    timer.start();
    CycleResult result;
    const TimeMs now = m_p.clock->now();
    result.at = now;
    QStringList errors;

    // 1. Sweep expired leases: also while paused (SPEC D7); an error does not stop the pass.
    Error recoveryError;
    result.recoveredRunIds = m_p.tasks->recoverExpiredLeases(m_options.sweepLimit, &recoveryError);
    result.recoveredLeases = int(result.recoveredRunIds.size());
    if (recoveryError.isError()) {
        ++m_stats.recoveryErrors;
        m_stats.lastRecoveryError = recoveryError.message;
        errors << u"lease recovery: "_s + recoveryError.message;
    }
    if (result.recoveredRunIds.size() > kMaxListedIds)
        result.recoveredRunIds.resize(kMaxListedIds);

    // 2. Load.
    QVector<CycleRun> runs = m_p.tasks->pendingRuns();
    QVector<CycleSession> sessions = m_p.sessions->sessions();
    result.pendingRuns = int(runs.size());
    result.activeRuns = m_p.tasks->activeRuns();
    result.sessionsScanned = int(sessions.size());

    // 3. Paused: nothing is woken or escalated.
    if (m_p.paused && m_p.paused()) {
        result.paused = true;
    } else {
        // 4. Select and wake: runs by priority, queued time, id; sessions by age; at most one
        // wake per session per pass, all delivered as one batch.
        WakeSelector::sortRuns(runs);
        WakeSelector::sortSessions(sessions);
        const StarvationThresholds &t = m_options.thresholds;
        std::unordered_set<SessionId> woken;
        QVector<WakeTarget> targets;
        QVector<CycleRun> starved;
        for (const CycleRun &run : std::as_const(runs)) {
            const qint64 runAge = now - run.queuedAt;
            const bool isStarved = runAge >= t.minQueuedAgeMs;
            std::optional<RunStarvation> budget;
            if (isStarved && m_p.starvation)
                budget = m_p.starvation->load(run.id);
            // Fan-out to every eligible session, ignoring cooldown, once the run has starved
            // for fanOutAfter cycles (the ladder's first tier); without a ladder, at once.
            const bool fanOut = isStarved
                                && (!m_p.starvation || (budget ? budget->wakeCount : 0) + 1 >= t.fanOutAfter);
            if (isStarved)
                starved.append(run);
            bool eligibleAny = false;
            bool cooled = false;
            for (const CycleSession &s : std::as_const(sessions)) {
                if (!WakeSelector::isEligible(s, run.needs))
                    continue;
                eligibleAny = true;
                if (woken.count(s.id))
                    continue;
                if (!fanOut && m_options.wakeCooldownMs > 0) {
                    auto it = m_lastWake.find({run.id, s.id});
                    if (it != m_lastWake.end() && now - it->second < m_options.wakeCooldownMs) {
                        cooled = true;
                        continue;
                    }
                }
                woken.insert(s.id);
                targets.append(WakeTarget{run, s, fanOut ? u"starved: fan-out"_s : u"queued work"_s});
                if (!fanOut)
                    break;
            }
            if (!eligibleAny) {
                ++result.noMatchRuns;
                note(result.noMatchRunIds, run.id);
            } else if (cooled && (targets.isEmpty() || targets.last().run.id != run.id)) {
                ++result.recentlyNotified;
            }
            if (!targets.isEmpty() && targets.last().run.id == run.id)
                note(result.selectedRunIds, run.id);
        }
        result.wakeAttempts = int(targets.size());
        if (!targets.isEmpty()) {
            const QVector<Error> wakeErrors = m_p.waker->wakeMany(targets);
            for (qsizetype i = 0; i < targets.size(); ++i) {
                const Error e = i < wakeErrors.size() ? wakeErrors[i] : Error{};
                if (e.isError()) {
                    ++result.wakeFailed;
                    m_stats.lastWakeError = e.message;
                    errors << u"wake of session %1 for run %2: %3"_s.arg(targets[i].session.id)
                                  .arg(targets[i].run.id)
                                  .arg(e.message);
                } else {
                    ++result.wakeSucceeded;
                    m_lastWake[{targets[i].run.id, targets[i].session.id}] = now;
                }
            }
        }
        // 5. Escalate the runs that starve.
        for (const CycleRun &run : std::as_const(starved))
            escalate(run, now, result, errors);
    }

    // 6. Record.
    if (!errors.isEmpty())
        result.error = Error::make(ErrorCode::StoreFailed, errors.join(u"; "_s));
    result.durationUs = timer.nsecsElapsed() / 1000;
    ++m_stats.cycles;
    m_stats.lastCycleAt = now;
    m_stats.recoveredLeases += quint64(result.recoveredLeases);
    m_stats.wakeAttempts += quint64(result.wakeAttempts);
    m_stats.wakeSucceeded += quint64(result.wakeSucceeded);
    m_stats.wakeFailed += quint64(result.wakeFailed);
    m_stats.noMatchRuns += quint64(result.noMatchRuns);
    m_stats.recentlyNotified += quint64(result.recentlyNotified);
    m_stats.unclaimableRuns += quint64(result.unclaimableRuns);
    m_stats.starvedRuns += quint64(result.starvedRuns);
    m_stats.spawnRequested += quint64(result.spawnRequested);
    m_stats.needsAttention += quint64(result.needsAttention);
    return result;
}

void MechanicalCycle::escalate(const CycleRun &run, TimeMs now, CycleResult &result, QStringList &errors)
{
    ++result.starvedRuns;
    note(result.starvedRunIds, run.id);
    if (!m_p.starvation || !m_p.escalation)
        return;
    const StarvationThresholds &t = m_options.thresholds;
    RunStarvation b = m_p.starvation->load(run.id).value_or(RunStarvation{run.id, 0, false, false, now});
    ++b.wakeCount;
    if (b.wakeCount >= t.spawnAfter && !b.spawnRequested) {
        const Error e = m_p.escalation->requestWorkerSpawn(run);
        if (!e.isError()) {
            b.spawnRequested = true;
            ++result.spawnRequested;
            note(result.spawnRequestedRunIds, run.id);
        } else if (e.code != ErrorCode::SpawnUnresolvable) {
            errors << u"spawn for run %1: %2"_s.arg(run.id).arg(e.message); // retried next pass
        } // unresolvable: retried later; the later tiers go on as the count climbs
    }
    if (b.wakeCount >= t.eventAfter && !b.starvedReported) {
        const Error e = m_p.escalation->emitRunStarved(run, now - run.queuedAt);
        if (!e.isError())
            b.starvedReported = true;
        else
            errors << u"starved event for run %1: %2"_s.arg(run.id).arg(e.message); // retried
    }
    if (b.wakeCount >= t.needsAttentionAfter) {
        const QString diagnostic = u"run queued %1 without a claim after %2 escalation cycles"_s
                                       .arg(age(now - run.queuedAt))
                                       .arg(b.wakeCount);
        const Error e = m_p.escalation->markNeedsAttention(run.id, diagnostic);
        if (!e.isError()) {
            ++result.needsAttention;
            note(result.needsAttentionRunIds, run.id);
            m_p.starvation->clear(run.id);
            return;
        }
        errors << u"needs attention for run %1: %2"_s.arg(run.id).arg(e.message); // retried
    }
    m_p.starvation->upsert(b);
}

} // namespace Yard
