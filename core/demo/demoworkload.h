// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/clock.h"
#include "model/ids.h"

#include <QVector>

#include <random>

namespace Yard {

class Engine;

/// Synthetic traffic for the demo (SPEC U14): dozens of sessions across lanes and agents, bursts
/// of messages at every priority, free tasks and periodic cron-lane runs, all executed by the
/// `simulate` handler with varied durations, some failures and rare hangs, so every view moves.
/// Lives on the engine thread and paces itself with the engine's clock.
class DemoWorkload final
{
    Q_DISABLE_COPY_MOVE(DemoWorkload)

public:
    struct Options
    {
        int sessions = 80;
        double messagesPerSecond = 20;
        double tasksPerSecond = 3;
        int cronEveryMs = 5000;
        int cycleIntervalMs = 5000; ///< used when the cycle runs at its default interval
        int burstEveryMs = 12'000;  ///< interactive work arrives on the full batch lane
        double failureRate = 0.08;
        double hangRate = 0.004;
        quint32 seed = 20261123;
    };

    DemoWorkload(Engine *engine, Options options);
    ~DemoWorkload();

    /// Creates the demo sessions (reusing those of an earlier demo) and starts the traffic.
    void start();
    void stop();
    bool isRunning() const { return m_running; }
    int sessionCount() const { return int(m_sessions.size()); }

private:
    void tick();
    void createJobs();
    QByteArray payload(double meanMs, double spread);

    Engine *m_engine;
    Options m_options;
    std::mt19937 m_rng;
    QVector<SessionId> m_sessions;
    QVector<std::pair<SessionId, TimeMs>> m_prompting; ///< sessions talking to their user, until
    Clock::TimerId m_timer = 0;
    TimeMs m_lastCron = 0;
    TimeMs m_lastBurst = 0;
    double m_messageDebt = 0;
    double m_taskDebt = 0;
    bool m_running = false;
};

} // namespace Yard
