// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/errors.h"
#include "model/ids.h"
#include "model/run.h"
#include "model/priority.h"
#include "model/runstate.h"

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

namespace Yard {

/// Filters of the runs list (SPEC U4, J6). Empty fields do not filter.
struct RunFilter
{
    QVector<RunState> states;
    QStringList lanes;
    QVector<Priority> priorities;
    SessionId session = 0;
    qint64 job = 0; ///< runs this job fired (SPEC J6)
    QStringList handlers; ///< run types (SPEC J6)
    TimeMs queuedAfter = 0;
    TimeMs queuedBefore = 0;
    QString text; ///< substring of input, payload, error or result; "#123" finds run 123

    bool operator==(const RunFilter &) const = default;
};

/// Which needs_attention runs an operator looks at or acts on (SPEC U5, D8). Empty fields do not
/// filter. The Needs attention view lists with it and bulk actions act on exactly what it
/// matches, never only the visible page.
struct NeedsAttentionFilter
{
    QString capability; ///< a required capability, by name (case-insensitive)
    QString workspace;  ///< part of the workspace
    QString text;       ///< part of the diagnostic (or the run's input)
    bool includeAcknowledged = true;
    RunId upTo = 0;     ///< only runs up to this id (what a confirmed count saw); 0 = all

    bool operator==(const NeedsAttentionFilter &) const = default;
    bool isEmpty() const { return capability.isEmpty() && workspace.isEmpty() && text.isEmpty(); }
    /// The same test as the SQL, for rows not written yet.
    bool matches(const Run &run) const;
    /// "capability gpu, workspace …", or "all".
    QString describe() const;
};

/// One row of the Needs attention list (SPEC U5): what the ladder found, without the bulky
/// columns of the run.
struct AttentionRow
{
    RunId id = 0;
    QString handler;
    QString lane;
    Priority priority = Priority::Normal;
    int attempt = 1;
    TimeMs queuedAt = 0;  ///< when it started waiting for a claim
    TimeMs markedAt = 0;  ///< when the ladder marked it needs_attention
    QString diagnostic;   ///< "run queued X without a claim after N escalation cycles"
    int wakeCount = 0;    ///< escalation cycles it went through
    bool spawnUnresolvable = false; ///< no agent template could spawn a worker for it
    TaskRequirements needs;
    QString acknowledgedBy;
    QString acknowledgement;
    TimeMs acknowledgedAt = 0;
    QString preview; ///< first characters of the input

    static AttentionRow fromRun(const Run &run);
    /// The ladder's last tier and what its spawn tier found, for the operator.
    QString tier() const;
};

/// A page of needs_attention runs, newest first, with how many match in all.
struct AttentionPage
{
    quint64 request = 0;
    QVector<AttentionRow> rows;
    int total = 0;        ///< runs the filter matches, not only this page
    int unacknowledged = 0; ///< of those, not acknowledged yet
    bool more = false;    ///< older rows exist
    qint64 elapsedMs = 0;
    Error error;
};

/// One row of the runs list: what the table shows, without the bulky columns.
struct RunRow
{
    RunId id = 0;
    SessionId sessionId = 0;
    QString sessionKey;
    QString handler;
    QString lane;
    Priority priority = Priority::Normal;
    RunState state = RunState::Queued;
    int attempt = 1;
    TimeMs queuedAt = 0;
    TimeMs startedAt = 0;
    TimeMs finishedAt = 0;
    ErrorCode errorCode = ErrorCode::None;
    QString error;   ///< first line, shortened
    QString preview; ///< first characters of the input
    double progress = 0;  ///< 0..1, what the handler reported (SPEC P4)
    QString progressText;
};

/// A page of runs, newest first.
struct RunPage
{
    quint64 request = 0;
    QVector<RunRow> rows;
    bool more = false;     ///< older rows exist
    qint64 elapsedMs = 0;  ///< query time, for the status line
    Error error;
};

} // namespace Yard

Q_DECLARE_METATYPE(Yard::RunFilter)
Q_DECLARE_METATYPE(Yard::NeedsAttentionFilter)
Q_DECLARE_METATYPE(Yard::RunRow)
Q_DECLARE_METATYPE(Yard::RunPage)
Q_DECLARE_METATYPE(Yard::AttentionPage)
