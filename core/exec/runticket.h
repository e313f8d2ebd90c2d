// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "handler.h"
#include "inbox.h"
#include "outcome.h"
#include "runrequest.h"

#include <QRunnable>

#include <atomic>

namespace Yard {

class Clock;
class Inbox;

/// One admitted run handed to an executor. The engine owns tickets and recycles them; a ticket
/// is only freed once no worker can touch it (after the pool has finished).
///
/// Ownership protocol: the engine fills the request fields, then dispatches. From dispatch until
/// the Finished report is taken from the inbox, only the worker touches non-atomic fields; the
/// engine only flips the atomics (cancel, interrupt).
///
/// The request's handler and lane names are views of process-wide interned names (NamePool),
/// so filling a ticket copies no reference-counted string shared with other threads.
class RunTicket final : public QRunnable
{
    Q_DISABLE_COPY_MOVE(RunTicket)

public:
    RunTicket() { setAutoDelete(false); }

    /// Runs the pre-execute hook (first step only) and one handler step, catching exceptions,
    /// then reports Finished to the inbox.
    void run() override;
    /// The same without the report, for executors that run inline or batch their reports.
    void execute();
    /// The Finished report for this ticket.
    InboxItem finishedItem() const;

    /// Prepares a recycled ticket for a new run.
    void reset();

    // Set by the engine before dispatch.
    RunRequest request;
    Handler *handler = nullptr; ///< Not owning (the engine's HandlerTable keeps it alive); nullptr -> unknown_handler
    const PreExecuteHook *hook = nullptr;
    Inbox *inbox = nullptr;
    const Clock *clock = nullptr;
    void *owner = nullptr; ///< the engine's record of the run
    QByteArray savedState;
    int step = 0;

    // Shared with the engine.
    std::atomic<bool> cancelled{false};
    std::atomic<bool> interrupted{false};
    /// Engine only (atomic because a worker may hold the ticket meanwhile): when the handler
    /// last proved alive (a step began, a report arrived), and whether its lease expired, so the
    /// worker's late return puts the run back instead of ending it (SPEC D2).
    std::atomic<qint64> leaseBeatAt{0};
    std::atomic<bool> leaseLost{false};

    // Written by the worker, read by the engine after Finished.
    Outcome outcome;
    bool noReschedule = false;
    void *resource = nullptr;

    // Engine only, while no worker has the ticket.
    quint64 stepTimer = 0; ///< the pending ContinueAfter step
};

} // namespace Yard
