// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/errors.h"
#include "model/ids.h"
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
Q_DECLARE_METATYPE(Yard::RunRow)
Q_DECLARE_METATYPE(Yard::RunPage)
