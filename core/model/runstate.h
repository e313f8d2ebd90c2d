// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <optional>

namespace Yard {

/// Run states (SPEC D1). `Merged` extends D1 for collect mode (Q3): a queued message folded into
/// another run ends there, pointing at the run that carried it.
enum class RunState : quint8 {
    Scheduled,
    Queued,
    Claimed,
    Running,
    RetryWait,
    Completed,
    Failed,
    Cancelled,
    NeedsAttention,
    Merged,
    Count
};

QString runStateName(RunState state);
std::optional<RunState> runStateFromName(QStringView name);

/// True for states a run never leaves on its own (completed, failed, cancelled, merged).
bool isTerminal(RunState state);

/// The checked transition table: true when `from` -> `to` is allowed.
bool canTransition(RunState from, RunState to);

} // namespace Yard
