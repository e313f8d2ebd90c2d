// SPDX-License-Identifier: GPL-3.0-or-later
#include "preemptbench.h"

#include "engine/scheduler.h"
#include "exec/handlerregistry.h"
#include "exec/runcontext.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHash>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace Yard;
using namespace Qt::StringLiterals;

namespace {

constexpr int kLaneLimit = 30;
constexpr int kStepMs = 10;        ///< a background run waits this long between steps…
constexpr int kSteps = 20;         ///< …this many times: 200 ms of work, resumable
constexpr int kInteractivePerS = 100;
constexpr int kWarmupMs = 1000;
constexpr int kMeasureMs = 5000;

/// Background work: steps of kStepMs; between steps it checks for an interrupt and yields,
/// keeping its step count, so a preempted run loses nothing.
class Stepper final : public Handler
{
public:
    Outcome run(RunContext &c) override
    {
        const int done = c.savedState().toInt();
        if (c.checkAndConsumeInterrupt())
            return Outcome::yielded();
        if (done >= kSteps)
            return Outcome::success();
        c.saveState(QByteArray::number(done + 1));
        return Outcome::continueAfter(kStepMs);
    }
};

class Quick final : public Handler
{
public:
    Outcome run(RunContext &) override { return Outcome::success(); }
};

struct Figures
{
    double waitP50 = 0;
    double waitP99 = 0;
    double backgroundPerS = 0;
};

double percentile(QVector<double> v, double p)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[qMin(v.size() - 1, qsizetype(p * double(v.size() - 1) + 0.5))];
}

double median(QVector<double> v)
{
    return percentile(std::move(v), 0.5);
}

Figures measure(bool preemptive)
{
    SchedulerOptions options;
    options.engine.laneLimits.insert(u"main"_s, kLaneLimit);
    options.engine.cycle.intervalMs = 0;
    options.registerHandlers = [](HandlerRegistry &r) {
        r.add(u"stepper"_s, std::make_shared<Stepper>());
        r.add(u"quick"_s, std::make_shared<Quick>());
    };
    auto opened = Scheduler::open(options);
    if (!opened) {
        std::fprintf(stderr, "yardbench: %s\n", qPrintable(opened.error().toString()));
        std::exit(1);
    }
    std::unique_ptr<Scheduler> scheduler = std::move(opened).value();
    QElapsedTimer clock;
    clock.start();
    QHash<RunId, TimeMs> queuedAt; // interactive runs: when they were queued (engine time)
    QVector<double> waits;
    qint64 backgroundDone = 0;
    bool measuring = false; // engine thread only
    QObject::connect(scheduler.get(), &Scheduler::eventsReady, scheduler.get(), [&](const EventBatch &events) {
        for (const Event &e : events) {
            const bool interactive = e.priority == Priority::Interactive;
            switch (e.type) {
            case EventType::RunQueued:
                if (interactive)
                    queuedAt.insert(e.run, e.time);
                break;
            case EventType::RunStarted:
                if (interactive) {
                    const auto it = queuedAt.constFind(e.run);
                    if (it != queuedAt.cend() && measuring)
                        waits.append(double(e.time - *it));
                }
                break;
            case EventType::RunCompleted:
                if (!interactive && measuring)
                    ++backgroundDone;
                break;
            default:
                break;
            }
        }
    }, Qt::DirectConnection); // on the engine thread: no queueing delay in the figures
    // Keep the lane full of background work, and send interactive runs at 100/s.
    auto feed = [&] {
        scheduler->post([preemptive](Engine &e) {
            const int missing = kLaneLimit * 2 - e.laneStats(u"main"_s)->pending;
            e.batch([&] {
                for (int i = 0; i < missing; ++i) {
                    RunSubmission sub{0, u"stepper"_s, {}, {}, u"main"_s, Priority::Low};
                    sub.preemptible = preemptive;
                    e.submitRun(sub);
                }
                e.submitRun({0, u"quick"_s, {}, {}, u"main"_s, Priority::Interactive});
            });
        });
    };
    QTimer arrivals;
    arrivals.setTimerType(Qt::PreciseTimer);
    arrivals.setInterval(1000 / kInteractivePerS);
    QObject::connect(&arrivals, &QTimer::timeout, &arrivals, feed);
    arrivals.start();
    QEventLoop loop;
    QTimer::singleShot(kWarmupMs, &loop, [&] {
        scheduler->post([&measuring](Engine &) { measuring = true; });
    });
    QTimer::singleShot(kWarmupMs + kMeasureMs, &loop, [&] {
        scheduler->post([&measuring](Engine &) { measuring = false; });
        loop.quit();
    });
    loop.exec();
    arrivals.stop();
    scheduler->shutdown(0);
    Figures f;
    f.waitP50 = percentile(waits, 0.5);
    f.waitP99 = percentile(waits, 0.99);
    f.backgroundPerS = double(backgroundDone) * 1000.0 / kMeasureMs;
    return f;
}

} // namespace

int preemptBench(int repeat)
{
    std::printf("yardbench preempt: lane of %d full of low-priority stepping runs (%d x %d ms), "
                "interactive runs at %d/s; %d s measured after %d s, median of %d pairs\n",
                kLaneLimit, kSteps, kStepMs, kInteractivePerS, kMeasureMs / 1000, kWarmupMs / 1000, repeat);
    QVector<double> p50, p99, ratio, p99Without;
    for (int i = 0; i < repeat; ++i) {
        const Figures without = measure(false);
        const Figures with = measure(true);
        p50 << with.waitP50;
        p99 << with.waitP99;
        p99Without << without.waitP99;
        ratio << (without.backgroundPerS > 0 ? with.backgroundPerS / without.backgroundPerS : 0);
        std::fprintf(stderr, "  pair %d: with p50 %.1f p99 %.1f ms, %.1f bg/s; without p99 %.1f ms, %.1f bg/s\n",
                     i + 1, with.waitP50, with.waitP99, with.backgroundPerS, without.waitP99, without.backgroundPerS);
    }
    std::printf("interactive_wait_p50_ms=%.1f\ninteractive_wait_p99_ms=%.1f\nbackground_throughput_ratio=%.3f\n"
                "interactive_wait_p99_ms_without_preemption=%.1f\n",
                median(p50), median(p99), median(ratio), median(p99Without));
    return 0;
}
