// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cycletypes.h"

namespace Yard {

/// Which sessions may take a task, and in which order work and sessions are considered
/// (SPEC D3). Plain functions: no state.
namespace WakeSelector {

/// The session is active, not prompting, has no claimed or running run, works in the task's
/// workspace (global work needs a session without one) and channel, is the task's owner agent
/// if it names one, and has every capability the task requires.
bool isEligible(const CycleSession &session, const TaskRequirements &needs);
/// The same without the session's momentary state (active, prompting, busy): what it could
/// take once idle.
bool fits(const CycleSession &session, const TaskRequirements &needs);

/// Runs by priority, then queued time, then id.
void sortRuns(QVector<CycleRun> &runs);
/// Sessions by created time, then id.
void sortSessions(QVector<CycleSession> &sessions);

} // namespace WakeSelector

} // namespace Yard
