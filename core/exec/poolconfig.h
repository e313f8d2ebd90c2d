// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/priority.h"

#include <functional>

namespace Yard {

/// The two kinds of worker (SPEC P5, seed 003): interactive and urgent runs have workers of
/// their own, so they never wait for a thread that background work holds.
enum class WorkerPool : quint8 { Interactive, Background };

/// Creates one resource per worker and pool (SPEC P5), e.g. a per-thread SQL connection, handed
/// to handlers as RunContext::resource(). A worker keeps its thread and its resource while it
/// has work (and 30 s after); `destroy` is called on that same thread when the worker ends, at
/// the latest when the executor is destroyed.
struct ResourceFactory
{
    std::function<void *(int workerIndex, WorkerPool pool)> create;
    std::function<void(void *resource, WorkerPool pool)> destroy;

    explicit operator bool() const { return bool(create); }
};

/// How many workers each pool has (SPEC P5). 0 = sized by itself (it follows what the lanes
/// admit). A fixed size is also an admission limit: the engine admits no more runs of that
/// pool than it has workers, and preempts when urgent work waits for a full pool.
struct WorkerCapacity
{
    int interactive = 0;
    int background = 0;
    /// Seed 003's single processor: one worker serves every priority; an interactive run
    /// interrupts the running one (with the lane's grace period).
    bool singleProcessor = false;

    /// The pool a run of this priority is served by.
    WorkerPool poolFor(Priority p) const
    {
        return !singleProcessor && p <= Priority::Urgent ? WorkerPool::Interactive : WorkerPool::Background;
    }
    /// The fixed number of workers of a pool, or 0 when it sizes itself.
    int fixedSize(WorkerPool pool) const
    {
        if (singleProcessor)
            return pool == WorkerPool::Background ? 1 : 0;
        return pool == WorkerPool::Interactive ? interactive : background;
    }
};

} // namespace Yard
