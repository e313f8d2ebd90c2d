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
    TimeMs queuedAfter = 0;
    TimeMs queuedBefore = 0;
    QString text; ///< substring of input, error or result; "#123" finds run 123

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
