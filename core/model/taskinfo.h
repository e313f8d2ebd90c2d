// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ids.h"

#include <QMetaType>
#include <QString>
#include <QStringList>

namespace Yard {

/// What a task requires of the session that takes it (SPEC D3). Empty fields require nothing,
/// except the workspace: work without one needs a session without one.
struct TaskRequirements
{
    QStringList capabilities;
    QString workspace;
    QString channel;
    QString owner; ///< an agent name; empty = any agent

    bool operator==(const TaskRequirements &) const = default;
};

/// A run's durable escalation budget (SPEC D6): it survives restarts.
struct RunStarvation
{
    RunId run = 0;
    int wakeCount = 0; ///< cycles it stayed queued while starved
    bool spawnRequested = false;
    bool starvedReported = false;
    TimeMs since = 0; ///< first cycle it counted
};

/// What makes a run a task (SPEC D2, D3, D6, D8): bound to no session, it waits until a capable
/// session claims it, then holds a lease while it is claimed or running. Stored beside the run.
struct TaskInfo
{
    TaskRequirements needs;
    SessionId leaseOwner = 0; ///< the session holding the lease; 0 = none
    TimeMs leaseExpiresAt = 0;
    RunStarvation budget;
    /// Set when the ladder marked it needs_attention (the budget is cleared then): how many
    /// escalation cycles it went through, and whether no agent template could spawn a worker.
    int escalatedWakes = 0;
    bool spawnUnresolvable = false;
    QString acknowledgedBy; ///< an operator acknowledged the needs_attention run (SPEC D8)
    QString acknowledgement;
    TimeMs acknowledgedAt = 0;
};

} // namespace Yard
