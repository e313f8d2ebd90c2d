// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "exec/handler.h"
#include "exec/runcontext.h"

#include <QMutex>
#include <QSemaphore>

#include <atomic>
#include <stdexcept>

namespace Yard::Test {

/// Blocks each run until the test releases it (or it is cancelled); tracks peak concurrency.
class GateHandler final : public Handler
{
public:
    Outcome run(RunContext &context) override
    {
        const int now = ++m_running;
        int peak = m_peak.load();
        while (now > peak && !m_peak.compare_exchange_weak(peak, now)) {}
        ++m_started;
        m_startedSem.release();
        while (!m_gate.tryAcquire(1, 5)) {
            if (context.isCancelled()) {
                --m_running;
                return Outcome::failure(QStringLiteral("cancelled"), ErrorCode::RunCancelled);
            }
        }
        --m_running;
        return Outcome::success(QStringLiteral("done"));
    }
    /// Lets `n` blocked runs finish.
    void release(int n = 1) { m_gate.release(n); }
    /// Waits until `n` runs have started (in total, since the last call); false on timeout.
    bool waitStarted(int n, int timeoutMs = 5000) { return m_startedSem.tryAcquire(n, timeoutMs); }
    int running() const { return m_running; }
    int peak() const { return m_peak; }
    int started() const { return m_started; }

private:
    QSemaphore m_gate;
    QSemaphore m_startedSem;
    std::atomic<int> m_running{0};
    std::atomic<int> m_peak{0};
    std::atomic<int> m_started{0};
};

/// Throws from the handler (SPEC Q10).
class ThrowingHandler final : public Handler
{
public:
    Outcome run(RunContext &) override { throw std::runtime_error("boom from handler"); }
};

} // namespace Yard::Test
