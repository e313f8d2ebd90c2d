// SPDX-License-Identifier: GPL-3.0-or-later
#include "lane.h"

#include "model/lanenames.h"

namespace Yard {

Lane::Lane(QString name, int limit)
    : m_name(std::move(name))
    , m_id(LaneNames::intern(m_name))
    , m_limit(limit <= 0 ? 2 : limit)
{}

void Lane::setLimit(int limit)
{
    m_limit = limit <= 0 ? 2 : limit;
}

quint64 Lane::push(Priority priority, TimeMs queuedAt, RunId runId, void *owner)
{
    const quint64 seq = m_nextSeq++;
    m_heap.push(Entry{quint8(priority), queuedAt, runId, seq, owner});
    ++m_pending;
    return seq;
}

Lane::Entry Lane::popCandidate()
{
    Entry e = m_heap.top();
    m_heap.pop();
    return e;
}

LaneStats Lane::stats() const
{
    LaneStats s;
    s.name = m_name;
    s.limit = m_limit;
    s.active = m_active;
    s.pending = m_pending;
    s.paused = m_paused;
    s.started = m_started;
    return s;
}

std::optional<Priority> Lane::bestWaitingPriority() const
{
    if (m_heap.empty())
        return std::nullopt;
    return Priority(m_heap.top().priority);
}

} // namespace Yard
