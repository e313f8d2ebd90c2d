// SPDX-License-Identifier: GPL-3.0-or-later
#include "executor.h"

#include "runticket.h"

#include <QThread>
#include <QThreadPool>

#include <atomic>

namespace Yard {

namespace {
thread_local void *t_resource = nullptr;
thread_local bool t_resourceMade = false;
} // namespace

class PoolExecutor::Private
{
public:
    QThreadPool pool;
    ResourceFactory factory;
    std::atomic<int> nextWorker{0};
};

PoolExecutor::PoolExecutor(int maxThreads, ResourceFactory factory)
    : d(new Private)
{
    d->factory = std::move(factory);
    d->pool.setObjectName(QStringLiteral("yard-workers"));
    setMaxThreads(maxThreads);
}

PoolExecutor::~PoolExecutor()
{
    d->pool.waitForDone();
    delete d;
}

void PoolExecutor::setMaxThreads(int n)
{
    if (n <= 0)
        n = qMax(QThread::idealThreadCount(), 64);
    d->pool.setMaxThreadCount(n);
}

int PoolExecutor::maxThreads() const
{
    return d->pool.maxThreadCount();
}

int PoolExecutor::activeThreads() const
{
    return d->pool.activeThreadCount();
}

void PoolExecutor::dispatch(RunTicket *ticket)
{
    if (d->factory) {
        // Resources are made lazily on the worker the first time it runs a ticket.
        ticket->resource = nullptr;
        d->pool.start([this, ticket] {
            if (!t_resourceMade) {
                t_resourceMade = true;
                t_resource = d->factory(d->nextWorker.fetch_add(1));
            }
            ticket->resource = t_resource;
            ticket->run();
        });
        return;
    }
    d->pool.start(ticket);
}

bool PoolExecutor::waitForDone(int msecs)
{
    return d->pool.waitForDone(msecs);
}

void InlineExecutor::dispatch(RunTicket *ticket)
{
    ticket->run();
}

} // namespace Yard
