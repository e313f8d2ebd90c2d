// SPDX-License-Identifier: GPL-3.0-or-later
#include "settingscontrol.h"

#include "engineoptions.h"
#include "laneset.h"
#include "sessionchanges.h"
#include "sessionmanager.h"
#include "sessionqueues.h"
#include "startuprestore.h"
#include "turnevents.h"

#include "store/store.h"

#include <QJsonDocument>

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace Yard {

namespace {
QString compactJson(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}
} // namespace

SettingsControl::SettingsControl(const Parts &parts)
    : m_p(parts)
{}

Error SettingsControl::changeSession(SessionId id, EventType type,
                                     const std::function<void(Session &)> &change,
                                     const std::function<QString()> &describe)
{
    const Session *found = m_p.sessions->find(id);
    if (!found)
        return Errors::sessionNotFound(id);
    Session s = *found;
    change(s);
    if (Error e = m_p.sessions->update(s); e.isError())
        return e;
    Event e = m_p.events->make(type);
    e.session = id;
    if (describe)
        e.text = describe();
    m_p.events->add(std::move(e));
    m_p.changes->mark(id);
    return {};
}

Error SettingsControl::closeSession(SessionId id)
{
    return changeSession(id, EventType::SessionClosed, [&](Session &s) {
        s.state = SessionState::Closed;
        if (SessionQueue *q = m_p.queues->live(id))
            q->clearQueued(ErrorCode::SessionClosed, u"session closed"_s);
    });
}

Error SettingsControl::setSessionQueueConfig(SessionId id, const QueueConfigOverride &override)
{
    return changeSession(
        id, EventType::QueueConfigChanged,
        [&](Session &s) {
            s.queueOverride = override;
            if (SessionQueue *q = m_p.queues->live(id))
                q->setConfig(override.applyTo(m_p.options->defaultQueue));
        },
        [&] { return compactJson(queueConfig(id).toJson()); });
}

Error SettingsControl::setSessionPaused(SessionId id, bool paused)
{
    return changeSession(
        id, EventType::SessionUpdated,
        [&](Session &s) {
            s.paused = paused;
            if (SessionQueue *q = m_p.queues->live(id))
                q->setPaused(paused);
        },
        [paused] { return paused ? u"paused"_s : u"resumed"_s; });
}

void SettingsControl::setDefaultQueueConfig(const QueueConfig &config)
{
    m_p.options->defaultQueue = config;
    m_p.store->append(SettingSet{StartupRestore::kQueueDefaultsKey, compactJson(config.toJson())});
    m_p.queues->applyDefaults();
}

QueueConfig SettingsControl::queueConfig(SessionId id) const
{
    const Session *s = m_p.sessions->find(id);
    return s ? m_p.queues->configOf(*s) : m_p.options->defaultQueue;
}

Error SettingsControl::changeLane(const QString &name, const std::function<QString(Lane &)> &change)
{
    const int index = m_p.lanes->find(name);
    if (index < 0)
        return Error::make(ErrorCode::InvalidRequest, u"unknown lane \"%1\"; known lanes: %2"_s.arg(
                                                          name, m_p.lanes->names().join(u", "_s)));
    Lane &lane = m_p.lanes->at(index);
    const QString text = change(lane);
    m_p.store->append(LaneUpsert{name, lane.limit(), lane.isPaused(), lane.preemptGraceMs()});
    Event e = m_p.events->make(EventType::LaneChanged);
    e.lane = lane.id();
    e.value = lane.limit();
    e.text = text;
    m_p.events->add(std::move(e));
    m_p.lanes->markAllDirty();
    if (m_p.lanesChanged)
        m_p.lanesChanged();
    return {};
}

Error SettingsControl::setLaneLimit(const QString &name, int limit)
{
    // A new name creates the lane (SPEC L1: the UI and the API create lanes).
    if (m_p.lanes->find(name) < 0) {
        static const QRegularExpression kName(u"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"_s);
        if (!kName.match(name).hasMatch())
            return Error::make(ErrorCode::InvalidRequest,
                               u"\"%1\" is not a lane name: use up to 64 letters, digits, '_', '.' or '-', "
                               "starting with a letter or digit"_s.arg(name));
        if (limit < 1 || limit > 100'000)
            return Error::make(ErrorCode::InvalidRequest,
                               u"a new lane needs a limit from 1 to 100000, not %1"_s.arg(limit));
        m_p.lanes->define(name, limit);
        if (m_p.lanes->find(name) < 0)
            return Error::make(ErrorCode::InvalidRequest, u"lane \"%1\" could not be created"_s.arg(name));
    }
    return changeLane(name, [&](Lane &lane) {
        m_p.lanes->define(name, limit);
        return u"limit %1"_s.arg(lane.limit());
    });
}

Error SettingsControl::setLanePaused(const QString &name, bool paused)
{
    return changeLane(name, [paused](Lane &lane) {
        lane.setPaused(paused);
        return paused ? u"paused"_s : u"resumed"_s;
    });
}

Error SettingsControl::setLanePreemptGrace(const QString &name, int ms)
{
    if (ms < 0 || ms > 3'600'000)
        return Error::make(ErrorCode::InvalidRequest,
                           u"a grace period must be from 0 (the default) to 3600000 ms, not %1"_s.arg(ms));
    return changeLane(name, [this, ms](Lane &lane) {
        lane.setPreemptGraceMs(ms);
        return ms > 0 ? u"preemption grace %1 ms"_s.arg(ms)
                      : u"preemption grace: the default (%1 ms)"_s.arg(m_p.options->preemptGraceMs);
    });
}

} // namespace Yard
