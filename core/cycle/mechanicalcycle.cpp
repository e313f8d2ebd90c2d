// SPDX-License-Identifier: GPL-3.0-or-later
#include "mechanicalcycle.h"

#include "wakeselector.h"

#include "engine/clock.h"

#include <QElapsedTimer>

#include <algorithm>
#include <set>

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
    r.pendingRuns = m_p.tasks->pending().size();
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
    const TaskIndex &index = m_p.tasks->pending();
    QVector<CycleSession> sessions = m_p.sessions->sessions();
    result.pendingRuns = index.size();
    result.activeRuns = m_p.tasks->activeRuns();
    result.sessionsScanned = int(sessions.size());

    // 3. Paused: nothing is woken or escalated.
    if (m_p.paused && m_p.paused()) {
        result.paused = true;
    } else {
        // 4. Select and wake, in one batch. 5. Escalate the runs that starve.
        WakeSelector::sortSessions(sessions);
        const QVector<WakeTarget> targets = select(index, sessions, now, result);
        wake(targets, now, result, errors);
        QVector<CycleRun> starved = starvedRuns(index, now);
        WakeSelector::sortRuns(starved);
        for (const CycleRun &run : std::as_const(starved))
            escalate(run, now, result, errors);
        pruneCooldown(now);
    }

    // 6. Record.
    if (!errors.isEmpty())
        result.error = Error::make(ErrorCode::StoreFailed, errors.join(u"; "_s));
    result.durationUs = timer.nsecsElapsed() / 1000;
    ++m_stats.cycles;
    result.number = m_stats.cycles;
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

namespace {

/// One group's view of the sessions in this pass: the idle sessions that may take its runs, in
/// wake order, and where the first one not woken yet may be.
struct GroupSessions
{
    std::vector<int> eligible; ///< indexes into the pass's candidates
    size_t cursor = 0;
};

/// Walks a group's runs in wake order across its priorities.
struct GroupWalk
{
    const TaskIndex::Group *group = nullptr;
    TaskIndex::GroupId id = 0;
    size_t priority = 0;
    std::set<TaskIndex::Key>::const_iterator it;

    bool valid() const { return priority < group->runs.size(); }
    void settle()
    {
        while (priority < group->runs.size() && it == group->runs[priority].end()) {
            if (++priority < group->runs.size())
                it = group->runs[priority].begin();
        }
    }
    void start()
    {
        priority = 0;
        it = group->runs[0].begin();
        settle();
    }
    void advance()
    {
        ++it;
        settle();
    }
    /// Later in wake order than `o` (for a min-heap).
    bool after(const GroupWalk &o) const
    {
        if (priority != o.priority)
            return priority > o.priority;
        return *o.it < *it;
    }
};

QString profileKey(const CycleSession &s)
{
    QStringList caps = s.capabilities;
    caps.sort();
    const QChar sep(0x1f);
    return s.workspace + sep + s.channel + sep + s.agent + sep + caps.join(sep);
}

bool isIdle(const CycleSession &s)
{
    return s.state == SessionState::Active && !s.prompting && !s.busy;
}

} // namespace

