// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clock.h"
#include "engineoptions.h"
#include "sessionqueue.h"

#include <memory>
#include <unordered_map>

namespace Yard {

class ActiveRuns;
class AdmissionPump;
class RunResolver;
class RunTable;
class SessionChanges;
class SessionManager;
class TurnClock;
class TurnEvents;
class TurnTimers;

/// The session queues in memory (SPEC Q1–Q6, Q11): opened when a session gets work, evicted
/// when idle, with their debounce timers and the adaptive throttle. It is the host every
/// SessionQueue asks to resolve, cancel, merge and admit its runs. Engine thread only.
class SessionQueues final : private SessionQueueHost
{
    Q_DISABLE_COPY_MOVE(SessionQueues)

public:
    struct Parts
    {
        const TurnClock *time;
        TurnTimers *timers;
        SessionManager *sessions;
        RunResolver *resolver;
        RunTable *runs;
        ActiveRuns *active;
        AdmissionPump *pump;
        SessionChanges *changes;
        TurnEvents *events;
        EngineOptions *options; ///< queue defaults, throttle, context windows, idle timeout
    };
    explicit SessionQueues(const Parts &parts); ///< Not owning any of them.
    ~SessionQueues() override;

    /// The session's live queue, or nullptr.
    SessionQueue *live(SessionId id) const
    {
        auto it = m_live.find(id);
        return it == m_live.end() ? nullptr : it->second.queue.get();
    }
    /// The session's queue, opened (from the session's stored settings) if needed.
    Expected<SessionQueue *> open(SessionId id);
    int liveCount() const { return int(m_live.size()); }
    template<typename Fn>
    void forEach(Fn fn) const
    {
        for (const auto &[id, live] : m_live)
            fn(id, live.queue.get());
    }

    /// Starts (and stops) the idle-eviction sweep (SPEC Q11).
    void startEviction();
    void stopEviction();

    /// Effective queue config of a session (defaults + its overrides).
    QueueConfig configOf(const Session &session) const;
    /// The defaults changed: every live queue follows them (unless it overrides them).
    void applyDefaults();

    void setTokenEstimator(TokenEstimator estimator);
    /// Context window (tokens) of an agent, live (SPEC Q6).
    void setContextWindow(const QString &agent, qint64 tokens);
    double tokenRatio(const Session &session) const { return m_estimator(session).ratio(); }

private:
    struct LiveSession
    {
        std::unique_ptr<SessionQueue> queue;
        Clock::TimerId debounceTimer = 0;
    };

    // SessionQueueHost
    void resolveQueued(RunRecord *run, ErrorCode code, const QString &why) override;
    void cancelActive(RunRecord *run, ErrorCode code, const QString &why) override;
    void merge(RunRecord *carrier, RunRecord *merged) override;
    void admitToLane(RunRecord *run) override;
    void armDebounce(SessionQueue *queue, TimeMs at) override;
    int effectiveConcurrency(const SessionQueue &queue) const override;
    void staleCutoffChanged(SessionQueue *queue, TimeMs cutoff) override;
    TimeMs now() const override;

    void evictIdle();

    Parts m_p;
    TokenEstimator m_estimator;
    std::unordered_map<SessionId, LiveSession> m_live;
    Clock::TimerId m_evictTimer = 0;
};

} // namespace Yard
