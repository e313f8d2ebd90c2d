// SPDX-License-Identifier: GPL-3.0-or-later
#include "executor.h"

#include "runticket.h"
#include "logging.h"
#include "spinwait.h"
#include "poolconfig.h"

#include <QDeadlineTimer>
#include <QScopeGuard>
#include <QMutex>
#include <QThread>
#include <QThreadPool>
#include <QWaitCondition>

#include <deque>
#include <unordered_map>

using namespace Qt::StringLiterals;

namespace Yard {

namespace {
constexpr int kIdleLingerMs = 200;   ///< an idle worker gives its thread back after this
constexpr int kStallCheckMs = 2;     ///< the monitor's look at a queue that is not moving
constexpr int kFastStallChecks = 10; ///< looks before fast handlers count as stalled (20 ms)
constexpr qint64 kSpinNs = 20'000;   ///< an out-of-work worker spins this long before sleeping
constexpr int kMaxBatch = 32;        ///< tickets of fast handlers a worker takes at once
constexpr int kReportSlice = 8;      ///< fast runs reported together
constexpr qint64 kFastNs = 50'000;   ///< handlers averaging below this count as fast

/// With a resource per worker (an SQL connection, say), an idle worker keeps its thread and
/// resource longer before it gives both up, so bursts do not pay for new ones each time.
constexpr int kIdleLingerWithResourceMs = 30'000;
} // namespace

class PoolExecutor::Private
{
public:
    void startWorkers(int n); // mutex held
    void serve();
    void monitor();

    QThreadPool pool;
    ResourceFactory factory;
    WorkerPool kind = WorkerPool::Background;
    int maxWorkers = 64;
    bool sized = false; ///< follows the admitted capacity (no explicit size)
    int eagerWorkers = 1;
    int cores = 2;
    int nextWorkerIndex = 0;

    mutable QMutex mutex;
    QWaitCondition work;    ///< idle workers wait here
    QWaitCondition stalled; ///< the monitor waits here
    QWaitCondition done;    ///< waitForDone waits here
    std::deque<RunTicket *> ready;
    std::atomic<int> readyCount{0};
    std::atomic<bool> stopFlag{false};
    int spinning = 0;
    bool monitorAsleep = false;
    int workers = 0;
    int idle = 0;
    int wakesPending = 0;
    int busy = 0;
    quint64 taken = 0;
    bool stopping = false;
    QThread *monitorThread = nullptr;
    /// Typical duration per handler (EWMA, ns); unknown handlers are treated as slow.
    std::unordered_map<const Handler *, qint64> handlerNs;

