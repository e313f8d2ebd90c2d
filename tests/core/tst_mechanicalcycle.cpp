// SPDX-License-Identifier: GPL-3.0-or-later
// MechanicalCycle (SPEC D2–D6, seed 001): the cases of seed 001's own suite, on a VirtualClock
// with fake ports.
#include "cycle/mechanicalcycle.h"
#include "engine/clock.h"

#include <QTest>

#include <map>

using namespace Yard;
using namespace Qt::StringLiterals;

namespace {

struct FakeTasks final : CycleTaskSource
{
    const TaskIndex &pending() override
    {
        index.clear();
        for (const CycleRun &r : std::as_const(queued))
            index.add(r.id, r.priority, r.queuedAt, r.needs);
        return index;
    }
    int activeRuns() override { return active; }
    QVector<RunId> recoverExpiredLeases(int limit, Error *error) override
    {
        ++sweeps;
        if (!recoveryError.isEmpty())
            *error = Error::make(ErrorCode::StoreFailed, recoveryError);
        QVector<RunId> out = expired.mid(0, limit);
        expired = expired.mid(out.size());
        return out;
    }
    QVector<CycleRun> queued;
    TaskIndex index;
    QVector<RunId> expired;
    QString recoveryError;
    int active = 0;
    int sweeps = 0;
};

struct FakeSessions final : CycleSessionSource
{
    QVector<CycleSession> sessions() override { return list; }
    QVector<CycleSession> list;
};

struct FakeWaker final : CycleWaker
{
    QVector<Error> wakeMany(const QVector<WakeTarget> &targets) override
    {
        ++batches;
        QVector<Error> errors;
        for (const WakeTarget &t : targets) {
            woken.append({t.run.id, t.session.id});
            errors.append(failFor.contains(t.session.id) ? Error::make(ErrorCode::StoreFailed, u"unreachable"_s)
                                                         : Error{});
        }
        return errors;
    }
    QVector<std::pair<RunId, SessionId>> woken;
    QSet<SessionId> failFor;
    int batches = 0;
};

struct FakeEscalation final : EscalationActor
{
    Error emitRunStarved(const CycleRun &run, qint64) override
    {
        if (failEvents-- > 0)
            return Error::make(ErrorCode::StoreFailed, u"emitter down"_s);
        starved << run.id;
        return {};
    }
    Error requestWorkerSpawn(const CycleRun &run) override
    {
        if (unresolvable)
            return Error::make(ErrorCode::SpawnUnresolvable, u"no template"_s);
        spawned << run.id;
        return {};
    }
    Error markNeedsAttention(RunId run, const QString &diagnostic) override
    {
        attention << run;
        diagnostics << diagnostic;
        return {};
    }
    QVector<RunId> starved, spawned, attention;
    QStringList diagnostics;
    bool unresolvable = false;
    int failEvents = 0;
};

struct FakeBudgets final : StarvationStore
{
    std::optional<RunStarvation> load(RunId run) override
    {
        auto it = map.find(run);
        if (it == map.end())
            return std::nullopt;
        return it->second;
    }
    void upsert(const RunStarvation &b) override { map[b.run] = b; }
    void clear(RunId run) override { map.erase(run); }
    std::map<RunId, RunStarvation> map;
};

CycleSession session(SessionId id, TimeMs created = 0)
{
    CycleSession s;
    s.id = id;
    s.key = u"s%1"_s.arg(id);
    s.agent = u"coder"_s;
    s.createdAt = created ? created : id;
    return s;
}

struct Rig
{
    explicit Rig(MechanicalCycle::Options options = {})
        : cycle({&clock, &tasks, &sessions, &waker, &escalation, &budgets, [this] { return paused; }},
                std::move(options))
    {}
    CycleRun run(RunId id, TaskRequirements needs = {}, Priority p = Priority::Normal, qint64 ageMs = 0)
    {
        CycleRun r;
        r.id = id;
        r.priority = p;
        r.queuedAt = clock.now() - ageMs;
        r.needs = std::move(needs);
        return r;
    }
    VirtualClock clock;
    FakeTasks tasks;
    FakeSessions sessions;
    FakeWaker waker;
    FakeEscalation escalation;
    FakeBudgets budgets;
    bool paused = false;
    MechanicalCycle cycle;
};

} // namespace

