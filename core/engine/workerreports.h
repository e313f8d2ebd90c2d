// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "exec/inbox.h"

#include <QElapsedTimer>

#include <functional>
#include <vector>

namespace Yard {

class ActiveRuns;
class AdmissionPump;
class RunResolver;
class RunTable;
class TurnClock;
class JobBook;
class SessionChanges;
class TaskBoard;
class TurnEvents;

/// Reads what workers report (SPEC P4): finished steps with their outcomes, progress, log lines
/// and saved state, and turns each into what it means for its run. Engine thread only.
///
/// Reports are read in batches; after each batch the lanes are pumped, so workers get their
/// next runs while the engine reads on. A read stops after a time budget and comes back through
/// the event loop, so submissions and timers never wait long behind a flood of reports.
class WorkerReports final
{
    Q_DISABLE_COPY_MOVE(WorkerReports)

public:
    struct Parts
    {
        Inbox *inbox;
        TurnClock *time;
        ActiveRuns *active;
        AdmissionPump *pump;
        RunTable *runs;
        RunResolver *resolver;
        TurnEvents *events;
        TaskBoard *board;
        SessionChanges *changes;
        JobBook *jobs;
        /// Started when the current turn began: the budget counts from there.
        const QElapsedTimer *turnTimer;
    };
    explicit WorkerReports(const Parts &parts); ///< Not owning any of them.

    /// Reads reports until none are left or the budget is spent. True when it read some and
    /// none are left; false when there were none, or it yielded (it comes back by itself).
    bool read();
    /// Reports wait (in the inbox or left over from a read that ran out of budget).
    bool pending() const;

    /// How long a turn may read (wall time) before it yields; virtual clocks never yield.
    static constexpr qint64 kBudgetNs = 2'000'000;

private:
    void finished(RunTicket *ticket);
    void report(InboxItem &item);

    Parts m_p;
    std::vector<InboxItem> m_batch;
    size_t m_next = 0; ///< first unread item of m_batch
};

} // namespace Yard
