// SPDX-License-Identifier: GPL-3.0-or-later
#include "manualexecutor.h"

#include "exec/inbox.h"
#include "exec/runticket.h"

namespace Yard::Test {

void ManualExecutor::dispatch(const std::vector<RunTicket *> &tickets)
{
    for (RunTicket *ticket : tickets) {
        m_held.append(ticket);
        m_dispatched.append(ticket->request.runId);
    }
    m_maxHeld = qMax(m_maxHeld, int(m_held.size()));
}

QVector<RunId> ManualExecutor::held() const
{
    QVector<RunId> ids;
    for (const RunTicket *t : m_held)
        ids.append(t->request.runId);
    return ids;
}

bool ManualExecutor::isHeld(RunId id) const
{
    for (const RunTicket *t : m_held) {
        if (t->request.runId == id)
            return true;
    }
    return false;
}

bool ManualExecutor::isCancelled(RunId id) const
{
    for (const RunTicket *t : m_held) {
        if (t->request.runId == id)
            return t->cancelled.load();
    }
    return false;
}

bool ManualExecutor::isInterrupted(RunId id) const
{
    const RunTicket *t = ticket(id);
    return t && t->interrupted.load();
}

RunTicket *ManualExecutor::ticket(RunId id) const
{
    for (RunTicket *t : m_held) {
        if (t->request.runId == id)
            return t;
    }
    return nullptr;
}

RunTicket *ManualExecutor::take(RunId id)
{
    for (int i = 0; i < m_held.size(); ++i) {
        if (m_held[i]->request.runId == id)
            return m_held.takeAt(i);
    }
    return nullptr;
}

bool ManualExecutor::finish(RunId id, const Outcome &outcome)
{
    RunTicket *t = take(id);
    if (!t)
        return false;
    t->outcome = outcome;
    InboxItem item;
    item.ticket = t;
    item.runId = id;
    item.kind = InboxItem::Kind::Finished;
    t->inbox->push(std::move(item));
    return true;
}

bool ManualExecutor::execute(RunId id)
{
    RunTicket *t = take(id);
    if (!t)
        return false;
    t->run();
    return true;
}

int ManualExecutor::finishAll()
{
    const QVector<RunId> ids = held();
    for (RunId id : ids)
        finish(id);
    return int(ids.size());
}

} // namespace Yard::Test