QVector<WakeTarget> MechanicalCycle::select(const TaskIndex &index, const QVector<CycleSession> &sessions,
                                            TimeMs now, CycleResult &result)
{
    // Sessions that could be woken now, and the distinct profiles (workspace, channel, agent,
    // capabilities) among them and among all open sessions: eligibility is decided once per
    // (requirement set, profile), not per (run, session).
    QHash<QString, int> profiles;
    std::vector<const CycleSession *> profileOf; // a representative per profile
    std::vector<int> candidateProfile;
    std::vector<const CycleSession *> candidates;
    std::vector<int> openProfiles; // profiles of sessions that are not closed
    std::vector<char> profileIsOpen;
    for (const CycleSession &s : sessions) {
        if (s.state == SessionState::Closed)
            continue;
        const QString key = profileKey(s);
        auto it = profiles.constFind(key);
        int profile;
        if (it == profiles.cend()) {
            profile = int(profileOf.size());
            profiles.insert(key, profile);
            profileOf.push_back(&s);
            profileIsOpen.push_back(1);
            openProfiles.push_back(profile);
        } else {
            profile = *it;
        }
        if (isIdle(s)) {
            candidates.push_back(&s);
            candidateProfile.push_back(profile);
        }
    }
    auto matches = [&](int profile, const TaskRequirements &needs) {
        return WakeSelector::fits(*profileOf[size_t(profile)], needs);
    };

    std::vector<std::vector<int>> candidatesOf(profileOf.size()); // idle sessions by profile
    for (size_t c = 0; c < candidates.size(); ++c)
        candidatesOf[size_t(candidateProfile[c])].push_back(int(c));

    const std::vector<TaskIndex::GroupId> groups = index.groups();
    std::vector<GroupSessions> groupSessions(groups.size());
    std::vector<GroupWalk> heap;
    auto later = [](const GroupWalk &a, const GroupWalk &b) { return a.after(b); };
    for (size_t g = 0; g < groups.size(); ++g) {
        const TaskIndex::Group &group = index.group(groups[g]);
        std::vector<char> compatible(profileOf.size(), 0);
        bool anyOpen = false;
        for (int p : openProfiles) {
            compatible[size_t(p)] = matches(p, group.needs) ? 1 : 0;
            anyOpen = anyOpen || compatible[size_t(p)];
        }
        // The idle sessions of every compatible profile, in wake order (candidates are).
        GroupSessions &gs = groupSessions[g];
        int lists = 0;
        for (int p : openProfiles) {
            if (!compatible[size_t(p)] || candidatesOf[size_t(p)].empty())
                continue;
            const std::vector<int> &of = candidatesOf[size_t(p)];
            gs.eligible.insert(gs.eligible.end(), of.begin(), of.end());
            ++lists;
        }
        if (lists > 1)
            std::sort(gs.eligible.begin(), gs.eligible.end());
        if (gs.eligible.empty()) {
            // No idle session may take any run of this set: each is a no-match; when no open
            // session could take it even once idle, it is unclaimable until one is spawned.
            result.noMatchRuns += group.size;
            if (!anyOpen)
                result.unclaimableRuns += group.size;
            group.forEachInOrder([&](Priority, const TaskIndex::Key &k) {
                note(result.noMatchRunIds, k.id);
                return result.noMatchRunIds.size() < kMaxListedIds;
            });
            continue;
        }
        GroupWalk walk;
        walk.group = &group;
        walk.id = TaskIndex::GroupId(g); // the slot in groupSessions
        walk.start();
        if (walk.valid())
            heap.push_back(walk);
    }
    std::make_heap(heap.begin(), heap.end(), later);

    // Runs by priority, queued time and id across all sets; each takes the oldest eligible idle
    // session not woken yet in this pass (and not woken for it within the cooldown), a starved
    // run all of them. A set stops being walked once none of its sessions is left, so the pass
    // ends after at most one run per woken session and set.
    const StarvationThresholds &t = m_options.thresholds;
    std::vector<char> woken(candidates.size(), 0);
    QVector<WakeTarget> targets;
    targets.reserve(qsizetype(candidates.size())); // one wake per session, unless runs starve
    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), later);
        GroupWalk walk = heap.back();
        heap.pop_back();
        GroupSessions &gs = groupSessions[size_t(walk.id)];
        while (gs.cursor < gs.eligible.size() && woken[size_t(gs.eligible[gs.cursor])])
            ++gs.cursor;
        if (gs.cursor == gs.eligible.size())
            continue; // every session of this set is woken: its other runs wait for the next pass
        const CycleRun run{walk.it->id, Priority(walk.priority), walk.it->queuedAt, walk.group->needs};
        const bool isStarved = now - run.queuedAt >= t.minQueuedAgeMs;
        int wakeCount = 0;
        if (isStarved && m_p.starvation) {
            if (const auto budget = m_p.starvation->load(run.id))
                wakeCount = budget->wakeCount;
        }
        // Fan-out to every eligible session, ignoring cooldown, once the run has starved for
        // fanOutAfter cycles (the ladder's first tier); without a ladder, at once.
        const bool fanOut = isStarved && (!m_p.starvation || wakeCount + 1 >= t.fanOutAfter);
        bool cooled = false;
        bool selected = false;
        for (size_t i = gs.cursor; i < gs.eligible.size(); ++i) {
            const size_t c = size_t(gs.eligible[i]);
            if (woken[c])
                continue;
            const CycleSession &s = *candidates[c];
            if (!fanOut && m_options.wakeCooldownMs > 0) {
                auto it = m_lastWake.find({run.id, s.id});
                if (it != m_lastWake.end() && now - it->second < m_options.wakeCooldownMs) {
                    cooled = true;
                    continue;
                }
            }
            woken[c] = 1;
            selected = true;
            targets.append(WakeTarget{run, s, fanOut ? u"starved: fan-out"_s : u"queued work"_s});
            if (!fanOut)
                break;
        }
        if (selected)
            note(result.selectedRunIds, run.id);
        else if (cooled)
            ++result.recentlyNotified;
        walk.advance();
        if (walk.valid()) {
            heap.push_back(walk);
            std::push_heap(heap.begin(), heap.end(), later);
        }
    }
    return targets;
}

void MechanicalCycle::wake(const QVector<WakeTarget> &targets, TimeMs now, CycleResult &result,
                           QStringList &errors)
{
    result.wakeAttempts = int(targets.size());
    if (targets.isEmpty())
        return;
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

QVector<CycleRun> MechanicalCycle::starvedRuns(const TaskIndex &index, TimeMs now) const
{
    // Within a priority a set's runs are in queued order: the starved ones are its first.
    const TimeMs cutoff = now - m_options.thresholds.minQueuedAgeMs;
    QVector<CycleRun> out;
    for (TaskIndex::GroupId g : index.groups()) {
        const TaskIndex::Group &group = index.group(g);
        for (size_t p = 0; p < group.runs.size(); ++p) {
            for (const TaskIndex::Key &k : group.runs[p]) {
                if (k.queuedAt > cutoff)
                    break;
                out.append(CycleRun{k.id, Priority(p), k.queuedAt, group.needs});
            }
        }
    }
    return out;
}

void MechanicalCycle::pruneCooldown(TimeMs now)
{
    // Keys older than the cooldown decide nothing any more.
    for (auto it = m_lastWake.begin(); it != m_lastWake.end();) {
        if (now - it->second >= m_options.wakeCooldownMs)
            it = m_lastWake.erase(it);
        else
            ++it;
    }
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
        m_p.starvation->upsert(b); // the mark reads the count it climbed to
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
