// SPDX-License-Identifier: GPL-3.0-or-later
#include "sessionqueue.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Yard {

SessionQueue::SessionQueue(SessionId id, SessionQueueHost *host)
    : m_id(id)
    , m_host(host)
    , m_lastActivity(host->now())
{}

void SessionQueue::setConfig(const QueueConfig &config)
{
    m_config = config;
    pump();
}

void SessionQueue::setPaused(bool paused)
{
    m_paused = paused;
    if (!paused)
        pump();
}

bool SessionQueue::isStale(const RunRecord *run) const
{
    return m_staleCutoff > 0 && run->queuedAt < m_staleCutoff;
}

void SessionQueue::pushBack(RunRecord *run)
{
    run->next = nullptr;
    if (m_tail)
        m_tail->next = run;
    else
        m_head = run;
    m_tail = run;
    ++m_pendingCount;
}

RunRecord *SessionQueue::popFront()
{
    RunRecord *run = m_head;
    m_head = run->next;
    if (!m_head)
        m_tail = nullptr;
    run->next = nullptr;
    --m_pendingCount;
    return run;
}

RunRecord *SessionQueue::takeAllPending()
{
    RunRecord *first = m_head;
    m_head = m_tail = nullptr;
    m_pendingCount = 0;
    return first;
}

SessionQueue::Admission SessionQueue::admit(RunRecord *run, ErrorCode *code)
{
    const TimeMs now = m_host->now();
    m_lastActivity = now;
    if (isStale(run))
        return Admission::Stale;

    if (m_config.mode == QueueMode::Interrupt) {
        // Cancel what runs, resolve what waits, then take the new message; no cap (Q3).
        std::vector<RunRecord *> active;
        active.swap(m_active);
        for (RunRecord *r : active)
            m_host->cancelActive(r, ErrorCode::RunCancelled, u"interrupted by a newer message"_s);
        clearQueued(ErrorCode::RunCancelled, u"superseded by a newer message (interrupt mode)"_s);
    } else if (m_pendingCount >= m_config.cap) {
        if (m_config.drop == DropPolicy::New) {
            *code = ErrorCode::QueueFull;
            return Admission::Rejected;
        }
        if (m_head) {
            RunRecord *oldest = popFront();
            m_host->resolveQueued(oldest, ErrorCode::QueueDropped,
                                  u"dropped from a full queue (cap %1)"_s.arg(m_config.cap));
        }
    }
    pushBack(run);
    m_lastEnqueue = now;
    return Admission::Accepted;
}

void SessionQueue::restore(RunRecord *run)
{
    auto before = [](const RunRecord *a, const RunRecord *b) {
        return a->queuedAt != b->queuedAt ? a->queuedAt < b->queuedAt : a->id < b->id;
    };
    // Restored runs arrive in order almost always: appending is the common case.
    if (!m_tail || !before(run, m_tail)) {
        pushBack(run);
        return;
    }
    RunRecord **link = &m_head;
    while (*link && !before(run, *link))
        link = &(*link)->next;
    run->next = *link;
    *link = run;
    ++m_pendingCount;
}

void SessionQueue::pump()
{
    if (m_paused || !m_head)
        return;
    if (activeCount() >= m_host->effectiveConcurrency(*this))
        return;
    if (m_config.debounceMs > 0) {
        const TimeMs quietUntil = m_lastEnqueue + m_config.debounceMs;
        if (m_host->now() < quietUntil) {
            m_host->armDebounce(this, quietUntil);
            m_debounceArmed = true;
            return;
        }
    }
    if (m_debounceArmed) {
        m_host->armDebounce(this, -1);
        m_debounceArmed = false;
    }
    startAvailable();
}

void SessionQueue::debounceFired()
{
    m_debounceArmed = false;
    pump();
}

void SessionQueue::startAvailable()
{
    const int capacity = m_host->effectiveConcurrency(*this);
    while (activeCount() < capacity && m_head) {
        RunRecord *head = popFront();
        if (isStale(head)) {
            m_host->resolveQueued(head, ErrorCode::MessageStale, u"enqueued before a cancel-all"_s);
            continue;
        }
        if (m_staleCutoff != 0) {
            m_staleCutoff = 0; // goclaw: the cutoff clears at the first fresh message
            m_host->staleCutoffChanged(this, 0);
        }
        if (m_config.mode == QueueMode::Collect) {
            while (m_head) {
                RunRecord *next = popFront();
                if (isStale(next))
                    m_host->resolveQueued(next, ErrorCode::MessageStale, u"enqueued before a cancel-all"_s);
                else
                    m_host->merge(head, next);
            }
        }
        m_active.push_back(head);
        m_lastActivity = m_host->now();
        m_host->admitToLane(head);
    }
}

bool SessionQueue::takeActive(RunRecord *run)
{
    auto it = std::find(m_active.begin(), m_active.end(), run);
    if (it == m_active.end())
        return false;
    m_active.erase(it);
    m_lastActivity = m_host->now();
    return true;
}

void SessionQueue::activeFinished(RunRecord *run)
{
    takeActive(run);
    pump();
}

bool SessionQueue::removeQueued(RunRecord *run)
{
    RunRecord *previous = nullptr;
    for (RunRecord *r = m_head; r; previous = r, r = r->next) {
        if (r != run)
            continue;
        (previous ? previous->next : m_head) = r->next;
        if (m_tail == r)
            m_tail = previous;
        r->next = nullptr;
        --m_pendingCount;
        return true;
    }
    return false;
}

bool SessionQueue::cancelOne()
{
    m_lastActivity = m_host->now();
    if (m_active.empty())
        return false;
    RunRecord *oldest = m_active.front();
    m_active.erase(m_active.begin());
    m_host->cancelActive(oldest, ErrorCode::RunCancelled, u"cancelled by operator (oldest run)"_s);
    pump();
    return true;
}

int SessionQueue::cancelAll()
{
    m_lastActivity = m_host->now();
    m_staleCutoff = m_host->now();
    m_host->staleCutoffChanged(this, m_staleCutoff);
    std::vector<RunRecord *> active;
    active.swap(m_active);
    for (RunRecord *r : active)
        m_host->cancelActive(r, ErrorCode::RunCancelled, u"cancelled by operator (cancel all)"_s);
    return int(active.size())
           + clearQueued(ErrorCode::RunCancelled, u"cancelled by operator (cancel all)"_s);
}

int SessionQueue::reset()
{
    m_lastActivity = m_host->now();
    std::vector<RunRecord *> active;
    active.swap(m_active);
    for (RunRecord *r : active)
        m_host->cancelActive(r, ErrorCode::LaneCleared, u"session queue reset"_s);
    return int(active.size()) + clearQueued(ErrorCode::LaneCleared, u"session queue reset"_s);
}

int SessionQueue::clearQueued(ErrorCode code, const QString &why)
{
    int cleared = 0;
    for (RunRecord *r = takeAllPending(); r;) {
        RunRecord *next = r->next; // the host frees r
        r->next = nullptr;
        m_host->resolveQueued(r, code, why);
        ++cleared;
        r = next;
    }
    if (m_debounceArmed) {
        m_host->armDebounce(this, -1);
        m_debounceArmed = false;
    }
    return cleared;
}

} // namespace Yard
