// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "admissiongate.h"

#include "exec/poolconfig.h"

namespace Yard {

/// Fixed worker pools as an admission limit (SPEC P5): no more runs of a pool start than it has
/// workers, so an admitted run never waits unseen for a thread, and urgent work that waits for a
/// full pool can preempt (single-processor mode). Pools that size themselves limit nothing.
class PoolGate final : public AdmissionGate
{
    Q_DISABLE_COPY_MOVE(PoolGate)

public:
    explicit PoolGate(const WorkerCapacity &capacity);

    bool admitsLane(const Lane &) const override { return true; }
    bool admitsRun(const RunRecord &run) const override;
    bool perRun() const override { return m_limited; }
    /// A full interactive pool leaves room for background runs behind its runs; a full
    /// background pool refuses everything behind (lower priorities are all background).
    bool admitsAfterRefusing(const RunRecord &run) const override;
    void started(const RunRecord &run) override;
    void freed(const RunRecord &run) override;

    const WorkerCapacity &capacity() const { return m_capacity; }
    WorkerPool poolOf(Priority p) const { return m_capacity.poolFor(p); }
    /// A pool with a fixed size whose workers are all taken.
    bool isFull(WorkerPool pool) const;
    int running(WorkerPool pool) const { return m_running[int(pool)]; }

private:
    WorkerCapacity m_capacity;
    bool m_limited;
    int m_running[2] = {0, 0};
};

} // namespace Yard
