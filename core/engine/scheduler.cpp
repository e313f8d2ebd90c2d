// SPDX-License-Identifier: GPL-3.0-or-later
#include "scheduler.h"

#include "eventcoalescer.h"

#include "demo/demoworkload.h"
#include "exec/agenthandler.h"
#include "exec/handlerregistry.h"
#include "exec/workerpools.h"
#include "logging.h"
#include "store/memorystore.h"
#include "store/sqlitestore.h"

#include <QMetaMethod>
#include <QSemaphore>
#include <QThread>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace Yard {

class Scheduler::Private
{
public:
    SchedulerOptions options;
    std::unique_ptr<Store> store; ///< owned here, destroyed on the engine thread
    HandlerRegistry handlers;
    QThread thread;
    QObject *anchor = nullptr; ///< lives on the engine thread; target of posts
    // Engine-thread objects:
    Clock *clock = nullptr;
    WorkerPools *executor = nullptr;
    Engine *engine = nullptr;
    QTimer *snapshotTimer = nullptr;
    std::unique_ptr<DemoWorkload> demo;
    std::atomic<int> eventListeners{0};
    std::atomic<int> snapshotListeners{0};
    std::unique_ptr<EventCoalescer> coalescer; ///< engine thread; attached while someone listens
    bool forwarding = false;
    QString location;
    std::atomic<bool> running{false};
    Error shutdownResult; ///< what the engine's shutdown reported
    bool pendingFull = false;
};

Scheduler::Scheduler()
    : d(std::make_unique<Private>())
{
    qRegisterMetaType<Yard::EventBatch>();
    qRegisterMetaType<Yard::EngineSnapshot>();
}

Expected<std::unique_ptr<Scheduler>> Scheduler::open(SchedulerOptions options)
{
    std::unique_ptr<Scheduler> s(new Scheduler);
    Private *d = s->d.get();
    d->options = std::move(options);
    if (d->options.databasePath.isEmpty()) {
        d->store = std::make_unique<MemoryStore>();
    } else {
        Expected<std::unique_ptr<SqliteStore>> store = SqliteStore::open(d->options.databasePath);
        if (!store)
            return store.error();
        d->store = std::move(store).value();
    }
    d->location = d->store->location();
    d->handlers.addBuiltins();
    // The agent handler (SPEC H3) runs the config file's agent commands.
    d->handlers.add(u"agent"_s, std::make_shared<AgentHandler>(d->options.engine.agents));
    if (d->options.registerHandlers)
        d->options.registerHandlers(d->handlers);

    d->thread.setObjectName(u"yard-engine"_s);
    d->thread.start();
    d->anchor = new QObject;
    d->anchor->moveToThread(&d->thread);

    QSemaphore ready;
    Error startError;
    Scheduler *self = s.get();
    QMetaObject::invokeMethod(d->anchor, [d, self, &ready, &startError] {
        d->clock = new SystemClock;
        if (d->options.engine.workers.background <= 0 && d->options.workerThreads > 0)
            d->options.engine.workers.background = d->options.workerThreads;
        d->executor = new WorkerPools(d->options.engine.workers, d->options.resources);
        d->engine = new Engine(d->clock, d->store.get(), d->executor, &d->handlers, d->options.engine);
        self->updateEventForwarding();
        startError = d->engine->start();
        if (!startError.isError()) {
            d->snapshotTimer = new QTimer;
            d->snapshotTimer->setInterval(qMax(50, d->options.snapshotIntervalMs));
            QObject::connect(d->snapshotTimer, &QTimer::timeout, d->anchor, [d, self] {
                if (d->snapshotListeners.load() == 0)
                    return; // nobody watches: do not walk the sessions
                const bool full = std::exchange(d->pendingFull, false);
                EngineSnapshot snap = d->engine->snapshot(full);
                Q_EMIT self->snapshotReady(snap);
            });
            d->snapshotTimer->start();
            d->running = true;
        }
        ready.release();
    });
    ready.acquire();
    if (startError.isError()) {
        s->shutdown(0);
        return startError;
    }
    return s;
}

Scheduler::~Scheduler()
{
    shutdown(5000);
}

bool Scheduler::isRunning() const
{
    return d->running;
}

void Scheduler::post(std::function<void(Engine &)> fn)
{
    if (!d->anchor)
        return;
    Private *p = d.get();
    QMetaObject::invokeMethod(
        d->anchor,
        [p, fn = std::move(fn)] {
            if (p->engine)
                fn(*p->engine);
        },
        Qt::QueuedConnection);
}

