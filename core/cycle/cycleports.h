// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cycletypes.h"
#include "taskindex.h"

#include <optional>

namespace Yard {

/// Where the cycle reads work and recovers leases (the engine's task board, or a test's fake).
class CycleTaskSource
{
public:
    virtual ~CycleTaskSource() = default;
    /// Tasks waiting to be claimed, by requirement set (valid until the source changes).
    virtual const TaskIndex &pending() = 0;
    /// Runs claimed or running.
    virtual int activeRuns() = 0;
    /// Puts runs whose lease expired back in the queue (or fails them when their attempts are
    /// spent), at most `limit`; returns their ids. An error still returns what was recovered.
    virtual QVector<RunId> recoverExpiredLeases(int limit, Error *error) = 0;
};

/// The sessions that may be woken.
class CycleSessionSource
{
public:
    virtual ~CycleSessionSource() = default;
    virtual QVector<CycleSession> sessions() = 0;
};

/// Delivers one cycle's wakes as one batch; one error (or none) per target, in order.
class CycleWaker
{
public:
    virtual ~CycleWaker() = default;
    virtual QVector<Error> wakeMany(const QVector<WakeTarget> &targets) = 0;
};

/// The ladder's seam (SPEC D6). It never claims: it reports, requests a spawn (the spawned
/// session claims by itself) and marks a run needs_attention.
class EscalationActor
{
public:
    virtual ~EscalationActor() = default;
    virtual Error emitRunStarved(const CycleRun &run, qint64 ageMs) = 0;
    /// spawn_unresolvable when no agent template covers the run's capabilities.
    virtual Error requestWorkerSpawn(const CycleRun &run) = 0;
    virtual Error markNeedsAttention(RunId run, const QString &diagnostic) = 0;
};

/// The durable per-run budgets.
class StarvationStore
{
public:
    virtual ~StarvationStore() = default;
    virtual std::optional<RunStarvation> load(RunId run) = 0;
    virtual void upsert(const RunStarvation &budget) = 0;
    virtual void clear(RunId run) = 0;
};

} // namespace Yard