class tst_MechanicalCycle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void onlyEligibleIdleSessionsAreWoken();
    void noMatchIsRecordedWithTheRunIdAndNoWake();
    void starvedRunsFanOutAndAFreshOneWakesOne();
    void ladderFiresEachTierOnceThenClearsTheBudget();
    void unresolvableSpawnFallsThroughToEventAndNeedsAttention();
    void failingEmitterDoesNotAbortTheCycleAndIsRetried();
    void thresholdsNormalise();
    void ownerMatching();
    void pausedStillSweepsAndWakesNoOne();
    void errorsComeBackJoinedWithLastErrors();
    void rebuildClearsCooldownKeys();
    void cooldownZeroWakesEveryCycle();
    void wakeOrderIsPriorityThenSession();
    void channelBoundWorkWakesOnlyThatChannel();
    void oneWakePerSessionPerCycleInOneBatch();
    void sweepIsLimitedPerPass();
};

void tst_MechanicalCycle::onlyEligibleIdleSessionsAreWoken()
{
    Rig rig;
    CycleSession busy = session(1);
    busy.busy = true;
    CycleSession prompting = session(2);
    prompting.prompting = true;
    CycleSession elsewhere = session(3);
    elsewhere.workspace = u"other"_s;
    CycleSession unskilled = session(4);
    CycleSession stopped = session(5);
    stopped.state = SessionState::Closed;
    CycleSession idle = session(6);
    idle.state = SessionState::Idle;
    CycleSession good = session(7);
    good.capabilities = {u"python"_s};
    for (CycleSession *s : {&busy, &prompting, &elsewhere, &stopped, &idle})
        s->capabilities = {u"python"_s};
    rig.sessions.list = {busy, prompting, elsewhere, unskilled, stopped, idle, good};
    rig.tasks.queued = {rig.run(10, TaskRequirements{{u"python"_s}, {}, {}, {}})};
    const CycleResult r = rig.cycle.runOnce();
    QCOMPARE(rig.waker.woken, (QVector<std::pair<RunId, SessionId>>{{10, 7}}));
    QCOMPARE(r.wakeSucceeded, 1);
    QCOMPARE(r.selectedRunIds, QVector<RunId>{10});
}

void tst_MechanicalCycle::noMatchIsRecordedWithTheRunIdAndNoWake()
{
    Rig rig;
    rig.sessions.list = {session(1)};
    rig.tasks.queued = {rig.run(10, TaskRequirements{{u"gpu"_s}, {}, {}, {}})};
    const CycleResult r = rig.cycle.runOnce();
    QCOMPARE(r.noMatchRuns, 1);
    QCOMPARE(r.noMatchRunIds, QVector<RunId>{10});
    QCOMPARE(rig.waker.batches, 0);
    QCOMPARE(r.wakeAttempts, 0);
}

