// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace Yard {

class Store;
class TurnClock;
class TurnEvents;

/// The persisted log of operator actions (SPEC E2): who did what to what, why, and when. Each
/// entry is also reported as an operator.action event. The scheduler itself writes here too
/// (actor "store" when it pauses on failing writes).
class AuditTrail final
{
    Q_DISABLE_COPY_MOVE(AuditTrail)

public:
    AuditTrail(const TurnClock &time, Store *store, TurnEvents &events);

    void record(const QString &actor, const QString &action, const QString &target,
                const QString &reason, const QString &details = {});

private:
    const TurnClock &m_time;
    Store *m_store; ///< Not owning.
    TurnEvents &m_events;
};

} // namespace Yard
