// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "exec/executor.h"
#include "exec/outcome.h"
#include "model/ids.h"

#include <QVector>

namespace Yard::Test {

/// Holds every dispatched ticket until the test finishes it: scheduling policy tested without
/// threads (house rule 3). Engine thread only.
class ManualExecutor final : public Executor
{
public:
    void dispatch(const std::vector<RunTicket *> &tickets) override;
    bool waitForDone(int) override { return true; }

    /// Runs currently held (dispatched, not yet finished), in dispatch order.
    QVector<RunId> held() const;
    /// Every dispatch ever, in order (a run with steps appears once per step).
    const QVector<RunId> &dispatched() const { return m_dispatched; }
    int maxHeld() const { return m_maxHeld; }
    bool isHeld(RunId id) const;
    /// True if the engine flagged the held run as cancelled.
    bool isCancelled(RunId id) const;
    /// True while the engine asks the held run to yield (SPEC P2).
    bool isInterrupted(RunId id) const;
    /// The held run's ticket (to play the worker's part: saved state, noReschedule), or nullptr.
    RunTicket *ticket(RunId id) const;

    /// Reports `outcome` for a held run (as a worker would). Returns false if not held.
    bool finish(RunId id, const Outcome &outcome = Outcome::success());
    /// Actually executes the run's handler (hook included) on this thread, then reports.
    bool execute(RunId id);
    /// Finishes every held run successfully; returns how many.
    int finishAll();

private:
    RunTicket *take(RunId id);
    QVector<RunTicket *> m_held;
    QVector<RunId> m_dispatched;
    int m_maxHeld = 0;
};

} // namespace Yard::Test
