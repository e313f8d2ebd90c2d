// SPDX-License-Identifier: GPL-3.0-or-later
#include "pausecontrol.h"

#include "laneset.h"
#include "turnclock.h"
#include "turnevents.h"

#include "logging.h"
#include "store/store.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace Yard {

const QString PauseControl::kSettingKey = u"scheduler.pause"_s;

PauseControl::PauseControl(const TurnClock &time, TurnEvents &events, Store *store, LaneSet &lanes)
    : m_time(time)
    , m_events(events)
    , m_store(store)
    , m_lanes(lanes)
{}

bool PauseControl::pause(const QString &reason, const QString &actor)
{
    if (m_state.paused && m_state.reason == reason)
        return false;
    m_state = PauseState{true, reason, actor, m_time.now()};
    persist();
    Event e = m_events.make(EventType::SchedulerPaused);
    e.text = reason;
    m_events.add(std::move(e));
    qCInfo(lcEngine).noquote() << "paused by" << (actor.isEmpty() ? u"?"_s : actor) << "-" << reason;
    return true;
}

void PauseControl::resume(const QString &actor)
{
    m_state = PauseState{};
    persist();
    Event e = m_events.make(EventType::SchedulerResumed);
    e.text = actor;
    m_events.add(std::move(e));
    m_lanes.markAllDirty();
    qCInfo(lcEngine).noquote() << "resumed by" << (actor.isEmpty() ? u"?"_s : actor);
}

void PauseControl::restore(const QString &storedJson)
{
    const QJsonObject p = QJsonDocument::fromJson(storedJson.toUtf8()).object();
    m_state = PauseState{true, p.value(u"reason"_s).toString(), p.value(u"actor"_s).toString(),
                         p.value(u"since"_s).toInteger()};
}

void PauseControl::persist()
{
    if (!m_state.paused) {
        m_store->append(SettingSet{kSettingKey, QString()});
        return;
    }
    const QJsonObject o{{u"reason"_s, m_state.reason},
                        {u"actor"_s, m_state.actor},
                        {u"since"_s, m_state.since}};
    m_store->append(SettingSet{kSettingKey, QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact))});
}

} // namespace Yard
