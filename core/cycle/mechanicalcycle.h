// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cycleports.h"

#include <functional>
#include <unordered_map>
#include <utility>

namespace Yard {

class Clock;

/// The mechanical cycle (SPEC D2–D6, seed 001): one pass sweeps expired leases, loads the
/// queued tasks and the sessions, wakes eligible idle sessions (it never claims: a woken session
/// claims by itself), climbs the starvation ladder, and records what it did. Plain policy over
/// its ports and a Clock, so every rule is testable with fakes on a VirtualClock.
class MechanicalCycle final
{
    Q_DISABLE_COPY_MOVE(MechanicalCycle)

public:
    struct Options
    {
        /// A (run, session) pair woken less than this ago is not woken again (SPEC D5); 0 wakes
        /// every cycle; negative takes the default (1 min).
        qint64 wakeCooldownMs = 60'000;
        int sweepLimit = 100;
        StarvationThresholds thresholds;
    };
    struct Ports
    {
        const Clock *clock;
        CycleTaskSource *tasks;
        CycleSessionSource *sessions;
        CycleWaker *waker;
        EscalationActor *escalation;   ///< nullptr: no ladder (starved runs still fan out)
        StarvationStore *starvation;   ///< nullptr: no ladder
        std::function<bool()> paused;  ///< the scheduler-wide pause (SPEC D7)
    };

    MechanicalCycle(const Ports &ports, Options options); ///< Not owning any port.

    /// One pass, in order: sweep, load, (paused: stop), select and wake, escalate, record.
    CycleResult runOnce();
    /// Clears the in-memory wake state (cooldown keys) only; the durable budgets stay.
    RebuildResult rebuild();

    const CycleStats &stats() const { return m_stats; }
    const Options &options() const { return m_options; }
    void setCooldown(qint64 ms);

private:
    QVector<WakeTarget> select(const TaskIndex &index, const QVector<CycleSession> &sessions, TimeMs now,
                               CycleResult &result);
    void wake(const QVector<WakeTarget> &targets, TimeMs now, CycleResult &result, QStringList &errors);
    QVector<CycleRun> starvedRuns(const TaskIndex &index, TimeMs now) const;
    void pruneCooldown(TimeMs now);
    void escalate(const CycleRun &run, TimeMs now, CycleResult &result, QStringList &errors);

    Ports m_p;
    Options m_options;
    CycleStats m_stats;
    struct PairHash
    {
        size_t operator()(const std::pair<RunId, SessionId> &p) const
        {
            return std::hash<qint64>()(p.first) * 31 + std::hash<qint64>()(p.second);
        }
    };
    /// Last wake of a (run, session) pair, for the cooldown.
    std::unordered_map<std::pair<RunId, SessionId>, TimeMs, PairHash> m_lastWake;
};

} // namespace Yard
