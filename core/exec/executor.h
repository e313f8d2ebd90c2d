// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <functional>
#include <vector>

namespace Yard {

class RunTicket;
struct ResourceFactory;
enum class WorkerPool : quint8;

/// Executes runs the engine has already admitted. It never decides what runs next (SPEC L3).
class Executor
{
public:
    virtual ~Executor() = default;
    /// Engine thread. Each ticket reports Finished to its inbox when done.
    virtual void dispatch(const std::vector<RunTicket *> &tickets) = 0;
    /// Waits up to `msecs` (-1 = forever) for every dispatched ticket to return; true if all did.
    virtual bool waitForDone(int msecs) = 0;
    /// The lanes admit up to `runs` at once: an executor sized by itself should be able to run
    /// that many, or an admitted run would wait unseen for a thread.
    virtual void setAdmittedCapacity(int runs) {}
};

/// Production executor on a private QThreadPool.
///
/// Admitted tickets go to a ready queue served by worker loops (long-lived runnables) that each
/// run many tickets in a row. Up to one less than the number of cores start at once (the engine
/// thread needs a core); beyond that a monitor adds one only when the queue stops moving
/// (handlers blocked in I/O), or a backlog of slow handlers persists, up to maxThreads. Idle
/// workers linger briefly, then return their thread to the pool. This keeps short runs from paying a
/// thread wake-up each (measured: 70 % of the time went to futex calls with one QRunnable per
/// run), while runs that block still get threads.
class PoolExecutor final : public Executor
{
    Q_DISABLE_COPY_MOVE(PoolExecutor)

public:
    /// maxThreads <= 0 sizes the pool to what the lanes admit (setAdmittedCapacity), at least
    /// the number of cores. Each worker thread gets its own resource from `factory`, made for
    /// `kind`, and destroyed when the thread ends.
    explicit PoolExecutor(int maxThreads = 0);
    PoolExecutor(int maxThreads, const ResourceFactory &factory, WorkerPool kind);
    ~PoolExecutor() override;

    void dispatch(const std::vector<RunTicket *> &tickets) override;
    bool waitForDone(int msecs) override;
    void setAdmittedCapacity(int runs) override;
    int maxThreads() const;
    /// Worker loops currently alive (busy or idle).
    int workers() const;

private:
    class Private;
    Private *d;
};

/// Runs each ticket synchronously on the dispatching thread, in dispatch order. Deterministic:
/// used by the simulator, where every wait is a ContinueAfter on the virtual clock.
class InlineExecutor final : public Executor
{
public:
    void dispatch(const std::vector<RunTicket *> &tickets) override;
    bool waitForDone(int) override { return true; }
};

} // namespace Yard
