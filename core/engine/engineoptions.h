// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cycle/cycletypes.h"
#include "exec/agentcommand.h"
#include "exec/poolconfig.h"
#include "model/queueconfig.h"
#include "model/session.h"

#include <QHash>
#include <QString>

#include <functional>

namespace Yard {

/// Token estimate of a session against its agent's context window (SPEC Q6).
struct TokenEstimate
{
    qint64 tokens = 0;
    qint64 contextWindow = 0;
    double ratio() const { return contextWindow > 0 ? double(tokens) / double(contextWindow) : 0; }
};
using TokenEstimator = std::function<TokenEstimate(const Session &session)>;

/// An agent the ladder may spawn a worker session of (SPEC D6), from the config file.
struct AgentTemplate
{
    QString agent;
    QStringList capabilities;

    /// It covers what `needs` asks of a session's agent and capabilities.
    bool covers(const TaskRequirements &needs) const
    {
        if (!needs.owner.isEmpty() && needs.owner != agent)
            return false;
        for (const QString &c : needs.capabilities) {
            if (!capabilities.contains(c))
                return false;
        }
        return true;
    }
};

/// The mechanical cycle and leases (SPEC D2–D6).
struct CycleOptions
{
    /// Time between cycles; the first runs one interval after start. <= 0 stops the timer
    /// (cycles then run only on demand).
    qint64 intervalMs = 15'000;
    qint64 wakeCooldownMs = 60'000;
    int sweepLimit = 100;
    /// How long a claim or a running run's lease lasts without a heartbeat.
    qint64 leaseMs = 60'000;
    StarvationThresholds thresholds;
};

/// How long finished runs stay in the database (SPEC J8); pruned every 10 minutes, a bounded
/// batch at a time.
struct RunRetention
{
    qint64 completedMs = 7LL * 86'400'000; ///< finished runs after 7 days…
    qint64 completedKept = 100'000;        ///< …or beyond the newest 100,000
    qint64 failedMs = 30LL * 86'400'000;   ///< failed and needs-attention ones after 30 days
};

struct EngineOptions
{
    QueueConfig defaultQueue;
    /// Handler for session messages when the request names none.
    QString messageHandler = QStringLiteral("simulate");
    /// Idle session queues leave memory after this long (SPEC Q11).
    int idleEvictMs = 30'000;
    /// Context window (tokens) per agent name, and for agents not listed.
    QHash<QString, qint64> contextWindows;
    qint64 defaultContextWindow = 200'000;
    /// Throttle threshold (SPEC Q6): concurrency drops to 1 at or above this ratio.
    double throttleRatio = 0.6;
    int drainTimeoutMs = 60'000;
    /// Lane limits from the config file (SPEC L1); environment and operator changes win.
    QHash<QString, int> laneLimits;
    /// Preemption (SPEC P2): how long an interrupted run has to yield, by default and per lane
    /// (from the config file; operator changes are stored with the lane and win).
    int preemptGraceMs = 100;
    QHash<QString, int> lanePreemptGraceMs;
    int sessionCacheCapacity = 100;
    /// Worker pools (SPEC P5): fixed sizes are admission limits too; single-processor mode.
    WorkerCapacity workers;
    CycleOptions cycle;
    QVector<AgentTemplate> agentTemplates;
    RunRetention retention;
    /// Command-line agents by agent name (SPEC H3), for the `agent` handler.
    AgentCommands agents;
};

} // namespace Yard
