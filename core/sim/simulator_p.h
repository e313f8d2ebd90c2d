// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The simulator's private state, shared by simulator.cpp (running a scenario) and
// simulatortrace.cpp (writing its events as trace lines).

#include "simulator.h"

#include "engine/clock.h"
#include "engine/engine.h"
#include "exec/executor.h"
#include "exec/handlerregistry.h"
#include "store/sqlitestore.h"

#include <QJsonDocument>
#include <QTemporaryDir>

#include <limits>

namespace Yard::Sim {

constexpr qint64 kNever = std::numeric_limits<qint64>::max();
inline const QString kActor = QStringLiteral("scenario");

class Simulator::Private
{
public:
    explicit Private(Scenario s)
        : scenario(std::move(s))
    {}

    Scenario scenario;
    Sink out;
    QStringList *notes = nullptr;
    Summary summary;
    QTemporaryDir dir;

    // One incarnation of the scheduler (a crash ends it).
    std::unique_ptr<VirtualClock> clock;
    std::unique_ptr<Store> store;
    HandlerRegistry handlers;
    InlineExecutor executor;
    std::unique_ptr<Engine> engine;

    // What the scenario names, kept across crashes (the simulator's memory, not the engine's).
    QHash<RunId, QString> runRefs;
    QHash<QString, RunId> runIds;
    QHash<QString, qint64> jobIds;
    QHash<qint64, QString> jobRefs;
    QHash<qint64, int> jobFires;
    QHash<SessionId, QString> sessionKeys;
    QHash<RunId, int> attempts; ///< the attempt each run last started
    QSet<RunId> queuedRuns;
    QHash<QString, qint64> tokens;
    QHash<QString, qint64> contextWindows; ///< by session key
    bool deferring = false;
    QString currentRef; ///< the action whose events are being written
    QVector<EventBatch> deferred;
    quint64 refusedBefore = 0; ///< preemptions refused by incarnations that crashed

    TimeMs origin() const { return scenario.startMs; }
    qint64 elapsed() const { return clock->now() - origin(); }

    void note(const QString &text)
    {
        if (notes)
            notes->append(QStringLiteral("at %1 ms: %2").arg(elapsed()).arg(text));
    }

    Error boot(TimeMs at)
    {
        clock = std::make_unique<VirtualClock>(at);
        Expected<std::unique_ptr<SqliteStore>> opened = SqliteStore::open(dir.filePath(QStringLiteral("simulation.db")));
        if (!opened)
            return opened.error();
        store = std::move(opened).value();
        engine = std::make_unique<Engine>(clock.get(), store.get(), &executor, &handlers, scenario.engine);
        QObject::connect(engine.get(), &Engine::eventsReady, engine.get(), [this](const EventBatch &batch) {
            if (deferring)
                deferred.append(batch);
            else
                write(batch);
        });
        engine->setTokenEstimator([this](const Session &s) {
            TokenEstimate e;
            e.tokens = tokens.value(s.key, s.transcriptChars / 4);
            e.contextWindow = contextWindows.value(s.key, 0);
            if (e.contextWindow <= 0)
                e.contextWindow = scenario.engine.contextWindows.value(s.agent, scenario.engine.defaultContextWindow);
            return e;
        });
        const Error started = engine->start();
        settle();
        return started;
    }

    void crash(qint64 downMs)
    {
        // As kill -9 at a turn boundary: what the engine handed the store is committed (the
        // simulation's store commits every turn); nothing in memory survives.
        store->flush();
        refusedBefore += engine->counters().preemptionsRefused;
        const TimeMs resumeAt = clock->now() + downMs;
        engine.reset();
        store.reset();
        clock.reset();
        if (const Error e = boot(resumeAt); e.isError())
            note(QStringLiteral("restart failed: %1").arg(e.toString()));
    }

    /// Handles worker reports and timers due now, until nothing is left at this instant.
    void settle()
    {
        for (int guard = 0; guard < 1'000'000; ++guard) {
            const TimeMs due = clock->nextDue();
            const bool timersDue = due >= 0 && due <= clock->now();
            if (!engine->hasPendingReports() && !timersDue)
                return;
            engine->processInbox();
            if (timersDue)
                clock->fireReady();
        }
        note(QStringLiteral("the engine was still busy after a million rounds at one instant"));
    }

    /// Moves time to `target` (absolute), instant by instant, settling at each.
    void advanceTo(TimeMs target)
    {
        for (;;) {
            const TimeMs due = clock->nextDue();
            if (due < 0 || due > target)
                break;
            clock->advanceTo(due);
            settle();
        }
        clock->advanceTo(target);
        settle();
    }

    bool idle() const
    {
        if (engine->liveRunCount() > 0)
            return false;
        for (const Job &j : engine->jobs()) {
            if (j.spec.enabled && j.nextFireAt > 0)
                return false;
        }
        return true;
    }

    SessionId sessionId(const QString &key)
    {
        const Session *s = engine->sessions().findByKey(key);
        return s ? s->id : 0;
    }

    /// Calls into the engine with its events held back until `bind` named what it created.
    template<typename Call, typename Bind>
    void act(const Action &a, Call call, Bind bind)
    {
        deferring = true;
        auto result = call();
        deferring = false;
        bind(result);
        // A refusal has no run to name: its line carries the ref of the action refused.
        currentRef = a.ref;
        for (const EventBatch &b : std::exchange(deferred, {}))
            write(b);
        currentRef.clear();
        settle();
    }

    /// The run an action queued (the first run.queued among its events), for one refused
    /// afterwards (a stale message) whose receipt is an error.
    RunId queuedByLastCall() const
    {
        for (const EventBatch &b : deferred) {
            for (const Event &e : b) {
                if (e.type == EventType::RunQueued)
                    return e.run;
            }
        }
        return 0;
    }

    void apply(const Action &a);
    void write(const EventBatch &batch);
    QByteArray line(const Event &e);
    void createSessions();
};

} // namespace Yard::Sim