void Scheduler::requestFullSnapshot()
{
    Private *p = d.get();
    if (p->anchor)
        QMetaObject::invokeMethod(p->anchor, [p] { p->pendingFull = true; }, Qt::QueuedConnection);
}

void Scheduler::connectNotify(const QMetaMethod &signal)
{
    if (signal == QMetaMethod::fromSignal(&Scheduler::snapshotReady))
        ++d->snapshotListeners;
    if (signal == QMetaMethod::fromSignal(&Scheduler::eventsReady) && d->eventListeners++ == 0)
        updateEventForwarding();
}

void Scheduler::disconnectNotify(const QMetaMethod &signal)
{
    if ((!signal.isValid() || signal == QMetaMethod::fromSignal(&Scheduler::snapshotReady))
        && d->snapshotListeners > 0)
        --d->snapshotListeners;
    // An invalid method means "everything was disconnected".
    if ((!signal.isValid() || signal == QMetaMethod::fromSignal(&Scheduler::eventsReady))
        && d->eventListeners > 0 && --d->eventListeners == 0)
        updateEventForwarding();
}

void Scheduler::updateEventForwarding()
{
    Private *p = d.get();
    if (!p->anchor)
        return;
    Scheduler *self = this;
    auto apply = [p, self] {
        if (!p->engine)
            return;
        const bool want = p->eventListeners.load() > 0;
        if (want && !p->forwarding) {
            if (!p->coalescer)
                p->coalescer = std::make_unique<EventCoalescer>(
                    p->options.eventIntervalMs,
                    [self](const EventBatch &batch) { Q_EMIT self->eventsReady(batch); });
            p->engine->setEventSink(p->coalescer.get());
            p->forwarding = true;
        } else if (!want && p->forwarding) {
            p->engine->setEventSink(nullptr);
            p->coalescer->clear();
            p->forwarding = false;
        }
    };
    if (QThread::currentThread() == &p->thread)
        apply();
    else
        QMetaObject::invokeMethod(p->anchor, apply, Qt::QueuedConnection);
}

void Scheduler::setDemoRunning(bool running)
{
    Private *p = d.get();
    post([p, running](Engine &engine) {
        if (running) {
            if (!p->demo)
                p->demo = std::make_unique<DemoWorkload>(&engine, DemoWorkload::Options{});
            p->demo->start();
        } else if (p->demo) {
            p->demo->stop();
        }
    });
}

Error Scheduler::shutdown(int deadlineMs)
{
    if (!d->anchor)
        return d->shutdownResult;
    Private *p = d.get();
    QMetaObject::invokeMethod(
        d->anchor,
        [p, deadlineMs] {
            auto teardown = [p] {
                p->demo.reset();
                delete p->snapshotTimer;
                p->snapshotTimer = nullptr;
                p->running = false;
                // Workers may still be inside handlers that ignore cancellation. Give them a
                // moment; if they do not return, leave the pool (and the tickets they use)
                // alive rather than free memory under them: the process is on its way out.
                const bool idle = !p->executor || p->executor->waitForDone(2000);
                if (!idle)
                    qCWarning(lcEngine) << "some handlers did not stop after cancellation; "
                                           "leaving them to the process exit";
                if (p->engine)
                    p->shutdownResult = p->engine->shutdownResult();
                if (idle) {
                    delete p->engine;
                    delete p->executor;
                }
                p->coalescer.reset();
                p->engine = nullptr;
                p->executor = nullptr;
                p->store.reset();
                delete p->clock;
                p->clock = nullptr;
                p->thread.quit();
            };
            if (p->demo)
                p->demo->stop();
            if (p->engine && p->engine->isStarted())
                // `done` runs inside an engine turn: tear down after it returns.
                p->engine->shutdown(deadlineMs, [p, teardown] {
                    QMetaObject::invokeMethod(p->anchor, teardown, Qt::QueuedConnection);
                });
            else
                teardown();
        },
        Qt::QueuedConnection);
    d->thread.wait();
    delete d->anchor;
    d->anchor = nullptr;
    return d->shutdownResult;
}

QString Scheduler::storeLocation() const
{
    return d->location;
}

HandlerRegistry &Scheduler::handlers()
{
    return d->handlers;
}

} // namespace Yard
