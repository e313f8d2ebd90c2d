// SPDX-License-Identifier: GPL-3.0-or-later
#include "sessionqueues.h"

#include "activeruns.h"
#include "admissionpump.h"
#include "runresolver.h"
#include "runtable.h"
#include "sessionchanges.h"
#include "sessionmanager.h"
#include "turnclock.h"
#include "turnevents.h"
#include "turnhost.h"

#include "model/errors.h"

using namespace Qt::StringLiterals;

namespace Yard {

SessionQueues::SessionQueues(const Parts &parts)
    : m_p(parts)
{
    setTokenEstimator({});
}

SessionQueues::~SessionQueues()
{
    stopEviction();
}

TimeMs SessionQueues::now() const
{
    return m_p.time->now();
}

void SessionQueues::setTokenEstimator(TokenEstimator estimator)
{
    if (estimator) {
        m_estimator = std::move(estimator);
        return;
    }
    EngineOptions *options = m_p.options;
    m_estimator = [options](const Session &s) {
        return TokenEstimate{s.transcriptChars / 4,
                             options->contextWindows.value(s.agent, options->defaultContextWindow)};
    };
}

void SessionQueues::setContextWindow(const QString &agent, qint64 tokens)
{
    m_p.options->contextWindows.insert(agent, qMax<qint64>(1, tokens));
    for (auto &[id, live] : m_live) {
        const Session *s = m_p.sessions->find(id);
        if (s && s->agent == agent) {
            m_p.changes->mark(live.queue.get());
            live.queue->pump(); // the throttle may allow more now
        }
    }
}

QueueConfig SessionQueues::configOf(const Session &session) const
{
    return session.queueOverride.applyTo(m_p.options->defaultQueue);
}

void SessionQueues::applyDefaults()
{
    for (auto &[id, live] : m_live) {
        const Session *s = m_p.sessions->find(id);
        live.queue->setConfig(s ? configOf(*s) : m_p.options->defaultQueue);
        m_p.changes->mark(id);
    }
}

Expected<SessionQueue *> SessionQueues::open(SessionId id)
{
    if (SessionQueue *q = live(id))
        return q;
    const Session *s = m_p.sessions->find(id);
    if (!s) {
        // Not in the index: ask the store (another process may have created it).
        Expected<CachedSession *> c = m_p.sessions->get(id);
        if (!c)
            return c.error();
        s = m_p.sessions->find(id);
        if (!s)
            return Errors::sessionNotFound(id);
    }
    auto queue = std::make_unique<SessionQueue>(id, static_cast<SessionQueueHost *>(this));
    SessionQueue *raw = queue.get();
    raw->setConfig(configOf(*s));
    raw->setPaused(s->paused);
    raw->setStaleCutoff(s->staleCutoff);
    m_live.emplace(id, LiveSession{std::move(queue), 0});
    return raw;
}

void SessionQueues::startEviction()
{
    const int sweepEvery = qMax(1000, m_p.options->idleEvictMs / 2);
    m_evictTimer = m_p.timers->callAfter(sweepEvery, [this] { evictIdle(); });
}

void SessionQueues::stopEviction()
{
    m_p.timers->cancel(m_evictTimer);
}

void SessionQueues::evictIdle()
{
    m_evictTimer = 0;
    const TimeMs t = now();
    std::vector<SessionId> victims;
    for (const auto &[id, live] : m_live) {
        if (live.queue->isIdle() && live.debounceTimer == 0
            && t - live.queue->lastActivity() >= m_p.options->idleEvictMs)
            victims.push_back(id);
    }
    for (SessionId id : victims) {
        m_live.erase(id);
        Event e = m_p.events->make(EventType::SessionEvicted);
        e.session = id;
        m_p.events->add(std::move(e));
    }
    startEviction();
}

// SessionQueueHost ----------------------------------------------------------------------------

void SessionQueues::resolveQueued(RunRecord *run, ErrorCode code, const QString &why)
{
    if (run->queue)
        m_p.changes->mark(run->queue);
    if (m_p.resolver->finish(run, RunState::Cancelled, code, why))
        m_p.runs->destroy(run);
}

void SessionQueues::cancelActive(RunRecord *run, ErrorCode code, const QString &why)
{
    m_p.active->cancel(run, code, why);
}

void SessionQueues::merge(RunRecord *carrier, RunRecord *merged)
{
    RunDetail &c = carrier->details();
    c.input += u"\n"_s + (merged->detail ? merged->detail->input : QString());
    if (c.mergedCount == 0)
        c.mergedCount = 1;
    ++c.mergedCount;
    m_p.resolver->persist(carrier);
    merged->details().mergedInto = carrier->id;
    if (m_p.resolver->finish(merged, RunState::Merged, ErrorCode::None,
                             u"merged into run %1"_s.arg(carrier->id)))
        m_p.runs->destroy(merged);
}

void SessionQueues::admitToLane(RunRecord *run)
{
    m_p.pump->enqueue(run);
}

void SessionQueues::armDebounce(SessionQueue *queue, TimeMs at)
{
    auto it = m_live.find(queue->id());
    if (it == m_live.end())
        return;
    LiveSession &live = it->second;
    m_p.timers->cancel(live.debounceTimer);
    if (at < 0)
        return;
    const SessionId id = queue->id();
    live.debounceTimer = m_p.timers->callAt(at, [this, id] {
        auto found = m_live.find(id);
        if (found == m_live.end())
            return;
        found->second.debounceTimer = 0;
        found->second.queue->debounceFired();
        m_p.changes->mark(id);
    });
}

void SessionQueues::staleCutoffChanged(SessionQueue *queue, TimeMs cutoff)
{
    const Session *found = m_p.sessions->find(queue->id());
    if (!found || found->staleCutoff == cutoff)
        return;
    Session s = *found;
    s.staleCutoff = cutoff;
    m_p.sessions->update(s);
}

int SessionQueues::effectiveConcurrency(const SessionQueue &queue) const
{
    const int max = queue.config().effectiveMaxConcurrent();
    if (max <= 1)
        return 1;
    const Session *s = m_p.sessions->find(queue.id());
    if (s && m_estimator(*s).ratio() >= m_p.options->throttleRatio)
        return 1;
    return max;
}

} // namespace Yard
