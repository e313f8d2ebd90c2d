// SPDX-License-Identifier: GPL-3.0-or-later
#include "workerpools.h"

#include "runticket.h"

#include <QDeadlineTimer>

namespace Yard {

WorkerPools::WorkerPools(const WorkerCapacity &capacity, ResourceFactory resources)
    : m_capacity(capacity)
    , m_background(std::make_unique<PoolExecutor>(capacity.fixedSize(WorkerPool::Background), resources,
                                                  WorkerPool::Background))
{
    if (!capacity.singleProcessor)
        m_interactive = std::make_unique<PoolExecutor>(capacity.fixedSize(WorkerPool::Interactive), resources,
                                                       WorkerPool::Interactive);
}

WorkerPools::~WorkerPools() = default;

PoolExecutor &WorkerPools::pool(WorkerPool pool)
{
    return pool == WorkerPool::Interactive && m_interactive ? *m_interactive : *m_background;
}

void WorkerPools::dispatch(const std::vector<RunTicket *> &tickets)
{
    if (!m_interactive) {
        m_background->dispatch(tickets);
        return;
    }
    for (RunTicket *t : tickets)
        m_split[int(m_capacity.poolFor(t->request.priority))].push_back(t);
    for (int i = 0; i < 2; ++i) {
        if (!m_split[i].empty()) {
            pool(WorkerPool(i)).dispatch(m_split[i]);
            m_split[i].clear();
        }
    }
}

bool WorkerPools::waitForDone(int msecs)
{
    const QDeadlineTimer deadline = msecs < 0 ? QDeadlineTimer(QDeadlineTimer::Forever) : QDeadlineTimer(msecs);
    bool done = true;
    for (PoolExecutor *p : {m_interactive.get(), m_background.get()}) {
        if (p)
            done = p->waitForDone(deadline.isForever() ? -1 : int(qMax<qint64>(0, deadline.remainingTime()))) && done;
    }
    return done;
}

void WorkerPools::setAdmittedCapacity(int runs)
{
    // Each pool that sizes itself may be asked for every admitted run (all interactive, or all
    // background); a fixed pool is an admission limit of its own (the engine's PoolGate).
    for (WorkerPool kind : {WorkerPool::Interactive, WorkerPool::Background}) {
        if (m_capacity.fixedSize(kind) == 0 && (kind == WorkerPool::Background || m_interactive))
            pool(kind).setAdmittedCapacity(runs);
    }
}

} // namespace Yard
