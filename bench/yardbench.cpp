// SPDX-License-Identifier: GPL-3.0-or-later
// yardbench: performance harness. Every figure is a ratio against a baseline measured in the
// same run, on the same machine, so noisy machines still give comparable numbers.
//
//   yardbench dispatch [--runs N] [--sessions S] [--repeat K]   scheduler path vs a bare
//       QThreadPool: engine_ns_per_run, ratio, bytes_per_queued_run, rss_queued_mb, max_turn_ms
//   yardbench durable  [--runs N] [--sessions S] [--repeat K]   the same with SQLite: runs_per_s
//   yardbench engine [--backlog]                              the engine alone on one thread
//   yardbench cycle [--cycles N]                              one mechanical cycle, 100k and 1m tasks
//   yardbench preempt [--repeat K]                            interactive waits on a full lane
//   yardbench runs-view | ui-flood                            the console's queries and load
#include "engine/scheduler.h"
#include "engine/sessionmanager.h"
#include "engine/submission.h"
#include "exec/executor.h"
#include "exec/handlerregistry.h"
#include "store/memorystore.h"
#include "store/sqlitestore.h"
#include "store/storereader.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThreadPool>
#include <QTimer>

#include "apibench.h"
#include "clusterbench.h"
#include "preemptbench.h"

#ifdef YARD_WITH_UI
#include "uiflood.h"
#endif

#include <QProcess>
#include <QSemaphore>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>

#include <time.h>
#include <unistd.h>

using namespace Yard;
using namespace Qt::StringLiterals;

