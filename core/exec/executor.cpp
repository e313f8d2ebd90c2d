// SPDX-License-Identifier: GPL-3.0-or-later
#include "executor.h"

#include "runticket.h"

#include <QDeadlineTimer>
#include <QMutex>
#include <QThread>
#include <QThreadPool>
#include <QWaitCondition>

#include <deque>

namespace Yard {

namespace {
constexpr int kIdleLingerMs = 200;   ///< an idle drainer gives its thread back after this
constexpr int kStallCheckMs = 2;     ///< the monitor's look at a queue that is not moving

thread_local void *t_resource = nullptr;
thread_local bool t_resourceMade = false;
} // namespace

class PoolExecutor::Private
{
public:
    void startDrainers(int n); // mutex held
    void drain();
    void monitor();

    QThreadPool pool;
    ResourceFactory factory;
    int maxDrainers = 64;
    int eagerDrainers = 2;
    int nextWorkerIndex = 0;

    mutable QMutex mutex;
    QWaitCondition work;    ///< idle drainers wait here
    QWaitCondition stalled; ///< the monitor waits here
    QWaitCondition done;    ///< waitForDone waits here
    std::deque<RunTicket *> ready;
    std::atomic<int> readyCount{0};
    int spinning = 0;
    int drainers = 0;
    int idle = 0;
    int wakesPending = 0;
    int busy = 0;
    quint64 taken = 0;
    bool stopping = false;
    QThread *monitorThread = nullptr;
};

void PoolExecutor::Private::startDrainers(int n)
{
    for (int i = 0; i < n && drainers < maxDrainers; ++i) {
        ++drainers;
        pool.start([this] { drain(); });
    }
}

void PoolExecutor::Private::drain()
{
    if (factory && !t_resourceMade) {
        t_resourceMade = true;
        int index;
        {
            QMutexLocker locker(&mutex);
            index = nextWorkerIndex++;
        }
        t_resource = factory(index);
    }
    QMutexLocker locker(&mutex);
    for (;;) {
        if (!ready.empty()) {
            RunTicket *t = ready.front();
            ready.pop_front();
            readyCount.store(int(ready.size()), std::memory_order_relaxed);
            ++busy;
            ++taken;
            locker.unlock();
            t->resource = t_resource;
            t->run();
            locker.relock();
            if (--busy == 0 && ready.empty())
                done.wakeAll();
            continue;
        }
        if (stopping)
            break;
        // Spin a little (yielding) before sleeping: under load the engine hands over the next
        // batch within microseconds, and catching it here saves two futex calls per batch.
        ++spinning;
        locker.unlock();
        for (int i = 0; i < 64 && readyCount.load(std::memory_order_acquire) == 0; ++i)
            QThread::yieldCurrentThread();
        locker.relock();
        --spinning;
        if (!ready.empty())
            continue;
        ++idle;
        const bool signalled = work.wait(&mutex, QDeadlineTimer(kIdleLingerMs));
        --idle;
        if (wakesPending > 0)
            --wakesPending;
        if (!signalled && ready.empty())
            break;
    }
    --drainers;
}

void PoolExecutor::Private::monitor()
{
    QMutexLocker locker(&mutex);
    while (!stopping) {
        if (ready.empty() || idle > 0) {
            stalled.wait(&mutex, QDeadlineTimer(100));
            continue;
        }
        const quint64 before = taken;
        stalled.wait(&mutex, QDeadlineTimer(kStallCheckMs));
        if (!stopping && !ready.empty() && taken == before && idle == 0) {
            // Every drainer is inside a handler that does not return quickly: add threads.
            startDrainers(int(qMin<size_t>(ready.size(), size_t(maxDrainers))));
        }
    }
}

PoolExecutor::PoolExecutor(int maxThreads, ResourceFactory factory)
    : d(new Private)
{
    d->factory = std::move(factory);
    d->maxDrainers = maxThreads > 0 ? maxThreads : qMax(QThread::idealThreadCount(), 64);
    d->eagerDrainers = qBound(1, QThread::idealThreadCount(), d->maxDrainers);
    d->pool.setObjectName(QStringLiteral("yard-workers"));
    d->pool.setMaxThreadCount(d->maxDrainers);
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
    // Spinning drainers re-check the queue under this mutex before they sleep: no wake needed.
    int remaining = qMax(0, int(tickets.size()) - d->spinning);
    const int wake = qMin(remaining, d->idle - d->wakesPending);
    for (int i = 0; i < wake; ++i) {
        ++d->wakesPending;
        d->work.wakeOne();
    }
    remaining -= qMax(0, wake);
    if (remaining > 0 && d->drainers < d->eagerDrainers)
        d->startDrainers(qMin(remaining, d->eagerDrainers - d->drainers));
    if (remaining > 0)
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

int PoolExecutor::maxThreads() const
{
    return d->maxDrainers;
}

int PoolExecutor::workers() const
{
    QMutexLocker locker(&d->mutex);
    return d->drainers;
}

void InlineExecutor::dispatch(const std::vector<RunTicket *> &tickets)
{
    for (RunTicket *t : tickets)
        t->run();
}

} // namespace Yard
