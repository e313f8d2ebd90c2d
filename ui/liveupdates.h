// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/enginestatus.h"
#include "model/event.h"

namespace Yard::Ui {

/// "Pause live updates" (U12, River UI's): while held, the views stop moving but nothing is
/// lost. Snapshots are merged into one (they are deltas: the newest numbers, every changed or
/// removed session, every new sample and cycle, the newest job list) and event batches are
/// kept in order, up to a bound; released, the views get it all at once.
class LiveUpdates final
{
public:
    /// Events kept while held; past it the oldest are dropped and overflowed() says so (the
    /// views then reload what they page from the database).
    static constexpr qsizetype kMaxHeldEvents = 200'000;

    bool isHeld() const { return m_held; }
    void hold() { m_held = true; }
    /// Ends the hold; the caller applies what was kept (taken with takeSnapshot/takeEvents).
    void release() { m_held = false; }

    void addSnapshot(const EngineSnapshot &snapshot);
    void addEvents(const EventBatch &events);
    bool hasSnapshot() const { return m_hasSnapshot; }
    EngineSnapshot takeSnapshot();
    EventBatch takeEvents();
    bool overflowed() const { return m_overflowed; }
    /// Changes waiting: events plus sessions changed.
    qsizetype waiting() const { return m_events.size() + m_snapshot.changedSessions.size(); }

    /// `next` folded into `into`, as if the views had seen both.
    static void merge(EngineSnapshot &into, const EngineSnapshot &next);

private:
    bool m_held = false;
    bool m_hasSnapshot = false;
    bool m_overflowed = false;
    EngineSnapshot m_snapshot;
    EventBatch m_events;
};

} // namespace Yard::Ui
