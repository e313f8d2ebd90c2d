// SPDX-License-Identifier: GPL-3.0-or-later
// Worker pools (SPEC P5): an interactive and a background pool, one resource per worker and
// pool, released when the workers end; fixed sizes as admission limits; single-processor mode
// with preemption (seed 003's cases); and, with real threads, no run ever in two workers at once.
#include "eventrecorder.h"
#include "fakehandlers.h"
#include "testengine.h"

#include "engine/enginestatus.h"
#include "engine/scheduler.h"
#include "exec/runcontext.h"
#include "exec/runticket.h"
#include "exec/workerpools.h"

#include <QMutex>
#include <QSet>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_WorkerPools : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eachWorkerHasItsOwnResourceUntilItsThreadEnds();
    void fixedPoolsLimitWhatStarts();
    void singleProcessorServesUiFirst();
    void singleProcessorPreemptsTheRunningTask();
    void fourInterruptedTasksAllComplete();
    void noRunIsEverInTwoWorkersAtOnce();
    void submittingAfterShutdownIsStopped();
};

namespace {

struct Resource
{
    WorkerPool pool;
    int index;
    Qt::HANDLE thread;
};

/// Counts what the factory made and destroyed.
struct Factory
{
    std::atomic<int> made{0};
    std::atomic<int> destroyed{0};
    std::atomic<int> destroyedOnOwnThread{0};

    ResourceFactory make()
    {
        return {[this](int index, WorkerPool pool) -> void * {
                    ++made;
                    return new Resource{pool, index, QThread::currentThreadId()};
                },
                [this](void *r, WorkerPool) {
                    auto *res = static_cast<Resource *>(r);
                    if (res->thread == QThread::currentThreadId())
                        ++destroyedOnOwnThread;
                    delete res;
                    ++destroyed;
                }};
    }
};

/// Blocks until released; records which pool's resource served each run.
class PoolProbe final : public Handler
{
public:
    Outcome run(RunContext &c) override
    {
        const auto *r = static_cast<const Resource *>(c.resource());
        {
            QMutexLocker lock(&m_mutex);
            if (!r || r->thread != QThread::currentThreadId())
                m_wrongResource = true;
            else
                m_pools[c.runId()] = r->pool;
            m_resources.insert(r);
        }
        m_started.release();
        while (!m_gate.tryAcquire(1, 5)) {
            if (c.isCancelled())
                return Outcome::failure(u"cancelled"_s, ErrorCode::RunCancelled);
        }
        return Outcome::success();
    }
    QSemaphore m_gate;
    QSemaphore m_started;
    QMutex m_mutex;
    QHash<RunId, WorkerPool> m_pools;
    QSet<const Resource *> m_resources;
    bool m_wrongResource = false;
};

/// Steps of 1 s; yields when interrupted.
class Stepper final : public Handler
{
public:
    Outcome run(RunContext &c) override
    {
        const int done = c.savedState().toInt();
        if (c.checkAndConsumeInterrupt())
            return Outcome::yielded();
        if (done >= 3)
            return Outcome::success();
        c.saveState(QByteArray::number(done + 1));
        return Outcome::continueAfter(1000);
    }
};

RunId submit(TestEngine &t, Priority p, const QString &handler = u"noop"_s)
{
    RunSubmission sub;
    sub.handler = handler;
    sub.priority = p;
    const RunId id = t.engine->submitRun(sub).value();
    t.runUntilIdle();
    return id;
}

EngineOptions singleProcessor()
{
    EngineOptions o = TestEngine::defaultOptions();
    o.workers.singleProcessor = true;
    o.cycle.intervalMs = 0;
    return o;
}

} // namespace

void tst_WorkerPools::eachWorkerHasItsOwnResourceUntilItsThreadEnds()
{
    Factory factory;
    auto probe = std::make_shared<PoolProbe>();
    {
        EngineOptions o = TestEngine::defaultOptions();
        o.workers.interactive = 2;
        o.workers.background = 3;
        auto pools = std::make_unique<WorkerPools>(o.workers, factory.make());
        TestEngine t(o, {}, std::move(pools));
        t.handlers.add(u"probe"_s, probe);
        QVector<RunId> interactive, background;
        for (int i = 0; i < 2; ++i)
            interactive << t.engine->submitRun({0, u"probe"_s, {}, {}, {}, Priority::Interactive}).value();
        for (int i = 0; i < 3; ++i)
            background << t.engine->submitRun({0, u"probe"_s, {}, {}, {}, Priority::Low}).value();
        QVERIFY(probe->m_started.tryAcquire(5, 10000)); // five at once: five workers
        QCOMPARE(factory.made.load(), 5);
        {
            QMutexLocker lock(&probe->m_mutex);
            QVERIFY(!probe->m_wrongResource);
            QCOMPARE(probe->m_resources.size(), 5); // each worker its own
            for (RunId id : interactive)
                QCOMPARE(probe->m_pools.value(id), WorkerPool::Interactive);
            for (RunId id : background)
                QCOMPARE(probe->m_pools.value(id), WorkerPool::Background);
        }
        probe->m_gate.release(5);
        QTRY_COMPARE(t.events->count(EventType::RunCompleted), 5);
        QCOMPARE(factory.destroyed.load(), 0); // the workers are still there
        t.engine->shutdown(1000);
    } // the executor goes: its threads end, and their resources with them
    QCOMPARE(factory.destroyed.load(), factory.made.load());
    QCOMPARE(factory.destroyedOnOwnThread.load(), factory.made.load());
}

