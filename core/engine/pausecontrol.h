// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "admissiongate.h"
#include "enginestatus.h"

namespace Yard {

class LaneSet;
class Store;
class TurnClock;
class TurnEvents;

/// The scheduler-wide pause (SPEC D7): persisted with reason, actor and time; while paused no
/// run starts anywhere (it is an admission gate), running runs go on. Resume restarts admission
/// at once. Engine thread only.
class PauseControl final : public AdmissionGate
{
    Q_DISABLE_COPY_MOVE(PauseControl)

public:
    PauseControl(const TurnClock &time, TurnEvents &events, Store *store, LaneSet &lanes);

    const PauseState &state() const { return m_state; }
    bool isPaused() const { return m_state.paused; }

    /// Pauses (or changes the reason of a pause). Returns false if nothing changed.
    bool pause(const QString &reason, const QString &actor);
    /// Ends the pause and lets every lane admit again.
    void resume(const QString &actor);
    /// The stored pause, at start; no event.
    void restore(const QString &storedJson);

    // AdmissionGate
    bool admitsLane(const Lane &) const override { return !m_state.paused; }

    static const QString kSettingKey;

private:
    void persist();

    const TurnClock &m_time;
    TurnEvents &m_events;
    Store *m_store; ///< Not owning.
    LaneSet &m_lanes;
    PauseState m_state;
};

} // namespace Yard
