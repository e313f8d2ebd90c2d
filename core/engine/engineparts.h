// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "activeruns.h"
#include "admissionpump.h"
#include "audittrail.h"
#include "claimledger.h"
#include "cycledriver.h"
#include "drainmonitor.h"
#include "durabilitytracker.h"
#include "engineoptions.h"
#include "enginestatus.h"
#include "handlertable.h"
#include "intake.h"
#include "jobbook.h"
#include "laneset.h"
#include "pausecontrol.h"
#include "poolgate.h"
#include "preemption.h"
#include "runcontrol.h"
#include "runresolver.h"
#include "runtable.h"
#include "sessionchanges.h"
#include "sessionmanager.h"
#include "sessionqueues.h"
#include "settingscontrol.h"
#include "shutdowncoordinator.h"
#include "snapshotbuilder.h"
#include "statscollector.h"
#include "statsticker.h"
#include "storehealth.h"
#include "taskboard.h"
#include "turnclock.h"
#include "turnevents.h"
#include "turnhost.h"
#include "workerreports.h"

#include "exec/inbox.h"

#include <QElapsedTimer>

#include <functional>

class QObject;

namespace Yard {

class Executor;
class HandlerRegistry;
class Store;

/// The engine's parts, composed in dependency order (each takes only the parts it needs; see
/// docs/architecture.md), and the turn that brackets everything they do. The Engine is the
/// front over this; tests drive single parts through it with a VirtualClock.
///
/// A turn's end admits what can start, hands started runs to the executor, reads the worker
/// reports that arrived (within a budget), checks drain and shutdown, commits the store's
/// writes and hands the turn's events on.
class EngineParts final : public TurnHost
{
    Q_DISABLE_COPY_MOVE(EngineParts)

public:
    /// `inboxTarget` receives the inbox's wake-up events (the Engine). `emitEvents` delivers a
    /// turn's events to direct listeners; `directListener()` says whether there are any.
    EngineParts(QObject *inboxTarget, Clock *clock, Store *store, Executor *executor,
                HandlerRegistry *registry, EngineOptions options,
                std::function<void(const EventBatch &)> emitEvents = {},
                std::function<bool()> directListener = {});
    ~EngineParts() override;

    /// Runs accepted and not resolved that hold no slot (tasks waiting for a claim included).
    int queued() const { return runs.size() - lanes.running(); }

    // TurnHost
    void beginTurn() override;
    void endTurn() override;

    QElapsedTimer turnTimer; ///< started when the current turn began
    Store *store;            ///< Not owning.
    Executor *executor;      ///< Not owning.
    EngineOptions options;
    TurnClock time;
    TurnTimers timers;
    SessionManager sessions;
    LaneSet lanes;
    HandlerTable handlers;
    Inbox inbox;
    /// The pre-execute hook workers call (SPEC Q8). A hook is never changed once set: setting
    /// another makes a new one, and every hook set stays alive, because a worker may be inside
    /// the one it was handed (replacing it in place raced with them).
    const PreExecuteHook *hook = nullptr;
    std::vector<std::unique_ptr<const PreExecuteHook>> hooks;
    EngineCounters counters;
    StatsCollector stats;
    TurnEvents events;
    AuditTrail audit;
    DurabilityTracker durability;
    SessionChanges changes;
    ClaimLedger claims;
    RunTable runs;
    RunResolver resolver;
    ActiveRuns active;
    AdmissionPump pump;
    PauseControl pause;
    PoolGate pools;
    Preemption preemption;
    StoreHealth storeHealth;
    DrainMonitor drain;
    SessionQueues queues;
    TaskBoard board;
    Intake intake;
    RunControl control;
    SettingsControl settings;
    CycleDriver cycles;
    JobBook jobs;
    ShutdownCoordinator shutdown;
    WorkerReports reports;
    StatsTicker statsTicker;
    SnapshotBuilder snapshots;
    bool started = false;
    Error configError; ///< a bad YARD_LANE_* variable: start() refuses

private:
    std::function<void(const EventBatch &)> m_emitEvents;
    std::function<bool()> m_directListener;
    int m_depth = 0;
};

} // namespace Yard
