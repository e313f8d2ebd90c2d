// SPDX-License-Identifier: GPL-3.0-or-later
#include "lane.h"

#include "model/lanenames.h"

#include <algorithm>
#include <functional>

namespace Yard {

namespace {
constexpr quint64 kTimeMask = (quint64(1) << 56) - 1;
} // namespace

Lane::Lane(QString name, int limit)
    : m_name(std::move(name))
    , m_limit(limit <= 0 ? 2 : limit)
    , m_id(LaneNames::intern(m_name))
{
    // A view of the interned name: copying it into a ticket or a row costs no atomic operation.
    if (m_id != 0)
        m_name = LaneNames::name(m_id);
}

void Lane::setLimit(int limit)
{
    m_limit = limit <= 0 ? 2 : limit;
}

void Lane::push(Priority priority, TimeMs queuedAt, RunId runId, RunRecord *owner)
{
    const quint64 key = (quint64(priority) << 56) | (quint64(qMax<TimeMs>(0, queuedAt)) & kTimeMask);
    m_heap.push_back(Entry{key, runId, owner});
    std::push_heap(m_heap.begin(), m_heap.end(), std::greater<Entry>());
    ++m_pending;
    if (isUrgent(priority))
        ++m_pendingUrgent;
}

Lane::Entry Lane::popCandidate()
{
    std::pop_heap(m_heap.begin(), m_heap.end(), std::greater<Entry>());
    const Entry e = m_heap.back();
    m_heap.pop_back();
    return e;
}

void Lane::putBack(const Entry &entry)
{
    m_heap.push_back(entry);
    std::push_heap(m_heap.begin(), m_heap.end(), std::greater<Entry>());
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
    s.preemptGraceMs = m_graceMs;
    s.preemptions = m_preemptions;
    s.preemptionsRefused = m_preemptionsRefused;
    return s;
}

std::optional<Priority> Lane::bestWaitingPriority() const
{
    if (m_heap.empty())
        return std::nullopt;
    return m_heap.front().priority();
}

} // namespace Yard
