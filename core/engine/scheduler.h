// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine.h"

#include "exec/poolconfig.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

namespace Yard {

class HandlerRegistry;

struct SchedulerOptions
{
    /// SQLite database file; empty keeps everything in memory (nothing survives a restart).
    QString databasePath;
    EngineOptions engine;
    /// Worker threads of the background pool; <= 0 lets it size itself (see PoolExecutor).
    /// Shorthand for engine.workers.background (SPEC P5), which wins when set.
    int workerThreads = 0;
    /// One resource per worker thread and pool, handed to handlers (SPEC P5).
    ResourceFactory resources;
    /// How often views get an EngineSnapshot (SPEC E3: at most every 50 ms).
    int snapshotIntervalMs = 100;
    /// Events are delivered in batches at most this often (SPEC E3: <= 20 Hz).
    int eventIntervalMs = 50;
    /// Extra handlers to register before the engine starts (built-ins are always there).
    std::function<void(HandlerRegistry &)> registerHandlers;
};

/// The embedded scheduler as a service: owns the engine thread, the worker pool, the store and
/// the clock. Any thread may post work to the engine; results come back as queued signals.
///
/// This is the object programs embed (SPEC I5), the GUI drives and the headless daemon runs.
class Scheduler final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Scheduler)

public:
    /// Opens (and validates) the store, starts the engine thread and waits until durable state
    /// is loaded. Call at startup, before any window is shown.
    static Expected<std::unique_ptr<Scheduler>> open(SchedulerOptions options);
    /// Shuts down gracefully (5 s deadline) if shutdown() was not called.
    ~Scheduler() override;

    /// Runs `fn` on the engine thread. Never blocks the caller.
    void post(std::function<void(Engine &)> fn);
    /// Runs `fn` on the engine thread, then `reply(result)` on `context`'s thread.
    template<typename Fn, typename Reply>
    void call(QObject *context, Fn fn, Reply reply)
    {
        post([context = QPointer<QObject>(context), fn = std::move(fn),
              reply = std::move(reply)](Engine &engine) mutable {
            auto result = fn(engine);
            if (context)
                QMetaObject::invokeMethod(
                    context.data(),
                    [result = std::move(result), reply = std::move(reply)]() mutable { reply(result); },
                    Qt::QueuedConnection);
        });
    }

    /// Graceful shutdown (SPEC Q12): in-flight runs get `deadlineMs` to finish, queued work stays
    /// durable. Blocks until the engine thread is gone. Idempotent. Returns an error if accepted
    /// work could not be written (the store's writes still failed).
    Error shutdown(int deadlineMs = 5000);
    bool isRunning() const;

    /// Where the data lives ("in memory" or the database path).
    QString storeLocation() const;
    HandlerRegistry &handlers();
    /// Asks for an EngineSnapshot listing every session (views call this once at start).
    void requestFullSnapshot();
    /// Starts (or stops) the synthetic demo workload (SPEC U14) on the engine thread.
    void setDemoRunning(bool running);

Q_SIGNALS:
    /// Coalesced event batches (SPEC E3), emitted on the engine thread at most every
    /// eventIntervalMs; receivers on other threads get them queued. The engine only builds
    /// events while something is connected here.
    void eventsReady(const Yard::EventBatch &events);
    /// Periodic state for views, only when something changed.
    void snapshotReady(const Yard::EngineSnapshot &snapshot);

protected:
    void connectNotify(const QMetaMethod &signal) override;
    void disconnectNotify(const QMetaMethod &signal) override;

private:
    Scheduler();
    void updateEventForwarding();
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace Yard
