// SPDX-License-Identifier: GPL-3.0-or-later
#include "wakeselector.h"

#include <algorithm>

namespace Yard::WakeSelector {

bool isEligible(const CycleSession &session, const TaskRequirements &needs)
{
    if (session.state != SessionState::Active || session.prompting || session.busy)
        return false;
    return fits(session, needs);
}

bool fits(const CycleSession &session, const TaskRequirements &needs)
{
    if (session.workspace != needs.workspace) // global work needs a session without a workspace
        return false;
    if (session.channel != needs.channel)
        return false;
    if (!needs.owner.isEmpty() && session.agent != needs.owner)
        return false;
    for (const QString &c : needs.capabilities) {
        if (!session.capabilities.contains(c))
            return false;
    }
    return true;
}

void sortRuns(QVector<CycleRun> &runs)
{
    std::sort(runs.begin(), runs.end(), [](const CycleRun &a, const CycleRun &b) {
        if (a.priority != b.priority)
            return a.priority < b.priority; // Interactive (0) first
        if (a.queuedAt != b.queuedAt)
            return a.queuedAt < b.queuedAt;
        return a.id < b.id;
    });
}

void sortSessions(QVector<CycleSession> &sessions)
{
    const auto before = [](const CycleSession &a, const CycleSession &b) {
        return a.createdAt != b.createdAt ? a.createdAt < b.createdAt : a.id < b.id;
    };
    // Sources usually list them in creation order already: checking is cheaper than moving them.
    if (!std::is_sorted(sessions.cbegin(), sessions.cend(), before))
        std::sort(sessions.begin(), sessions.end(), before);
}

} // namespace Yard::WakeSelector
