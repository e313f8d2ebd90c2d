// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "executor.h"
#include "poolconfig.h"

#include <memory>

namespace Yard {

/// The production executor: an interactive and a background PoolExecutor, each ticket routed
/// by its run's priority (one pool of one worker in single-processor mode).
class WorkerPools final : public Executor
{
    Q_DISABLE_COPY_MOVE(WorkerPools)

public:
    WorkerPools(const WorkerCapacity &capacity, ResourceFactory resources = {});
    ~WorkerPools() override;

    void dispatch(const std::vector<RunTicket *> &tickets) override;
    bool waitForDone(int msecs) override;
    void setAdmittedCapacity(int runs) override;

    const WorkerCapacity &capacity() const { return m_capacity; }
    /// The pool's executor (the interactive one is the background one in single-processor mode).
    PoolExecutor &pool(WorkerPool pool);

private:
    WorkerCapacity m_capacity;
    std::unique_ptr<PoolExecutor> m_background;
    std::unique_ptr<PoolExecutor> m_interactive; ///< null in single-processor mode
    std::vector<RunTicket *> m_split[2];
};

} // namespace Yard
