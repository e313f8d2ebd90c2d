// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/audit.h"
#include "model/job.h"
#include "model/run.h"
#include "model/statssample.h"
#include "model/session.h"

#include <variant>
#include <vector>

namespace Yard {

/// One durable change. The engine builds these on its thread and hands them over in batches; the
/// writer applies each batch in one transaction (group commit).
struct SessionUpsert
{
    Session session;
};
struct SessionDelete
{
    SessionId id = 0;
};
struct MessageInsert
{
    Message message;
};
/// Replaces a session's whole transcript atomically (SPEC S2 ReplaceMessages).
struct MessagesReplace
{
    SessionId sessionId = 0;
    MessageList messages;
};
/// Full row of a run (and, for a task, its tasks row); the writer keeps only the last upsert of
/// a run within a batch.
struct RunUpsert
{
    Run run;
    /// Its session, lane or priority may differ from the stored row (a run revived from the
    /// store). Otherwise a stored row only needs its changing columns updated, which spares
    /// the writer the session, lane and priority index updates.
    bool keysChanged = false;
};
/// Key/value scheduler state: pause flag and reason, default queue config, ...
struct SettingSet
{
    QString key;
    QString value; ///< null = delete
};
struct LaneUpsert
{
    QString name;
    int limit = 0;
    bool paused = false;
    int preemptGraceMs = 0; ///< 0 = the default
};

struct AuditInsert
{
    AuditEntry entry;
};
/// A per-second or per-minute sample for the charts' history.
struct StatsInsert
{
    StatsSample sample;
};
/// Drops history older than the given times (retention).
struct StatsPrune
{
    TimeMs secondsBefore = 0;
    TimeMs minutesBefore = 0;
};

/// A job with its cursor and status (SPEC J1, J7).
struct JobUpsert
{
    Job job;
};
struct JobDelete
{
    JobId id = 0;
};
/// One finished attempt of a run (SPEC J4).
struct AttemptInsert
{
    RunAttempt attempt;
};
/// Retention (SPEC J8): finished runs past their age or count go, in bounded batches.
struct RunsPrune
{
    TimeMs completedBefore = 0;  ///< completed (and merged, cancelled) runs finished before this
    qint64 keepCompleted = 0;    ///< at most this many of them are kept
    TimeMs failedBefore = 0;     ///< failed and acknowledged needs-attention runs before this
    int batch = 5000;            ///< rows per commit at most: the writer never stalls long
};

using Mutation = std::variant<SessionUpsert, SessionDelete, MessageInsert, MessagesReplace,
                              RunUpsert, SettingSet, LaneUpsert, AuditInsert, StatsInsert,
                              StatsPrune, JobUpsert, JobDelete, AttemptInsert, RunsPrune>;
using MutationBatch = std::vector<Mutation>;

} // namespace Yard
