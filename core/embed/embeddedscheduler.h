// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/// @file
/// The scheduler for programs that embed it (SPEC I5): the public entry point of the installed
/// `Yardmaster::Core` library. See docs/embedding.md for a walk-through.

#include "exec/handler.h"
#include "exec/runcontext.h"
#include "model/errors.h"
#include "model/event.h"
#include "model/ids.h"
#include "model/priority.h"

#include <QByteArray>
#include <QHash>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace Yard {

/// How an embedded scheduler is set up. Every field has a working default.
struct EmbeddedOptions
{
    /// SQLite database file: created when missing, migrated when older, refused (with the
    /// reason) when it is not a Yardmaster database. Empty keeps everything in memory: nothing
    /// survives the process.
    QString databasePath;
    /// Threads of the background worker pool; 0 sizes it from the machine.
    int workerThreads = 0;
    /// Concurrency limit per lane (SPEC L1), e.g. {"main", 4}. Lanes not named keep theirs.
    QHash<QString, int> laneLimits;
    /// The run type of a message whose Work names none. "simulate" is built in.
    QString defaultHandler = QStringLiteral("simulate");
};

/// One piece of work for a session: a message appended to its transcript and a run that
/// handles it (SPEC S1, Q1). Runs of one session run one at a time, in order.
struct Work
{
    /// The session's key; a session is created the first time its key is used.
    QString session;
    /// The message; handlers read it as RunContext::input().
    QString text;
    /// The run type (a handler added with EmbeddedScheduler::addHandler); empty runs
    /// EmbeddedOptions::defaultHandler.
    QString handler;
    /// The lane it runs in (SPEC L1); empty: the session's lane ("main").
    QString lane;
    /// Order within the lane (SPEC P1); interactive and urgent work may preempt (SPEC P2).
    Priority priority = Priority::Normal;
    /// A JSON object for the handler (RunContext::payloadJson()); empty for none.
    QByteArray payloadJson;
};

/// How a run ended, delivered by EmbeddedScheduler::runEnded.
struct RunEnd
{
    RunId run = 0;
    SessionId session = 0;
    /// run.completed, run.failed, run.cancelled, run.dropped, run.stale or run.merged
    /// (eventTypeName() gives the name).
    EventType how = EventType::RunCompleted;
    /// Why, when it did not complete.
    ErrorCode code = ErrorCode::None;
    /// The error for a run that did not complete; the handler's result for one that did.
    QString detail;

    bool completed() const { return how == EventType::RunCompleted; }
};

/// The scheduler as one object: its own engine thread, worker pool and store. Create it on a
/// thread with a Qt event loop (the results arrive there as signals and callbacks); every
/// method may be called from that thread.
///
/// @code
/// auto opened = Yard::EmbeddedScheduler::open({.databasePath = "work.db"});
/// if (!opened) { qCritical() << opened.error().toString(); return 1; }
/// auto &yard = *opened.value();
/// yard.addHandler("greet", [](Yard::RunContext &run) {
///     return Yard::Outcome::success("hello, " + run.input());
/// });
/// QObject::connect(&yard, &Yard::EmbeddedScheduler::runEnded, [](const Yard::RunEnd &end) { … });
/// yard.submit({.session = "alice", .text = "Alice", .handler = "greet"});
/// @endcode
class EmbeddedScheduler final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EmbeddedScheduler)

public:
    /// Opens (or creates) the store, resumes the work it holds and starts the engine. Fails
    /// with an Error naming the problem: an unreadable or foreign database, a bad option.
    static Expected<std::unique_ptr<EmbeddedScheduler>> open(const EmbeddedOptions &options = {});
    /// Shuts down (5 s for running work) if shutdown() was not called.
    ~EmbeddedScheduler() override;

    /// Adds (or replaces) the handler of a run type. Safe at any time; runs of a type with no
    /// handler fail with `unknown_handler`.
    void addHandler(const QString &type, std::shared_ptr<Handler> handler);
    /// The same for a function; it runs on a worker thread, many at once for different runs.
    void addHandler(const QString &type, std::function<Outcome(RunContext &)> fn);

    /// Hands work to the scheduler. `accepted` is called on this object's thread once the run
    /// is durable (with its id), or with the reason it was refused (an empty session or text,
    /// a paused or draining scheduler that refuses, a store that cannot write).
    void submit(const Work &work, std::function<void(Expected<RunId>)> accepted = {});

    /// Stops starting runs; running ones finish. Audited with `reason`.
    void pause(const QString &reason);
    /// Starts runs again.
    void resume();

    /// Graceful shutdown: running work gets `deadlineMs` to finish, queued work stays in the
    /// store for the next start. Blocks; idempotent. An Error if accepted work could not be
    /// written.
    Error shutdown(int deadlineMs = 5000);

    /// The database path, or "in memory".
    QString storeLocation() const;

Q_SIGNALS:
    /// A run ended (once per run), on this object's thread.
    void runEnded(const Yard::RunEnd &end);
    /// Every event the core reports (SPEC E1), in batches at most every 50 ms, on this
    /// object's thread. Connecting costs the engine a little: leave it unconnected if unused.
    void eventsReady(const Yard::EventBatch &events);

private:
    EmbeddedScheduler();
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace Yard

Q_DECLARE_METATYPE(Yard::RunEnd)
