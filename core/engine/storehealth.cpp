// SPDX-License-Identifier: GPL-3.0-or-later
#include "storehealth.h"

#include "audittrail.h"
#include "durabilitytracker.h"
#include "pausecontrol.h"
#include "turnevents.h"
#include "turnhost.h"

#include "logging.h"

#include <QMetaObject>

using namespace Qt::StringLiterals;

namespace Yard {

const QString StoreHealth::kActor = u"store"_s;

StoreHealth::StoreHealth(const Parts &parts)
    : m_p(parts)
    , m_target(parts.engineThread)
{}

StoreHealth::~StoreHealth()
{
    if (m_attached)
        m_p.store->setObserver(nullptr); // no report arrives after this
}

void StoreHealth::attach()
{
    m_attached = true;
    m_p.store->setObserver(this);
}

Error StoreHealth::refusal() const
{
    if (!m_failing)
        return {};
    return Error::make(ErrorCode::StoreFailed,
                       u"the store cannot write (%1); new work is refused until writes succeed again"_s
                           .arg(m_failure.message));
}

template<typename Fn>
void StoreHealth::post(Fn fn)
{
    // The engine outlives the registration (the destructor detaches first, while the engine is
    // still whole); a call still queued when the engine goes is dropped with its events.
    QMetaObject::invokeMethod(
        m_target,
        [this, fn = std::move(fn)]() mutable {
            TurnScope turn(m_p.turns);
            fn();
        },
        Qt::QueuedConnection);
}

void StoreHealth::committed(quint64 seq)
{
    post([this, seq] { m_p.durability->committed(seq); });
}

void StoreHealth::writesFailing(const Error &error)
{
    post([this, error] { onFailing(error); });
}

void StoreHealth::writesRecovered(qint64 failedForMs)
{
    post([this, failedForMs] { onRecovered(failedForMs); });
}

void StoreHealth::onFailing(const Error &error)
{
    const bool first = !m_failing;
    m_failing = true;
    m_failure = error;
    const QString reason = u"store write failed: "_s + error.message;
    m_p.pause->pause(reason, kActor);
    Event e = m_p.events->make(EventType::StoreFailed);
    e.code = ErrorCode::StoreFailed;
    e.text = error.message;
    m_p.events->add(std::move(e));
    if (first)
        m_p.audit->record(kActor, u"pause"_s, {}, reason,
                          u"new work is refused; nothing accepted is dropped, writes are retried"_s);
    qCWarning(lcEngine).noquote() << "scheduler paused:" << reason
                                  << "- new work is refused with store_failed until writes succeed";
}

void StoreHealth::onRecovered(qint64 failedForMs)
{
    if (!m_failing)
        return;
    m_failing = false;
    const QString failure = m_failure.message;
    m_failure = {};
    const QString note = u"writes succeed again after %1 s; everything kept meanwhile is written"_s
                             .arg(double(failedForMs) / 1000.0, 0, 'f', 1);
    Event e = m_p.events->make(EventType::StoreRecovered);
    e.text = note;
    e.value = failedForMs;
    m_p.events->add(std::move(e));
    m_p.audit->record(kActor, u"recovered"_s, {}, note, failure);
    // Still paused: the operator decides when to resume (the reason says why it paused).
    if (m_p.pause->isPaused() && m_p.pause->state().actor == kActor)
        m_p.pause->pause(u"store writes failed for %1 s and succeed again; everything kept was "
                         "written. Resume when ready (the failure: %2)"_s
                             .arg(double(failedForMs) / 1000.0, 0, 'f', 1)
                             .arg(failure),
                         kActor);
    qCInfo(lcEngine).noquote() << "store:" << note << "- the scheduler stays paused until resumed";
}

} // namespace Yard
