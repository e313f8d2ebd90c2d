// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <functional>

namespace Yard {

class RunTicket;

/// Creates one resource per worker thread and worker type (SPEC P5), e.g. a SQL connection.
using ResourceFactory = std::function<void *(int workerIndex)>;

/// Executes runs the engine has already admitted. It never decides what runs next (SPEC L3).
class Executor
{
public:
    virtual ~Executor() = default;
    /// Engine thread. The ticket reports Finished to its inbox when done.
    virtual void dispatch(RunTicket *ticket) = 0;
    /// Waits up to `msecs` (-1 = forever) for every dispatched ticket to return; true if all did.
    virtual bool waitForDone(int msecs) = 0;
};

/// Production executor: a private QThreadPool, one QRunnable (the ticket) per admitted run.
class PoolExecutor final : public Executor
{
    Q_DISABLE_COPY_MOVE(PoolExecutor)

public:
    /// maxThreads <= 0 picks max(idealThreadCount, 64), so admitted runs that block in their
    /// handler still get a thread up to the usual lane limits.
    explicit PoolExecutor(int maxThreads = 0, ResourceFactory factory = {});
    ~PoolExecutor() override;

    void dispatch(RunTicket *ticket) override;
    bool waitForDone(int msecs) override;
    int maxThreads() const;
    void setMaxThreads(int n);
    int activeThreads() const;

private:
    class Private;
    Private *d;
};

/// Runs each ticket synchronously on the dispatching thread, in dispatch order. Deterministic:
/// used by the simulator, where every wait is a ContinueAfter on the virtual clock.
class InlineExecutor final : public Executor
{
public:
    void dispatch(RunTicket *ticket) override;
    bool waitForDone(int) override { return true; }
};

} // namespace Yard
