// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/errors.h"
#include "model/event.h"
#include "model/queueconfig.h"
#include "model/session.h"

#include <functional>

namespace Yard {

class Lane;
class LaneSet;
class SessionChanges;
class SessionManager;
class SessionQueues;
class Store;
class TurnEvents;
struct EngineOptions;

/// What an operator changes live about sessions and lanes (SPEC Q2, L1, L2, D7, U3, U7):
/// close or pause a session, its queue config and the defaults, a lane's limit and pause. Each
/// change is stored, applied to what runs, and reported as an event. Engine thread only.
class SettingsControl final
{
    Q_DISABLE_COPY_MOVE(SettingsControl)

public:
    struct Parts
    {
        Store *store;
        SessionManager *sessions;
        SessionQueues *queues;
        LaneSet *lanes;
        TurnEvents *events;
        SessionChanges *changes;
        EngineOptions *options;
        std::function<void()> lanesChanged; ///< a lane's limit changed
    };
    explicit SettingsControl(const Parts &parts); ///< Not owning any of them.

    Error closeSession(SessionId id);
    Error setSessionQueueConfig(SessionId id, const QueueConfigOverride &override);
    Error setSessionPaused(SessionId id, bool paused);
    void setDefaultQueueConfig(const QueueConfig &config);
    /// Effective queue config of a session (defaults + overrides; the defaults if unknown).
    QueueConfig queueConfig(SessionId id) const;

    Error setLaneLimit(const QString &name, int limit);
    Error setLanePaused(const QString &name, bool paused);
    /// How long an interrupted run of this lane has to yield (SPEC P2); 0 = the default.
    Error setLanePreemptGrace(const QString &name, int ms);

private:
    Error changeSession(SessionId id, EventType type, const std::function<void(Session &)> &change,
                        const std::function<QString()> &describe = {});
    Error changeLane(const QString &name, const std::function<QString(Lane &)> &change);

    Parts m_p;
};

} // namespace Yard
