// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/errors.h"
#include "model/ids.h"
#include "model/priority.h"
#include "model/session.h"
#include "model/taskinfo.h"

#include <QStringList>
#include <QVector>

namespace Yard {

/// A queued task as the cycle sees it.
struct CycleRun
{
    RunId id = 0;
    Priority priority = Priority::Normal;
    TimeMs queuedAt = 0;
    TaskRequirements needs;
};

/// A session as the cycle sees it.
struct CycleSession
{
    SessionId id = 0;
    QString key;
    QString agent;
    QString workspace;
    QString channel;
    SessionState state = SessionState::Active;
    bool prompting = false;
    bool busy = false; ///< it has a claimed or running run
    QStringList capabilities;
    TimeMs createdAt = 0;
};

/// One (run, session) pair the cycle decided to notify.
struct WakeTarget
{
    CycleRun run;
    CycleSession session;
    QString reason; ///< "queued work", "starved: fan-out"
};

/// The ladder's bounds (SPEC D6): counts are cycles a starved run stays queued before each
/// tier fires.
struct StarvationThresholds
{
    int fanOutAfter = 2;
    int spawnAfter = 4;
    int eventAfter = 6;
    int needsAttentionAfter = 10;
    qint64 minQueuedAgeMs = 120'000;

    /// Non-positive values take the defaults; then each tier is at least the one before it.
    StarvationThresholds normalised() const;
};

/// One pass of the mechanical cycle (SPEC D4), with every count and id list seed 001 reports.
struct CycleResult
{
    quint64 number = 0; ///< 1 for the first cycle since start
    TimeMs at = 0;
    qint64 durationUs = 0;
    int pendingRuns = 0;
    int activeRuns = 0;
    int sessionsScanned = 0;
    int recoveredLeases = 0;
    int wakeAttempts = 0;
    int wakeSucceeded = 0;
    int wakeFailed = 0;
    int noMatchRuns = 0;
    int recentlyNotified = 0;
    int unclaimableRuns = 0;
    bool paused = false;
    int starvedRuns = 0;
    int spawnRequested = 0;
    int needsAttention = 0;
    QVector<RunId> selectedRunIds;
    QVector<RunId> noMatchRunIds;
    QVector<RunId> recoveredRunIds;
    QVector<RunId> starvedRunIds;
    QVector<RunId> spawnRequestedRunIds;
    QVector<RunId> needsAttentionRunIds;
    /// Recovery, wake and escalation errors of this pass, joined ("; "); the pass went on.
    Error error;
};

/// Cumulative counters since start, with the last errors.
struct CycleStats
{
    quint64 cycles = 0;
    quint64 rebuilds = 0;
    quint64 recoveredLeases = 0;
    quint64 recoveryErrors = 0;
    quint64 wakeAttempts = 0;
    quint64 wakeSucceeded = 0;
    quint64 wakeFailed = 0;
    quint64 noMatchRuns = 0;
    quint64 recentlyNotified = 0;
    quint64 unclaimableRuns = 0;
    quint64 starvedRuns = 0;
    quint64 spawnRequested = 0;
    quint64 needsAttention = 0;
    TimeMs lastCycleAt = 0;
    TimeMs lastRebuildAt = 0;
    QString lastRecoveryError;
    QString lastWakeError;
};

/// What Rebuild found (observability only).
struct RebuildResult
{
    int pendingRuns = 0;
    int activeRuns = 0;
    int sessionsScanned = 0;
    int clearedWakeKeys = 0;
    TimeMs rebuiltAt = 0;
};

} // namespace Yard

Q_DECLARE_METATYPE(Yard::CycleResult)