    bool isFast(const RunTicket *t) const
    {
        auto it = handlerNs.find(t->handler);
        return it != handlerNs.end() && it->second < kFastNs;
    }
};

void PoolExecutor::Private::startWorkers(int n)
{
    for (int i = 0; i < n && workers < maxWorkers; ++i) {
        ++workers;
        pool.start([this] { serve(); });
    }
}

void PoolExecutor::Private::serve()
{
    // The worker's resource (SPEC P5): made when it starts, destroyed on this same thread when
    // it ends (it idled long enough, or the executor stops), before waitForDone() returns.
    void *resource = nullptr;
    if (factory) {
        int index;
        {
            QMutexLocker locker(&mutex);
            index = nextWorkerIndex++;
        }
        resource = factory.create(index, kind);
    }
    const auto release = qScopeGuard([&] {
        if (factory && factory.destroy)
            factory.destroy(resource, kind);
    });
    const int linger = factory ? kIdleLingerWithResourceMs : kIdleLingerMs;
    QMutexLocker locker(&mutex);
    std::vector<RunTicket *> batch;
    std::vector<qint64> durations;
    std::vector<InboxItem> reports;
    std::vector<const Handler *> handlerOf;
    for (;;) {
        if (!ready.empty()) {
            // One ticket, plus following tickets of handlers known to be fast: a short run
            // should not pay two lock hand-offs, and a slow one must never hold others hostage.
            batch.clear();
            batch.push_back(ready.front());
            ready.pop_front();
            if (isFast(batch.front())) {
                while (!ready.empty() && int(batch.size()) < kMaxBatch && isFast(ready.front())) {
                    batch.push_back(ready.front());
                    ready.pop_front();
                }
            }
            readyCount.store(int(ready.size()), std::memory_order_relaxed);
            handlerOf.clear();
            for (const RunTicket *t : batch)
                handlerOf.push_back(t->handler);
            Inbox *inbox = batch.front()->inbox; // every ticket reports to its engine's inbox
            busy += int(batch.size());
            taken += batch.size();
            locker.unlock();
            durations.clear();
            QElapsedTimer timer;
            timer.start();
            qint64 previous = 0;
            for (RunTicket *t : batch) {
                t->resource = resource;
                t->execute();
                const qint64 now = timer.nsecsElapsed(); // one clock read per run
                durations.push_back(now - previous);
                previous = now;
                reports.push_back(t->finishedItem());
                // Slow runs are reported at once; fast ones in slices, so the engine works on
                // the first reports while this thread runs the rest.
                if (batch.size() == 1 || durations.back() >= kFastNs
                    || int(reports.size()) >= kReportSlice)
                    inbox->pushAll(reports);
            }
            inbox->pushAll(reports);
            locker.relock();
            for (size_t i = 0; i < batch.size(); ++i) {
                // The ticket may already be recycled; its handler pointer is only a map key.
                qint64 &avg = handlerNs[handlerOf[i]];
                avg = avg == 0 ? durations[i] : (avg * 7 + durations[i]) / 8;
            }
            busy -= int(batch.size());
            if (busy == 0 && ready.empty())
                done.wakeAll();
            continue;
        }
        if (stopping)
            break;
        // Spin a little before sleeping: under load the engine hands over the next batch within
        // microseconds, and catching it here saves two futex calls per batch. One spinner is
        // enough; more would only take CPU from the engine thread.
        if (spinning == 0) {
            ++spinning;
            locker.unlock();
            spinUntil([this] { return readyCount.load(std::memory_order_acquire) > 0 || stopFlag.load(); },
                      kSpinNs);
            locker.relock();
            --spinning;
            if (!ready.empty())
                continue;
        }
        ++idle;
        const bool signalled = work.wait(&mutex, QDeadlineTimer(linger));
        --idle;
        if (wakesPending > 0)
            --wakesPending;
        if (!signalled && ready.empty())
            break; // lingered long enough: the thread goes back to the pool
    }
    --workers;
}

void PoolExecutor::Private::monitor()
{
    QMutexLocker locker(&mutex);
    int stalls = 0;
    while (!stopping) {
        if (ready.empty() || idle > 0) {
            stalls = 0;
            monitorAsleep = true;
            stalled.wait(&mutex, QDeadlineTimer(100));
            monitorAsleep = false;
            continue;
        }
        const quint64 before = taken;
        stalled.wait(&mutex, QDeadlineTimer(kStallCheckMs));
        if (stopping || ready.empty() || idle > 0 || spinning > 0) {
            stalls = 0;
            continue;
        }
        if (taken != before) {
            stalls = 0;
            if (workers < cores && !isFast(ready.front())) {
                // Moving, but a backlog of slow handlers persists: CPU-bound handlers can use
                // another core. Not for fast ones: then the engine thread is the limit, and it
                // needs its core.
                startWorkers(1);
            }
            continue;
        }
        // Nothing was taken. With slow handlers, the workers are blocked in them: add threads at
        // once. With fast ones, a worker the OS preempted looks the same for a while; only a
        // stall that lasts is a blocked handler, and extra threads would just fight for cores.
        if (!isFast(ready.front()) || ++stalls >= kFastStallChecks) {
            stalls = 0;
            startWorkers(int(qMin<size_t>(ready.size(), size_t(maxWorkers))));
        }
    }
}

PoolExecutor::PoolExecutor(int maxThreads)
    : PoolExecutor(maxThreads, ResourceFactory{}, WorkerPool::Background)
{}

PoolExecutor::PoolExecutor(int maxThreads, const ResourceFactory &factory, WorkerPool kind)
    : d(new Private)
{
    d->factory = factory;
    d->kind = kind;
    d->sized = maxThreads <= 0;
    d->maxWorkers = maxThreads > 0 ? maxThreads : qMax(QThread::idealThreadCount(), 64);
    // The engine thread needs a core of its own: start cores - 1 workers at once, more only
    // when the monitor sees a backlog or a stall.
    d->cores = qMax(1, QThread::idealThreadCount());
    d->eagerWorkers = qBound(1, d->cores - 1, d->maxWorkers);
    d->pool.setObjectName(kind == WorkerPool::Interactive ? QStringLiteral("yard-interactive")
                                                          : QStringLiteral("yard-workers"));
    d->pool.setMaxThreadCount(d->maxWorkers);
    d->pool.setExpiryTimeout(30'000);
    d->monitorThread = QThread::create([this] { d->monitor(); });
    d->monitorThread->setObjectName(QStringLiteral("yard-exec-monitor"));
    d->monitorThread->start();
}

PoolExecutor::~PoolExecutor()
{
    {
        QMutexLocker locker(&d->mutex);
        d->stopping = true;
        d->stopFlag = true;
        d->work.wakeAll();
        d->stalled.wakeAll();
    }
    d->monitorThread->wait();
    delete d->monitorThread;
    d->pool.waitForDone();
    delete d;
}

void PoolExecutor::dispatch(const std::vector<RunTicket *> &tickets)
{
    if (tickets.empty())
        return;
    QMutexLocker locker(&d->mutex);
    d->ready.insert(d->ready.end(), tickets.begin(), tickets.end());
    d->readyCount.store(int(d->ready.size()), std::memory_order_release);
    // Spinning workers re-check the queue under this mutex before they sleep: no wake needed.
    int remaining = qMax(0, int(tickets.size()) - d->spinning);
    const int wake = qMin(remaining, d->idle - d->wakesPending);
    for (int i = 0; i < wake; ++i) {
        ++d->wakesPending;
        d->work.wakeOne();
    }
    remaining -= qMax(0, wake);
    if (remaining > 0 && d->workers < d->eagerWorkers)
        d->startWorkers(qMin(remaining, d->eagerWorkers - d->workers));
    // The monitor only matters when workers are all taken and no more may start eagerly.
    if (remaining > 0 && d->monitorAsleep && d->workers >= d->eagerWorkers && d->busy > 0)
        d->stalled.wakeOne();
}

bool PoolExecutor::waitForDone(int msecs)
{
    QDeadlineTimer deadline = msecs < 0 ? QDeadlineTimer(QDeadlineTimer::Forever) : QDeadlineTimer(msecs);
    QMutexLocker locker(&d->mutex);
    while (!d->ready.empty() || d->busy > 0) {
        if (!d->done.wait(&d->mutex, deadline))
            return d->ready.empty() && d->busy == 0;
    }
    return true;
}

void PoolExecutor::setAdmittedCapacity(int runs)
{
    QMutexLocker locker(&d->mutex);
    if (!d->sized) {
        if (runs > d->maxWorkers)
            qCWarning(lcExec).noquote()
                << u"%1 worker threads for %2 lane slots: an admitted run may wait for a thread"_s
                       .arg(d->maxWorkers)
                       .arg(runs);
        return;
    }
    d->maxWorkers = qMax(qMax(1, QThread::idealThreadCount()), runs);
    d->pool.setMaxThreadCount(d->maxWorkers);
}

int PoolExecutor::maxThreads() const
{
    QMutexLocker locker(&d->mutex);
    return d->maxWorkers;
}

int PoolExecutor::workers() const
{
    QMutexLocker locker(&d->mutex);
    return d->workers;
}

void InlineExecutor::dispatch(const std::vector<RunTicket *> &tickets)
{
    for (RunTicket *t : tickets)
        t->run();
}

} // namespace Yard
