// SPDX-License-Identifier: GPL-3.0-or-later
#include "audittrail.h"

#include "turnclock.h"
#include "turnevents.h"

#include "store/store.h"

using namespace Qt::StringLiterals;

namespace Yard {

AuditTrail::AuditTrail(const TurnClock &time, Store *store, TurnEvents &events)
    : m_time(time)
    , m_store(store)
    , m_events(events)
{}

void AuditTrail::record(const QString &actor, const QString &action, const QString &target,
                      const QString &reason, const QString &details)
{
    AuditEntry entry{0, m_time.now(), actor, action, target, reason, details};
    m_store->append(AuditInsert{entry});
    Event e = m_events.make(EventType::OperatorAction);
    QString text = actor + u": "_s + action;
    if (!target.isEmpty())
        text += u" "_s + target;
    if (!reason.isEmpty())
        text += u" — "_s + reason;
    if (!details.isEmpty())
        text += u" ("_s + details + u")"_s;
    e.text = text;
    m_events.add(std::move(e));
}

} // namespace Yard
