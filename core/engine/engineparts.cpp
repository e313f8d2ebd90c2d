// SPDX-License-Identifier: GPL-3.0-or-later
#include "engineparts.h"

#include "exec/executor.h"
#include "store/store.h"

namespace Yard {

EngineParts::EngineParts(QObject *inboxTarget, Clock *clock, Store *store, Executor *executor,
                         HandlerRegistry *registry, EngineOptions opts,
                         std::function<void(const EventBatch &)> emitEvents,
                         std::function<bool()> directListener)
    : store(store)
    , executor(executor)
    , options(std::move(opts))
    , time(clock)
    , timers(clock, this)
    , sessions(store, clock, options.sessionCacheCapacity)
    , handlers(registry)
    , inbox(inboxTarget)
    , events(time, lanes)
    , audit(time, store, events)
    , resolver(time, events, store, handlers, lanes, counters, stats, claims)
    , active({&time, &timers, &resolver, &runs, &lanes, &pump, &handlers, &changes, &sessions,
              executor, &inbox, &hook})
    , pump(lanes, runs, &active)
    , pause(time, events, store, lanes)
    , pools(options.workers)
    , preemption({&time, &timers, &lanes, &runs, &active, &handlers, &events, &counters, &pause, &options,
                  &pools})
    , storeHealth({inboxTarget, this, store, &pause, &events, &audit, &durability})
    , drain(timers, events, pause, [this] { return lanes.running(); })
    , queues({&time, &timers, &sessions, &resolver, &runs, &active, &pump, &changes, &events,
              &options})
    , board({&time, &runs, &resolver, &pump, &active, &sessions, &queues, &claims, &options.cycle,
             [this](RunRecord *run) { control.place(run); }})
    , intake({&time, store, &sessions, &queues, &runs, &resolver, &pump, &lanes, &handlers, &events,
              &changes, &counters, &options, &durability, &board})
    , control({&time, store, &sessions, &queues, &runs, &resolver, &active, &pump, &lanes, &handlers,
               &changes, &intake, &board})
    , settings({store, &sessions, &queues, &lanes, &events, &changes, &options,
                [this] { this->executor->setAdmittedCapacity(lanes.totalLimit()); }})
    , cycles({&time, &timers, &board, &sessions, &runs, &resolver, &events, &pause, &intake, &options})
    , jobs({&time, &timers, store, &intake, &runs, &resolver, &events, &sessions, &queues, &pump, &active, &board,
            [this](RunRecord *run) { control.place(run); }})
    , shutdown(timers, runs, active, store, [this] { return queued(); },
               [this] { return counters.completed + counters.failed + counters.cancelled; })
    , reports({&inbox, &time, &active, &pump, &runs, &resolver, &events, &board, &changes, &jobs, &turnTimer})
    , statsTicker({&timers, &time, &stats, &lanes, store, [this] { return queued(); },
                   [this] { return lanes.running(); }, opts.retention})
    , snapshots({&time, &sessions, &queues, &changes, &lanes, &handlers, &counters, &pause, &drain,
                 &shutdown, &statsTicker, [this] { return lanes.running(); },
                 [this] { return queued(); }, &cycles, &board, &resolver, &jobs})
    , m_emitEvents(std::move(emitEvents))
    , m_directListener(std::move(directListener))
{
    // Precedence (SPEC L1): defaults < config file < environment < operator (stored, live).
    for (auto it = options.laneLimits.cbegin(); it != options.laneLimits.cend(); ++it)
        lanes.define(it.key(), it.value());
    configError = lanes.applyEnvironment();
    lanes.setDefaultPreemptGrace(options.preemptGraceMs);
    for (auto it = options.lanePreemptGraceMs.cbegin(); it != options.lanePreemptGraceMs.cend(); ++it) {
        if (lanes.find(it.key()) < 0)
            lanes.define(it.key(), 0);
        lanes.at(lanes.find(it.key())).setPreemptGraceMs(it.value());
    }
    active.setTaskBoard(&board);
    active.setPreemption(&preemption);
    resolver.setJobRunObserver(&jobs);
    // The order of the gates is the order they are asked in.
    pump.addGate(&shutdown);
    pump.addGate(&pause);
    pump.addGate(&pools);
    pump.addGate(&preemption);
    intake.addGate(&shutdown);
    intake.addGate(&storeHealth);
    intake.addGate(&drain);
}

EngineParts::~EngineParts()
{
    pump.clear(); // lanes still hold withdrawn records
    active.freeTickets();
}

void EngineParts::beginTurn()
{
    if (m_depth++ > 0)
        return;
    turnTimer.start();
    time.beginTurn();
    events.beginTurn();
    events.setDirectListener(m_directListener && m_directListener());
}

void EngineParts::endTurn()
{
    if (m_depth > 1) {
        --m_depth;
        return;
    }
    // Still inside the turn: what the flush does belongs to it. Reports that arrived during the
    // turn (all of them, for inline executors) are handled at the current instant.
    do {
        pump.pump();
        preemption.check();
        active.dispatchStarted();
    } while (reports.read());
    drain.check();
    shutdown.check();
    durability.handedOver(store->commitAsync());
    m_depth = 0;
    time.endTurn();
    events.endTurn([this](const EventBatch &batch) {
        if (m_emitEvents)
            m_emitEvents(batch);
    });
    ++counters.turns;
    counters.longestTurnNs = qMax(counters.longestTurnNs, turnTimer.nsecsElapsed());
}

} // namespace Yard
