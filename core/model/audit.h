// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ids.h"

#include <QMetaType>
#include <QString>
#include <QVector>

namespace Yard {

/// One operator action (SPEC E2): who did what to what, why, and when. Persisted.
struct AuditEntry
{
    qint64 id = 0;
    TimeMs time = 0;
    QString actor;
    QString action;  ///< e.g. "pause", "cancel_runs", "set_lane_limit"
    QString target;  ///< e.g. "scheduler", "run 42", "session demo-coder-01", "lane main"
    QString reason;
    QString details; ///< outcome, e.g. "3 runs cancelled"
};

using AuditLog = QVector<AuditEntry>;

} // namespace Yard

Q_DECLARE_METATYPE(Yard::AuditEntry)
Q_DECLARE_METATYPE(Yard::AuditLog)