void tst_WorkerPools::fixedPoolsLimitWhatStarts()
{
    // A background pool of 2 on a lane of 30: the third background run waits in its lane (not
    // unseen in a thread queue), while interactive work has workers of its own.
    EngineOptions o = TestEngine::defaultOptions();
    o.workers.background = 2;
    o.workers.interactive = 1;
    o.laneLimits.insert(u"main"_s, 30);
    TestEngine t(o);
    const RunId b1 = submit(t, Priority::Low);
    const RunId b2 = submit(t, Priority::Normal);
    const RunId b3 = submit(t, Priority::High);
    QCOMPARE(t.manual()->held(), (QVector<RunId>{b1, b2}));
    const RunId ui = submit(t, Priority::Interactive);
    QVERIFY(t.manual()->isHeld(ui));
    QCOMPARE(t.engine->counters().preemptions + t.events->count(EventType::RunInterrupted), 0u);
    const RunId ui2 = submit(t, Priority::Urgent);
    QVERIFY(!t.manual()->isHeld(ui2)); // its pool is full; no interactive run may be interrupted
    t.finish(b1);
    QVERIFY(t.manual()->isHeld(b3));
    t.finish(ui);
    QVERIFY(t.manual()->isHeld(ui2));
}

void tst_WorkerPools::singleProcessorServesUiFirst()
{
    // Seed 003: UI-priority tasks finish before later background ones on one processor, and
    // UI > LastEffort > Background.
    TestEngine t(singleProcessor());
    RunSubmission blocker{0, u"noop"_s, {}, {}, {}, Priority::Low};
    blocker.preemptible = false;
    const RunId first = t.engine->submitRun(blocker).value();
    t.runUntilIdle();
    const RunId bg1 = submit(t, Priority::Low);
    const RunId bg2 = submit(t, Priority::Low);
    const RunId lastEffort = submit(t, Priority::Urgent);
    const RunId ui = submit(t, Priority::Interactive);
    QCOMPARE(t.manual()->held(), QVector<RunId>{first}); // one processor
    QVector<RunId> order;
    RunId current = first;
    while (current) {
        t.finish(current);
        current = t.manual()->held().isEmpty() ? 0 : t.manual()->held().first();
        if (current)
            order << current;
        QVERIFY(t.manual()->held().size() <= 1);
    }
    QCOMPARE(order, (QVector<RunId>{ui, lastEffort, bg1, bg2}));
}

void tst_WorkerPools::singleProcessorPreemptsTheRunningTask()
{
    // Seed 003: a UI task submitted while a background task runs finishes first; the background
    // one resumes from its saved state.
    TestEngine t(singleProcessor());
    t.handlers.add(u"stepper"_s, std::make_shared<Stepper>());
    const RunId bg = submit(t, Priority::Low, u"stepper"_s);
    QVERIFY(t.manual()->execute(bg)); // one step done, the next in 1 s
    t.runUntilIdle();
    const RunId ui = submit(t, Priority::Interactive);
    QVERIFY(t.manual()->isInterrupted(bg)); // the lane has room; the processor does not
    QVERIFY(t.manual()->execute(bg));
    t.runUntilIdle();
    QVERIFY(t.manual()->isHeld(ui));
    t.finish(ui);
    QCOMPARE(t.events->outcomeOf(ui), EventType::RunCompleted);
    QVERIFY(t.manual()->isHeld(bg));
    QCOMPARE(t.manual()->ticket(bg)->savedState, QByteArray("1")); // restored on resume
    for (int i = 0; i < 4 && t.manual()->isHeld(bg); ++i) {
        QVERIFY(t.manual()->execute(bg));
        t.runUntilIdle();
        t.advance(1000);
    }
    QCOMPARE(t.events->outcomeOf(bg), EventType::RunCompleted);
    QCOMPARE(t.engine->counters().preemptions, 1u);
}

