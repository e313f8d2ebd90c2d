// SPDX-License-Identifier: GPL-3.0-or-later
#include "poolgate.h"

#include "runrecord.h"

namespace Yard {

PoolGate::PoolGate(const WorkerCapacity &capacity)
    : m_capacity(capacity)
    , m_limited(capacity.fixedSize(WorkerPool::Interactive) > 0 || capacity.fixedSize(WorkerPool::Background) > 0)
{}

bool PoolGate::isFull(WorkerPool pool) const
{
    const int size = m_capacity.fixedSize(pool);
    return size > 0 && m_running[int(pool)] >= size;
}

bool PoolGate::admitsRun(const RunRecord &run) const
{
    return !isFull(poolOf(run.priority));
}

bool PoolGate::admitsAfterRefusing(const RunRecord &run) const
{
    return poolOf(run.priority) == WorkerPool::Interactive;
}

void PoolGate::started(const RunRecord &run)
{
    ++m_running[int(poolOf(run.priority))];
}

void PoolGate::freed(const RunRecord &run)
{
    --m_running[int(poolOf(run.priority))];
}

} // namespace Yard
