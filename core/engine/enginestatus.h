// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "lane.h"

#include "cycle/cycletypes.h"
#include "model/job.h"

#include "model/queueconfig.h"
#include "model/statssample.h"
#include "model/session.h"

#include <QMetaType>
#include <QVector>

namespace Yard {

/// The scheduler-wide pause (SPEC D7), persisted with reason, actor and time.
struct PauseState
{
    bool paused = false;
    QString reason;
    QString actor;
    TimeMs since = 0;
};

/// One session's live numbers for views (SPEC U3).
struct SessionStatus
{
    SessionId id = 0;
    QString key;
    QString agent;
    SessionState state = SessionState::Active;
    QueueMode mode = QueueMode::Queue;
    bool paused = false;
    int active = 0;
    int queued = 0;
    TimeMs lastActivity = 0;
    double tokenRatio = 0; ///< token estimate / context window
    double progress = -1;  ///< its oldest running run's progress (SPEC P4); -1 = none reported
    QString progressText;
};

/// Cumulative outcome counters since the engine started.
struct EngineCounters
{
    quint64 accepted = 0;
    quint64 started = 0;
    quint64 completed = 0;
    quint64 failed = 0;
    quint64 cancelled = 0; ///< includes dropped, stale and cleared
    quint64 merged = 0;
    quint64 rejected = 0;
    quint64 invalidTransitions = 0; ///< state changes the D1 table refused (a bug if ever > 0)
    quint64 preemptions = 0;        ///< runs that yielded their slot to interactive or urgent work
    quint64 preemptionsRefused = 0; ///< interrupted runs that did not yield within the grace period
    quint64 turns = 0;        ///< engine turns (outermost calls) so far
    qint64 longestTurnNs = 0; ///< the longest single turn, monotonic time
};

/// A run as a session's detail view lists it.
struct RunBrief
{
    RunId id = 0;
    Priority priority = Priority::Normal;
    TimeMs queuedAt = 0;
    TimeMs startedAt = 0;
    QString handler;
    QString preview; ///< first characters of the input
    QString stage;   ///< "queued", "waiting for a lane slot", "running", "between steps"
    double progress = 0;
};

/// A session with its ordered queue and active runs (SPEC U3 detail).
struct SessionDetail
{
    Session session;
    QueueConfig config;
    QVector<RunBrief> queued;  ///< in start order
    QVector<RunBrief> running; ///< oldest first
    double tokenRatio = 0;
};

/// What a view needs to redraw, published at a bounded rate (SPEC E3).
/// What views get periodically (deltas where marked). A new field must also be folded in
/// ui/liveupdates.cpp (LiveUpdates::merge), where a paused console keeps what it did not show.
struct EngineSnapshot
{
    TimeMs time = 0;
    PauseState pause;
    bool draining = false;
    bool stopping = false;
    int running = 0; ///< runs holding a lane slot
    int queued = 0;  ///< accepted runs waiting (in a session queue or for a lane slot)
    int sessions = 0;
    EngineCounters counters;
    QVector<LaneStats> lanes;
    QVector<SessionStatus> changedSessions; ///< sessions whose numbers changed since the last one
    QVector<SessionId> removedSessions;     ///< sessions deleted since the last one
    bool fullSessionList = false;           ///< changedSessions holds every session
    StatsSeries newSamples;                 ///< per-second samples closed since the last one
    // The mechanical cycle (SPEC D9, U10).
    quint64 cycles = 0;          ///< cycles run since start
    TimeMs lastCycleAt = 0;      ///< 0 = none yet
    qint64 cycleIntervalMs = 0;  ///< 0 = on demand only
    int waitingTasks = 0;        ///< tasks waiting for a claim
    int claimedTasks = 0;        ///< tasks claimed or running
    quint64 needsAttention = 0;  ///< runs the cycle marked needs_attention since start
    int needsAttentionOpen = 0;  ///< needs_attention runs no operator has dealt with (the badge)
    CycleStats cycleStats;       ///< cumulative, with the last errors (SPEC D4, D9)
    TimeMs nextCycleAt = 0;      ///< when the next cycle is due; 0 = none scheduled
    /// Every job, when any changed since the last snapshot (or in a full one); empty otherwise
    /// with jobsChanged false.
    QVector<Job> jobs;
    bool jobsChanged = false;
    /// Cycle results since the last snapshot (a full snapshot: the recent history), oldest first.
    QVector<CycleResult> newCycles;
};

} // namespace Yard

Q_DECLARE_METATYPE(Yard::EngineSnapshot)
Q_DECLARE_METATYPE(Yard::SessionDetail)