void tst_WorkerPools::fourInterruptedTasksAllComplete()
{
    // Seed 003: four tasks, each interrupted once and rescheduled, all complete (from where they
    // were: the stepper resumes its saved count).
    TestEngine t(singleProcessor());
    t.handlers.add(u"stepper"_s, std::make_shared<Stepper>());
    QVector<RunId> background;
    for (int i = 0; i < 4; ++i)
        background << submit(t, Priority::Low, u"stepper"_s);
    for (int round = 0; round < 4; ++round) {
        QCOMPARE(t.manual()->held().size(), 1);
        const RunId current = t.manual()->held().first();
        QCOMPARE(current, background[round]);
        QVERIFY(t.manual()->execute(current)); // a step, then 1 s to the next
        t.runUntilIdle();
        const RunId ui = submit(t, Priority::Interactive);
        QVERIFY(t.manual()->execute(current)); // woken early, it yields
        t.runUntilIdle();
        t.finish(ui);
        // It comes back first (the oldest waiting) and runs to its end.
        for (int guard = 0; guard < 20 && t.manual()->isHeld(current); ++guard) {
            QVERIFY(t.manual()->execute(current));
            t.runUntilIdle();
            t.advance(1000);
        }
        QCOMPARE(t.events->outcomeOf(current), EventType::RunCompleted);
    }
    QCOMPARE(t.engine->counters().preemptions, 4u);
    for (RunId id : background) {
        bool rescheduled = false;
        for (const Event &e : t.events->ofRun(id))
            rescheduled = rescheduled || e.type == EventType::RunRescheduled;
        QVERIFY(rescheduled);
        QCOMPARE(t.events->outcomesOf(id).size(), 1);
    }
}

void tst_WorkerPools::noRunIsEverInTwoWorkersAtOnce()
{
    // Real threads, real time: long low-priority runs on a small lane, some obeying interrupts
    // and some ignoring them past the grace period, while interactive runs keep arriving. An
    // instrumented handler counts, per run, how many workers are inside it.
    struct Instrumented final : public Handler
    {
        Outcome run(RunContext &c) override
        {
            std::atomic<int> *inside;
            {
                QMutexLocker lock(&mutex);
                inside = &counts[c.runId()];
            }
            if (inside->fetch_add(1) != 0)
                twice = true;
            const bool obeys = c.runId() % 2 == 0;
            Outcome outcome = Outcome::success();
            QElapsedTimer work;
            work.start();
            while (work.elapsed() < (c.request().priority == Priority::Interactive ? 2 : 30)) {
                if (obeys && c.checkAndConsumeInterrupt()) {
                    outcome = Outcome::yielded();
                    break;
                }
                QThread::yieldCurrentThread();
            }
            inside->fetch_sub(1);
            return outcome;
        }
        QMutex mutex;
        std::map<RunId, std::atomic<int>> counts;
        std::atomic<bool> twice{false};
    };
    auto handler = std::make_shared<Instrumented>();
    SchedulerOptions options;
    options.engine.laneLimits.insert(u"main"_s, 2);
    options.engine.preemptGraceMs = 5;
    options.registerHandlers = [handler](HandlerRegistry &r) { r.add(u"instrumented"_s, handler); };
    auto scheduler = Scheduler::open(options).value();
    EventRecorder events(scheduler.get());
    constexpr int kLow = 60, kInteractive = 60;
    scheduler->post([](Engine &e) {
        for (int i = 0; i < kLow; ++i)
            e.submitRun({0, u"instrumented"_s, {}, {}, u"main"_s, Priority::Low});
    });
    for (int i = 0; i < kInteractive; ++i) {
        scheduler->post([](Engine &e) { e.submitRun({0, u"instrumented"_s, {}, {}, u"main"_s, Priority::Interactive}); });
        QTest::qWait(5); // real time by design: arrivals spread out to meet running low runs
    }
    QTRY_VERIFY_WITH_TIMEOUT(events.count(EventType::RunCompleted) == kLow + kInteractive, 30000);
    QVERIFY(!handler->twice);
    QVERIFY(events.count(EventType::RunInterrupted) > 0);
    quint64 preemptions = 0, refused = 0;
    bool done = false;
    scheduler->call(this, [](Engine &e) { return e.counters(); }, [&](const EngineCounters &c) {
        preemptions = c.preemptions;
        refused = c.preemptionsRefused;
        done = true;
    });
    QTRY_VERIFY(done);
    // Which runs an interrupt meets (obeying or ignoring) depends on timing; that interrupts
    // happened does not. Both paths are pinned down on a virtual clock in tst_preemption.
    QVERIFY2(preemptions + refused >= 2, qPrintable(u"%1 preemptions, %2 refused"_s.arg(preemptions).arg(refused)));
    for (const Event &e : events.events()) {
        if (EventRecorder::isOutcome(e.type))
            QCOMPARE(events.outcomesOf(e.run).size(), 1);
    }
    scheduler->shutdown(2000);
}

void tst_WorkerPools::submittingAfterShutdownIsStopped()
{
    // Seed 003: execute after shutdown fails.
    TestEngine t(singleProcessor());
    t.engine->shutdown(0);
    t.runUntilIdle();
    Expected<RunId> r = t.engine->submitRun({0, u"noop"_s, {}, {}, {}, Priority::Interactive});
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::Stopped);
}

QTEST_GUILESS_MAIN(tst_WorkerPools)
#include "tst_workerpools.moc"