void tst_MechanicalCycle::starvedRunsFanOutAndAFreshOneWakesOne()
{
    MechanicalCycle::Options o;
    o.thresholds.fanOutAfter = 1; // fan out as soon as a run starves
    Rig rig(o);
    rig.sessions.list = {session(1), session(2), session(3), session(4)};
    rig.tasks.queued = {rig.run(10, {}, Priority::Normal, 5 * 60'000), rig.run(11)};
    const CycleResult r = rig.cycle.runOnce();
    // The starved run wakes every eligible session it can; the fresh one the next free session —
    // none is left, each session is woken at most once per pass.
    QCOMPARE(r.starvedRuns, 1);
    QCOMPARE(r.starvedRunIds, QVector<RunId>{10});
    QCOMPARE(rig.waker.woken.size(), 4);
    for (const auto &w : rig.waker.woken)
        QCOMPARE(w.first, RunId(10));
    // Alone, a fresh run wakes one session.
    Rig fresh;
    fresh.sessions.list = {session(1), session(2)};
    fresh.tasks.queued = {fresh.run(11)};
    fresh.cycle.runOnce();
    QCOMPARE(fresh.waker.woken, (QVector<std::pair<RunId, SessionId>>{{11, 1}}));
}

void tst_MechanicalCycle::ladderFiresEachTierOnceThenClearsTheBudget()
{
    Rig rig; // 2 / 4 / 6 / 10
    rig.tasks.queued = {rig.run(10, TaskRequirements{{u"gpu"_s}, {}, {}, {}}, Priority::Normal, 10 * 60'000)};
    for (int cycle = 1; cycle <= 9; ++cycle) {
        rig.clock.advance(15'000);
        rig.cycle.runOnce();
        QCOMPARE(rig.budgets.map.at(10).wakeCount, cycle);
    }
    QCOMPARE(rig.escalation.spawned, QVector<RunId>{10}); // once, at 4
    QCOMPARE(rig.escalation.starved, QVector<RunId>{10}); // once, at 6
    QVERIFY(rig.escalation.attention.isEmpty());
    rig.clock.advance(15'000);
    const CycleResult tenth = rig.cycle.runOnce();
    QCOMPARE(rig.escalation.attention, QVector<RunId>{10});
    QCOMPARE(tenth.needsAttentionRunIds, QVector<RunId>{10});
    QVERIFY2(rig.escalation.diagnostics.first().contains(u"without a claim after 10 escalation cycles"_s),
             qPrintable(rig.escalation.diagnostics.first()));
    QVERIFY2(rig.escalation.diagnostics.first().startsWith(u"run queued 12 min"_s),
             qPrintable(rig.escalation.diagnostics.first()));
    QVERIFY(!rig.budgets.map.count(10)); // cleared
    QCOMPARE(rig.escalation.spawned.size(), 1);
    QCOMPARE(rig.escalation.starved.size(), 1);
}

void tst_MechanicalCycle::unresolvableSpawnFallsThroughToEventAndNeedsAttention()
{
    Rig rig;
    rig.escalation.unresolvable = true;
    rig.tasks.queued = {rig.run(10, TaskRequirements{{u"gpu"_s}, {}, {}, {}}, Priority::Normal, 10 * 60'000)};
    for (int cycle = 1; cycle <= 10; ++cycle)
        rig.cycle.runOnce();
    QVERIFY(rig.escalation.spawned.isEmpty());
    QCOMPARE(rig.escalation.starved, QVector<RunId>{10});
    QCOMPARE(rig.escalation.attention, QVector<RunId>{10});
}

void tst_MechanicalCycle::failingEmitterDoesNotAbortTheCycleAndIsRetried()
{
    MechanicalCycle::Options o;
    o.thresholds = {1, 1, 1, 10, 1000};
    Rig rig(o);
    rig.escalation.failEvents = 1;
    rig.sessions.list = {session(1)};
    rig.tasks.queued = {rig.run(10, {}, Priority::Normal, 60'000), rig.run(11, {}, Priority::Low)};
    const CycleResult first = rig.cycle.runOnce();
    QVERIFY(first.error.isError());
    QVERIFY2(first.error.message.contains(u"emitter down"_s), qPrintable(first.error.message));
    QCOMPARE(first.wakeSucceeded, 1); // the pass went on
    QVERIFY(rig.escalation.starved.isEmpty());
    rig.cycle.runOnce();
    QCOMPARE(rig.escalation.starved, QVector<RunId>{10}); // retried, and reported once
    rig.cycle.runOnce();
    QCOMPARE(rig.escalation.starved.size(), 1);
}

void tst_MechanicalCycle::thresholdsNormalise()
{
    const StarvationThresholds t = StarvationThresholds{4, 2, 1, 3, 1000}.normalised();
    QCOMPARE(t.fanOutAfter, 4);
    QCOMPARE(t.spawnAfter, 4);
    QCOMPARE(t.eventAfter, 4);
    QCOMPARE(t.needsAttentionAfter, 4);
    const StarvationThresholds d = StarvationThresholds{0, -1, 0, 0, 0}.normalised();
    QCOMPARE(d.fanOutAfter, 2);
    QCOMPARE(d.spawnAfter, 4);
    QCOMPARE(d.eventAfter, 6);
    QCOMPARE(d.needsAttentionAfter, 10);
    QCOMPARE(d.minQueuedAgeMs, qint64(120'000));
}

void tst_MechanicalCycle::ownerMatching()
{
    Rig rig;
    CycleSession reviewer = session(1);
    reviewer.agent = u"reviewer"_s;
    CycleSession coder = session(2);
    rig.sessions.list = {reviewer, coder};
    rig.tasks.queued = {rig.run(10, TaskRequirements{{}, {}, {}, u"coder"_s})};
    rig.cycle.runOnce();
    QCOMPARE(rig.waker.woken, (QVector<std::pair<RunId, SessionId>>{{10, 2}}));
}

void tst_MechanicalCycle::pausedStillSweepsAndWakesNoOne()
{
    Rig rig;
    rig.paused = true;
    rig.sessions.list = {session(1)};
    rig.tasks.queued = {rig.run(10, {}, Priority::Normal, 10 * 60'000)};
    rig.tasks.expired = {7, 8};
    const CycleResult r = rig.cycle.runOnce();
    QVERIFY(r.paused);
    QCOMPARE(r.recoveredLeases, 2);
    QCOMPARE(r.recoveredRunIds, (QVector<RunId>{7, 8}));
    QCOMPARE(rig.waker.batches, 0);
    QVERIFY(rig.budgets.map.empty()); // and no escalation
    QCOMPARE(rig.cycle.stats().cycles, quint64(1));
}

void tst_MechanicalCycle::errorsComeBackJoinedWithLastErrors()
{
    Rig rig;
    rig.tasks.recoveryError = u"lease table locked"_s;
    rig.sessions.list = {session(1)};
    rig.waker.failFor = {1};
    rig.tasks.queued = {rig.run(10)};
    const CycleResult r = rig.cycle.runOnce();
    QVERIFY(r.error.isError());
    QVERIFY2(r.error.message.contains(u"lease recovery: lease table locked"_s)
                 && r.error.message.contains(u"wake of session 1 for run 10: unreachable"_s),
             qPrintable(r.error.message));
    QCOMPARE(r.wakeFailed, 1);
    QCOMPARE(rig.cycle.stats().lastRecoveryError, u"lease table locked"_s);
    QCOMPARE(rig.cycle.stats().lastWakeError, u"unreachable"_s);
    QCOMPARE(rig.cycle.stats().recoveryErrors, quint64(1));
}

void tst_MechanicalCycle::rebuildClearsCooldownKeys()
{
    Rig rig;
    rig.sessions.list = {session(1)};
    rig.tasks.queued = {rig.run(10)};
    rig.cycle.runOnce();
    const CycleResult cooled = rig.cycle.runOnce();
    QCOMPARE(cooled.wakeAttempts, 0);
    QCOMPARE(cooled.recentlyNotified, 1);
    const RebuildResult rebuilt = rig.cycle.rebuild();
    QCOMPARE(rebuilt.clearedWakeKeys, 1);
    QCOMPARE(rig.cycle.runOnce().wakeSucceeded, 1); // woken again
    rig.clock.advance(60'000);
    QCOMPARE(rig.cycle.runOnce().wakeSucceeded, 1); // and after the cooldown
}

void tst_MechanicalCycle::cooldownZeroWakesEveryCycle()
{
    MechanicalCycle::Options o;
    o.wakeCooldownMs = 0;
    Rig rig(o);
    rig.sessions.list = {session(1)};
    rig.tasks.queued = {rig.run(10)};
    for (int i = 0; i < 3; ++i)
        QCOMPARE(rig.cycle.runOnce().wakeSucceeded, 1);
    MechanicalCycle::Options negative;
    negative.wakeCooldownMs = -5;
    Rig other(negative);
    QCOMPARE(other.cycle.options().wakeCooldownMs, qint64(60'000)); // negative takes the default
}

void tst_MechanicalCycle::wakeOrderIsPriorityThenSession()
{
    Rig rig;
    rig.sessions.list = {session(3, 300), session(1, 100), session(2, 200)};
    rig.tasks.queued = {rig.run(20, {}, Priority::Low), rig.run(21, {}, Priority::Urgent),
                         rig.run(22, {}, Priority::Normal)};
    rig.cycle.runOnce();
    QCOMPARE(rig.waker.woken, (QVector<std::pair<RunId, SessionId>>{{21, 1}, {22, 2}, {20, 3}}));
}

void tst_MechanicalCycle::channelBoundWorkWakesOnlyThatChannel()
{
    Rig rig;
    CycleSession slack = session(1);
    slack.channel = u"slack"_s;
    CycleSession mail = session(2);
    mail.channel = u"mail"_s;
    rig.sessions.list = {mail, slack};
    rig.tasks.queued = {rig.run(10, TaskRequirements{{}, {}, u"slack"_s, {}})};
    rig.cycle.runOnce();
    QCOMPARE(rig.waker.woken, (QVector<std::pair<RunId, SessionId>>{{10, 1}}));
}

void tst_MechanicalCycle::oneWakePerSessionPerCycleInOneBatch()
{
    Rig rig;
    rig.sessions.list = {session(1), session(2)};
    rig.tasks.queued = {rig.run(10), rig.run(11), rig.run(12)};
    const CycleResult r = rig.cycle.runOnce();
    QCOMPARE(rig.waker.batches, 1);
    QCOMPARE(rig.waker.woken, (QVector<std::pair<RunId, SessionId>>{{10, 1}, {11, 2}}));
    QCOMPARE(r.selectedRunIds, (QVector<RunId>{10, 11}));
}

void tst_MechanicalCycle::sweepIsLimitedPerPass()
{
    MechanicalCycle::Options o;
    o.sweepLimit = 100;
    Rig rig(o);
    for (RunId id = 1; id <= 250; ++id)
        rig.tasks.expired.append(id);
    QCOMPARE(rig.cycle.runOnce().recoveredLeases, 100);
    QCOMPARE(rig.cycle.runOnce().recoveredLeases, 100);
    QCOMPARE(rig.cycle.runOnce().recoveredLeases, 50);
}

QTEST_GUILESS_MAIN(tst_MechanicalCycle)
#include "tst_mechanicalcycle.moc"