namespace {

struct Config
{
    qint64 runs = 1'000'000;
    int sessions = 10'000;
    int repeat = 1; ///< alternate baseline and measured runs; report medians
    /// engine: submit every run in one turn, so the whole backlog is alive before the first
    /// completes (as in dispatch, where submissions outrun the workers)
    bool backlog = false;
    /// Lanes the sessions are spread over, round-robin (default: the four default lanes).
    QStringList lanes{QStringLiteral("main"), QStringLiteral("subagent"), QStringLiteral("team"),
                      QStringLiteral("cron")};
};

class EmptyTask final : public QRunnable
{
public:
    explicit EmptyTask(std::atomic<qint64> *done)
        : m_done(done)
    {}
    void run() override { m_done->fetch_add(1, std::memory_order_relaxed); }

private:
    std::atomic<qint64> *m_done;
};

/// Baseline: the same number of empty tasks through a bare QThreadPool (default size).
double bareThreadPoolRate(qint64 runs)
{
    QThreadPool pool;
    std::atomic<qint64> done{0};
    QElapsedTimer t;
    t.start();
    for (qint64 i = 0; i < runs; ++i)
        pool.start(new EmptyTask(&done));
    pool.waitForDone();
    const double secs = double(t.nsecsElapsed()) / 1e9;
    if (done.load() != runs)
        std::fprintf(stderr, "baseline lost tasks: %lld of %lld\n", qlonglong(done.load()), qlonglong(runs));
    return double(runs) / secs;
}

struct SchedulerRun
{
    double rate = 0;
    double seconds = 0;
    qint64 completed = 0;
    qint64 engineCpuNs = 0;   ///< CPU time of the engine thread (from the OS) while timed
    qint64 longestTurnNs = 0; ///< the longest engine turn while timed
};

/// CPU time the calling thread has used, from the OS.
qint64 threadCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

/// Resident set size of the process, from /proc.
qint64 residentBytes()
{
    std::ifstream statm("/proc/self/statm");
    qint64 pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * qint64(sysconf(_SC_PAGESIZE));
}

/// Runs `fn` on the engine thread and waits for its result.
template<typename Fn>
auto onEngine(Scheduler &scheduler, Fn fn)
{
    decltype(fn(std::declval<Engine &>())) result{};
    QSemaphore done;
    scheduler.post([&](Engine &e) {
        result = fn(e);
        done.release();
    });
    done.acquire();
    return result;
}

/// Sessions for the benchmark, created in small turns (so no setup turn dwarfs the measured ones).
QVector<SessionId> createSessions(Scheduler &scheduler, const Config &cfg)
{
    QVector<SessionId> ids;
    for (int first = 0; first < cfg.sessions; first += 100) {
        ids += onEngine(scheduler, [&](Engine &e) {
            QVector<SessionId> chunk;
            e.batch([&] {
                for (int s = first; s < qMin(cfg.sessions, first + 100); ++s) {
                    SessionSpec spec;
                    spec.key = u"bench-%1"_s.arg(s);
                    spec.lane = cfg.lanes.at(s % cfg.lanes.size());
                    chunk.append(e.createSession(spec).value().id);
                }
            });
            return chunk;
        });
    }
    return ids;
}

/// Posts runs/sessions empty runs to every session, session by session, 50 sessions a turn.
void submitAll(Scheduler &scheduler, const Config &cfg, const std::shared_ptr<QVector<SessionId>> &ids)
{
    const int perSession = int(cfg.runs / cfg.sessions);
    constexpr int kSessionsPerPost = 50;
    for (int first = 0; first < cfg.sessions; first += kSessionsPerPost) {
        scheduler.post([ids, first, perSession, sessions = cfg.sessions](Engine &e) {
            e.batch([&] {
                RunSubmission sub;
                sub.handler = u"noop"_s;
                for (int s = first; s < qMin(sessions, first + kSessionsPerPost); ++s) {
                    sub.sessionId = ids->at(s);
                    for (int m = 0; m < perSession; ++m)
                        e.submitRun(sub);
                }
            });
        });
    }
}

Expected<std::unique_ptr<Scheduler>> openBenchScheduler(const Config &cfg, const QString &dbPath)
{
    SchedulerOptions options;
    options.databasePath = dbPath;
    options.engine.defaultQueue.cap = int(cfg.runs / cfg.sessions) + 1;
    options.engine.defaultQueue.debounceMs = 0;
    options.engine.messageHandler = u"noop"_s;
    return Scheduler::open(options);
}

/// Sessions are created, then every session gets runs/sessions empty runs, session by session
/// (the workload that deadlocks goclaw), in chunks posted to the engine thread. The clock stops
/// when the subscriber has seen every run.completed event.
SchedulerRun schedulerRate(const Config &cfg, const QString &dbPath, QString *detail)
{
    auto opened = openBenchScheduler(cfg, dbPath);
    if (!opened) {
        std::fprintf(stderr, "yardbench: %s\n", qPrintable(opened.error().toString()));
        std::exit(1);
    }
    std::unique_ptr<Scheduler> scheduler = std::move(opened).value();
    auto ids = std::make_shared<QVector<SessionId>>(createSessions(*scheduler, cfg));
    const qint64 cpuBefore = onEngine(*scheduler, [](Engine &) { return threadCpuNs(); });
    const qint64 turnBefore = onEngine(*scheduler, [](Engine &e) { return e.counters().longestTurnNs; });

    qint64 completed = 0;
    QEventLoop loop;
    QObject::connect(scheduler.get(), &Scheduler::eventsReady, &loop,
                     [&](const EventBatch &batch) {
                         for (const Event &e : batch)
                             completed += e.type == EventType::RunCompleted;
                         if (completed >= cfg.runs)
                             loop.quit();
                     });
    QElapsedTimer t;
    t.start();
    submitAll(*scheduler, cfg, ids);
    QTimer watchdog;
    watchdog.setSingleShot(true);
    QObject::connect(&watchdog, &QTimer::timeout, &loop, [&] {
        std::fprintf(stderr, "yardbench: timed out with %lld of %lld runs completed\n",
                     qlonglong(completed), qlonglong(cfg.runs));
        loop.quit();
    });
    watchdog.start(600'000);
    loop.exec();
    double secs = double(t.nsecsElapsed()) / 1e9;
    const qint64 cpuAfter = onEngine(*scheduler, [](Engine &) { return threadCpuNs(); });
    const qint64 longestTurn = onEngine(*scheduler, [](Engine &e) { return e.counters().longestTurnNs; });

    if (!dbPath.isEmpty()) {
        // Durable means on disk: include the final commit.
        scheduler->shutdown(60'000); // flushes every batch before returning
        secs = double(t.nsecsElapsed()) / 1e9;
    }
    scheduler.reset();
    SchedulerRun r;
    r.seconds = secs;
    r.completed = completed;
    r.rate = double(completed) / secs;
    r.engineCpuNs = cpuAfter - cpuBefore;
    r.longestTurnNs = longestTurn > turnBefore ? longestTurn : 0;
    if (!dbPath.isEmpty() && detail) {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"bench-check"_s);
        db.setDatabaseName(dbPath);
        db.open();
        QSqlQuery q(db);
        q.exec(u"SELECT count(*) FROM runs WHERE state = 'completed' AND started_at > 0 "
               "AND finished_at >= started_at"_s);
        q.next();
        *detail = u"rows_completed_on_disk=%1"_s.arg(q.value(0).toLongLong());
        q = QSqlQuery();
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(u"bench-check"_s);
    }
    return r;
}

/// The engine alone: the same workload on one thread with the inline executor, so the figure is
/// the engine's own cost per run with no thread hand-offs.
double engineOnlyRate(const Config &cfg, bool withEvents)
{
    SystemClock clock;
    MemoryStore store;
    InlineExecutor executor;
    HandlerRegistry handlers;
    handlers.addBuiltins();
    EngineOptions options;
    options.defaultQueue.cap = int(cfg.runs / cfg.sessions) + 1;
    options.defaultQueue.debounceMs = 0;
    Engine engine(&clock, &store, &executor, &handlers, options);
    qint64 events = 0;
    if (withEvents)
        QObject::connect(&engine, &Engine::eventsReady, &engine,
                         [&events](const EventBatch &b) { events += b.size(); });
    engine.start();
    QVector<SessionId> ids;
    for (int s = 0; s < cfg.sessions; ++s) {
        SessionSpec spec;
        spec.key = u"bench-%1"_s.arg(s);
        spec.lane = cfg.lanes.at(s % cfg.lanes.size());
        ids.append(engine.createSession(spec).value().id);
    }
    const int perSession = int(cfg.runs / cfg.sessions);
    QElapsedTimer t;
    t.start();
    const int step = cfg.backlog ? cfg.sessions : 50;
    for (int first = 0; first < cfg.sessions; first += step) {
        engine.batch([&] {
            RunSubmission sub;
            sub.handler = u"noop"_s;
            for (int s = first; s < qMin(cfg.sessions, first + step); ++s) {
                sub.sessionId = ids[s];
                for (int m = 0; m < perSession; ++m)
                    engine.submitRun(sub);
            }
        });
    }
    while (engine.counters().completed < quint64(cfg.runs))
        engine.processInbox();
    std::printf("  longest turn %.2f ms\n", double(engine.counters().longestTurnNs) / 1e6);
    return double(cfg.runs) / (double(t.nsecsElapsed()) / 1e9);
}

int engineOnly(const Config &cfg)
{
    std::printf("yardbench engine: %lld empty runs over %d sessions, one thread, inline executor%s\n",
                qlonglong(cfg.runs), cfg.sessions, cfg.backlog ? ", all submitted first" : "");
    const double bare = bareThreadPoolRate(cfg.runs);
    const double quiet = engineOnlyRate(cfg, false);
    const double loud = engineOnlyRate(cfg, true);
    std::printf("bare_qthreadpool   runs/s=%.0f\nengine_no_events   runs/s=%.0f  (%.0f ns/run)\n"
                "engine_events      runs/s=%.0f  (%.0f ns/run)\nratio=%.3f  (engine with events / bare pool)\n",
                bare, quiet, 1e9 / quiet, loud, 1e9 / loud, loud / bare);
    return 0;
}

/// The runs list against a big table: page queries the console issues, timed on the reader.
int runsView(const Config &cfg)
{
    std::printf("yardbench runs-view: %lld runs in SQLite, queries as the Runs view sends them\n",
                qlonglong(cfg.runs));
    QTemporaryDir dir;
    const QString path = dir.filePath(u"runs.db"_s);
    {
        auto store = SqliteStore::open(path).value();
        QElapsedTimer fill;
        fill.start();
        const QString lanes[] = {u"main"_s, u"subagent"_s, u"team"_s, u"cron"_s};
        const RunState states[] = {RunState::Completed, RunState::Completed, RunState::Completed,
                                   RunState::Completed, RunState::Failed, RunState::Cancelled};
        for (qint64 id = 1; id <= cfg.runs; ++id) {
            Run r;
            r.id = id;
            r.handler = u"simulate"_s;
            r.lane = lanes[id % 4];
            r.priority = Priority(id % 5);
            r.state = id % 997 == 0 ? RunState::Queued : states[id % 6];
            r.input = id == cfg.runs / 2 ? u"the rare needle"_s : u"summarise build %1"_s.arg(id % 1000);
            r.createdAt = r.queuedAt = 1'700'000'000'000 + id * 10;
            r.startedAt = r.queuedAt + 5;
            r.finishedAt = r.startedAt + 100;
            r.updatedAt = r.finishedAt;
            if (r.state == RunState::Failed) {
                r.errorCode = ErrorCode::HandlerFailed;
                r.error = u"simulated failure"_s;
            }
            store->append(RunUpsert{r});
            if (id % 50'000 == 0)
                store->commitAsync();
        }
        store->flush();
        std::printf("filled in %.1f s\n", double(fill.elapsed()) / 1000.0);
    }
    StoreReader reader(path);
    struct Case
    {
        const char *name;
        RunFilter filter;
        RunId before;
    };
    RunFilter failed, lane, queued, text, byId, combo;
    failed.states = {RunState::Failed};
    lane.lanes = {u"cron"_s};
    queued.states = {RunState::Queued};
    text.text = u"rare needle"_s;
    byId.text = u"#%1"_s.arg(cfg.runs / 3);
    combo.states = {RunState::Failed};
    combo.lanes = {u"team"_s};
    combo.priorities = {Priority::High};
    const Case cases[] = {{"newest page, no filter", {}, 0},
                          {"page deep in the table (scrolled)", {}, RunId(cfg.runs / 2)},
                          {"state = failed", failed, 0},
                          {"lane = cron", lane, 0},
                          {"state = queued (rare)", queued, 0},
                          {"failed + team + high", combo, 0},
                          {"#id lookup", byId, 0},
                          {"text search (full scan)", text, 0}};
    for (const Case &c : cases) {
        QEventLoop loop;
        RunPage result;
        const quint64 request = reader.requestRuns(c.filter, c.before, 200);
        QObject::connect(&reader, &StoreReader::runsReady, &loop, [&](const RunPage &page) {
            if (page.request == request) {
                result = page;
                loop.quit();
            }
        });
        loop.exec();
        std::printf("%-36s %6lld ms  %3lld rows%s\n", c.name, qlonglong(result.elapsedMs),
                    qlonglong(result.rows.size()), result.error.isError() ? " ERROR" : "");
    }
    return 0;
}

double median(QVector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

struct QueuedMemory
{
    double bytesPerRun = 0;
    qint64 residentBytes = 0;
};

/// Memory grown per queued run: the scheduler paused, every run submitted, none started.
QueuedMemory queuedMemory(const Config &cfg)
{
    auto opened = openBenchScheduler(cfg, QString());
    if (!opened) {
        std::fprintf(stderr, "yardbench: %s\n", qPrintable(opened.error().toString()));
        std::exit(1);
    }
    std::unique_ptr<Scheduler> scheduler = std::move(opened).value();
    auto ids = std::make_shared<QVector<SessionId>>(createSessions(*scheduler, cfg));
    onEngine(*scheduler, [](Engine &e) {
        e.pause(u"measuring queued memory"_s, u"yardbench"_s);
        return 0;
    });
    const qint64 before = residentBytes();
    submitAll(*scheduler, cfg, ids);
    const int queued = onEngine(*scheduler, [](Engine &e) { return e.queuedCount(); });
    const qint64 after = residentBytes();
    if (queued != cfg.runs)
        std::fprintf(stderr, "yardbench: %d of %lld runs queued\n", queued, qlonglong(cfg.runs));
    QueuedMemory m;
    m.bytesPerRun = double(after - before) / double(cfg.runs);
    m.residentBytes = after;
    scheduler->shutdown(0);
    return m;
}

/// queuedMemory() in a process of its own, so nothing an earlier measurement left in the heap
/// hides what queued runs cost.
QueuedMemory queuedMemoryInChild(const Config &cfg)
{
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationFilePath(),
                {u"queued-memory"_s, u"--runs"_s, QString::number(cfg.runs), u"--sessions"_s,
                 QString::number(cfg.sessions), u"--lanes"_s, cfg.lanes.join(u',')});
    QueuedMemory m;
    if (!child.waitForFinished(600'000) || child.exitCode() != 0) {
        std::fprintf(stderr, "yardbench: the queued-memory measurement failed\n");
        return m;
    }
    for (const QByteArray &line : child.readAllStandardOutput().split('\n')) {
        if (line.startsWith("bytes_per_queued_run="))
            m.bytesPerRun = line.mid(21).toDouble();
        else if (line.startsWith("rss_queued_bytes="))
            m.residentBytes = line.mid(17).toLongLong();
    }
    return m;
}

int queuedMemoryOnly(const Config &cfg)
{
    const QueuedMemory m = queuedMemory(cfg);
    std::printf("bytes_per_queued_run=%.1f\nrss_queued_bytes=%lld\n", m.bytesPerRun,
                qlonglong(m.residentBytes));
    return 0;
}

int dispatch(const Config &cfg)
{
    std::printf("yardbench dispatch: %lld empty runs over %d sessions in lanes %s (%d cores)\n",
                qlonglong(cfg.runs), cfg.sessions, qPrintable(cfg.lanes.join(QLatin1Char(','))),
                QThread::idealThreadCount());
    QVector<double> bares, ourRates, ratios, engineNs, turns, bytes, rss;
    bool allCompleted = true;
    for (int i = 0; i < cfg.repeat; ++i) {
        const double bare = bareThreadPoolRate(cfg.runs);
        const SchedulerRun ours = schedulerRate(cfg, QString(), nullptr);
        const QueuedMemory memory = queuedMemoryInChild(cfg);
        std::printf("run %d: bare_qthreadpool runs/s=%.0f  yardmaster runs/s=%.0f (%.2f s)  "
                    "engine ns/run=%.0f  longest turn=%.2f ms  bytes/queued run=%.0f  rss=%.0f MB\n",
                    i + 1, bare, ours.rate, ours.seconds, double(ours.engineCpuNs) / double(cfg.runs),
                    double(ours.longestTurnNs) / 1e6, memory.bytesPerRun,
                    double(memory.residentBytes) / 1048576.0);
        std::fflush(stdout);
        allCompleted &= ours.completed == cfg.runs;
        bares << bare;
        ourRates << ours.rate;
        ratios << ours.rate / bare;
        engineNs << double(ours.engineCpuNs) / double(cfg.runs);
        turns << double(ours.longestTurnNs) / 1e6;
        bytes << memory.bytesPerRun;
        rss << double(memory.residentBytes) / 1048576.0;
    }
    std::printf("median of %d:\n", cfg.repeat);
    std::printf("bare_runs_per_s=%.0f\nruns_per_s=%.0f\n", median(bares), median(ourRates));
    std::printf("engine_ns_per_run=%.0f\n", median(engineNs));
    std::printf("ratio=%.3f\n", median(ratios));
    std::printf("bytes_per_queued_run=%.0f\n", median(bytes));
    std::printf("rss_queued_mb=%.0f\n", median(rss));
    std::printf("max_turn_ms=%.2f\n", median(turns));
    return allCompleted ? 0 : 1;
}

int durable(const Config &cfg)
{
    std::printf("yardbench durable: %lld empty runs over %d sessions, SQLite store on\n",
                qlonglong(cfg.runs), cfg.sessions);
    QVector<double> memoryRates, diskRates, writerNs;
    bool allCompleted = true;
    for (int i = 0; i < cfg.repeat; ++i) {
        const SchedulerRun memory = schedulerRate(cfg, QString(), nullptr);
        QTemporaryDir dir;
        QString detail;
        const SchedulerRun disk = schedulerRate(cfg, dir.filePath(u"bench.db"_s), &detail);
        std::printf("run %d: in_memory runs/s=%.0f  durable runs/s=%.0f (%.2f s incl. final commit; %s)\n",
                    i + 1, memory.rate, disk.rate, disk.seconds, qPrintable(detail));
        std::fflush(stdout);
        allCompleted &= disk.completed == cfg.runs;
        memoryRates << memory.rate;
        diskRates << disk.rate;
    }
    std::printf("median of %d:\n", cfg.repeat);
    std::printf("in_memory_runs_per_s=%.0f\n", median(memoryRates));
    std::printf("runs_per_s=%.0f\n", median(diskRates));
    std::printf("ratio=%.3f\n", median(diskRates) / median(memoryRates));
    return allCompleted ? 0 : 1;
}

} // namespace


/// One mechanical cycle (SPEC D4) over many sessions and waiting tasks (issue 11): 10,000 idle
/// sessions with one of 100 capabilities each, tasks needing one of 200 (half of them no session
/// can take). Cooldown 0, so every cycle does the whole selection. Median of 5 cycles each.
struct CycleFigures
{
    double wallMs = 0;
    double cpuMs = 0; ///< the engine thread's CPU time: what machine noise moves least
};

CycleFigures cycleMs(int sessions, qint64 tasks, int cycles = 5)
{
    VirtualClock clock;
    clock.advanceTo(1000000);
    MemoryStore store;
    InlineExecutor executor;
    HandlerRegistry handlers;
    handlers.addBuiltins();
    EngineOptions options;
    options.cycle.intervalMs = 0;
    options.cycle.wakeCooldownMs = 0;
    Engine engine(&clock, &store, &executor, &handlers, options);
    if (Error e = engine.start(); e.isError()) {
        std::fprintf(stderr, "yardbench: %s\n", qPrintable(e.toString()));
        std::exit(1);
    }
    for (int i = 0; i < sessions; ++i) {
        SessionSpec spec;
        spec.key = u"agent-%1"_s.arg(i);
        spec.agent = u"agent"_s;
        spec.capabilities = {u"cap-%1"_s.arg(i % 100)};
        engine.createSession(spec);
    }
    const Priority priorities[] = {Priority::Low, Priority::Normal, Priority::High};
    for (qint64 j = 0; j < tasks; ++j) {
        TaskSubmission sub;
        sub.handler = u"noop"_s;
        sub.needs.capabilities = {u"cap-%1"_s.arg(j % 200)};
        sub.priority = priorities[j % 3];
        engine.submitTask(sub);
    }
    if (engine.waitingTasks() != tasks)
        std::fprintf(stderr, "yardbench: %d of %lld tasks waiting\n", engine.waitingTasks(), qlonglong(tasks));
    QVector<double> ms, cpu;
    for (int k = 0; k < cycles; ++k) {
        clock.advance(cycles > 10 ? 10 : 1000); // a profile's many cycles stay under the starvation age
        QElapsedTimer t;
        t.start();
        const qint64 cpu0 = threadCpuNs();
        Expected<CycleResult> r = engine.runCycleNow();
        cpu << double(threadCpuNs() - cpu0) / 1e6;
        ms << double(t.nsecsElapsed()) / 1e6;
        if (!r || r->wakeAttempts == 0)
            std::fprintf(stderr, "yardbench: the cycle woke no one\n");
    }
    engine.shutdown(0, [] {});
    return {median(ms), median(cpu)};
}

int cycleBench(int profileCycles)
{
    if (profileCycles > 0) {
        // For a profiler: many cycles over the 100k set, nothing else printed.
        const CycleFigures f = cycleMs(10'000, 100'000, profileCycles);
        std::printf("cycle_ms_100k=%.3f cycle_cpu_ms_100k=%.3f (median of %d)\n", f.wallMs, f.cpuMs, profileCycles);
        return 0;
    }
    std::printf("yardbench cycle: one RunOnce, 10000 idle sessions, waiting tasks indexed by requirement set; median of 5\n");
    const CycleFigures small = cycleMs(10'000, 100'000);
    const CycleFigures big = cycleMs(10'000, 1'000'000);
    std::printf("cycle_ms_100k=%.3f\ncycle_ms_1m=%.3f\ncycle_cpu_ms_100k=%.3f\ncycle_cpu_ms_1m=%.3f\n"
                "growth=%.2f  (1m / 100k CPU; 10.0 would be linear)\n",
                small.wallMs, big.wallMs, small.cpuMs, big.cpuMs, big.cpuMs / small.cpuMs);
    return 0;
}

int main(int argc, char **argv)
{
#ifdef YARD_WITH_UI
    if (argc > 1 && std::strcmp(argv[1], "ui-flood") == 0)
        return runUiFlood(argc, argv);
#endif
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"yardbench"_s);
    qputenv("QT_LOGGING_RULES", "yard.*.info=false");
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Yardmaster performance harness"_s);
    parser.addHelpOption();
    parser.addPositionalArgument(u"benchmark"_s, u"dispatch | durable | engine | cycle | preempt | api | cluster | runs-view | ui-flood"_s);
    parser.addOption({u"runs"_s, u"Number of runs (default 1000000)."_s, u"n"_s});
    parser.addOption({u"sessions"_s, u"Number of sessions (default 10000)."_s, u"n"_s});
    parser.addOption({u"repeat"_s, u"Alternate baseline and measurement n times; print medians."_s,
                      u"n"_s});
    parser.addOption({u"lanes"_s,
                      u"Comma-separated lanes the sessions are spread over (default "
                      "main,subagent,team,cron: 210 slots)."_s,
                      u"list"_s});
    parser.addOption({u"seconds"_s, u"api: how long the clients submit (default 10)."_s, u"n"_s});
    parser.addOption({u"window"_s, u"api: submits each client keeps in flight (default 4)."_s, u"n"_s});
    parser.addOption({u"cycles"_s, u"cycle: run this many cycles over 100k tasks only (for a profiler)."_s, u"n"_s});
    parser.addOption({u"nodes"_s, u"cluster: this many nodes only (default: 1, 2 and 3)."_s, u"n"_s});
    parser.addOption({u"db"_s, u"cluster: a postgresql:// URL to use instead of a throwaway server."_s, u"url"_s});
    parser.addOption({u"backlog"_s,
                      u"engine: submit every run before the first one runs (the dispatch backlog)."_s});
    parser.process(app);
    Config cfg;
    // A number flag that is not a positive number is an error, never a silent default.
    auto number = [&parser](const QString &name, qint64 fallback) {
        if (!parser.isSet(name))
            return fallback;
        bool ok = false;
        const qint64 n = parser.value(name).toLongLong(&ok);
        if (!ok || n <= 0) {
            std::fprintf(stderr, "yardbench: --%s must be a positive whole number, not \"%s\"\n",
                         qPrintable(name), qPrintable(parser.value(name)));
            std::exit(2);
        }
        return n;
    };
    cfg.runs = number(u"runs"_s, cfg.runs);
    cfg.sessions = int(qMin<qint64>(number(u"sessions"_s, cfg.sessions), 10'000'000));
    cfg.repeat = int(qMin<qint64>(number(u"repeat"_s, cfg.repeat), 1000));
    cfg.backlog = parser.isSet(u"backlog"_s);
    if (parser.isSet(u"lanes"_s))
        cfg.lanes = parser.value(u"lanes"_s).split(u',', Qt::SkipEmptyParts);
    if (cfg.lanes.isEmpty())
        cfg.lanes = QStringList{u"main"_s};
    if (cfg.runs <= 0 || cfg.sessions <= 0 || cfg.runs % cfg.sessions != 0) {
        std::fprintf(stderr, "yardbench: --runs must be a positive multiple of --sessions\n");
        return 2;
    }
    const QStringList args = parser.positionalArguments();
    const QString what = args.value(0);
    if (what == u"dispatch")
        return dispatch(cfg);
    if (what == u"durable")
        return durable(cfg);
    if (what == u"engine")
        return engineOnly(cfg);
    if (what == u"runs-view")
        return runsView(cfg);
    if (what == u"preempt")
        return preemptBench(cfg.repeat);
    if (what == u"api")
        return apiBench(cfg.repeat, double(number(u"seconds"_s, 10)), int(qMin<qint64>(number(u"window"_s, 4), 4096)));
    if (what == u"cycle")
        return cycleBench(int(number(u"cycles"_s, 0)));
    if (what == u"cluster") {
        ClusterBenchOptions o;
        if (parser.isSet(u"nodes"_s))
            o.nodes = {int(qMin<qint64>(number(u"nodes"_s, 1), 16))};
        o.runs = parser.isSet(u"runs"_s) ? cfg.runs : o.runs;
        o.sessions = parser.isSet(u"sessions"_s) ? cfg.sessions : o.sessions;
        o.repeat = cfg.repeat;
        o.url = parser.value(u"db"_s);
        Config sqlite = cfg;
        sqlite.runs = o.runs;
        sqlite.sessions = o.sessions;
        // The embedded engine on SQLite, same runs and sessions, in the same run.
        return clusterBench(o, [sqlite] {
            QTemporaryDir dir;
            return schedulerRate(sqlite, dir.filePath(u"bench.db"_s), nullptr).rate;
        });
    }
    if (what == u"queued-memory")
        return queuedMemoryOnly(cfg);
    std::fprintf(stderr, "yardbench: unknown benchmark \"%s\"; use dispatch, durable, engine, cycle, preempt, api, cluster, runs-view or ui-flood\n",
                 qPrintable(what));
    return 2;
}
