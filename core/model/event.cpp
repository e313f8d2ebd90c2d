// SPDX-License-Identifier: GPL-3.0-or-later
#include "event.h"

#include <array>

namespace Yard {

namespace {
constexpr std::array<const char16_t *, size_t(EventType::Count)> kNames{
    u"session.created",       u"session.updated",       u"session.closed",
    u"session.deleted",       u"session.evicted",       u"message.added",
    u"run.queued",            u"run.started",           u"run.completed",
    u"run.failed",            u"run.cancelled",         u"run.dropped",
    u"run.rejected",          u"run.stale",             u"run.merged",
    u"run.interrupted",       u"run.rescheduled",       u"run.retry_scheduled",
    u"run.needs_attention",   u"run.recovered",         u"run.progress",
    u"lease.recovered",       u"wake.sent",             u"run.starved",
    u"spawn.requested",       u"spawn.unresolvable",    u"run.claimed",
    u"cycle.completed",       u"scheduler.paused",
    u"scheduler.resumed",     u"scheduler.draining",    u"scheduler.drained",
    u"lane.changed",          u"job.fired",             u"session.queue_config",
    u"store.failed",          u"store.recovered",       u"operator.action",
};
} // namespace

QString eventTypeName(EventType type)
{
    const auto i = size_t(type);
    return i < kNames.size() ? QString::fromUtf16(kNames[i]) : QString();
}

std::optional<EventType> eventTypeFromName(QStringView name)
{
    for (size_t i = 0; i < kNames.size(); ++i) {
        if (name == QStringView(kNames[i]))
            return EventType(i);
    }
    return std::nullopt;
}

bool endsRun(EventType type)
{
    switch (type) {
    case EventType::RunCompleted:
    case EventType::RunFailed:
    case EventType::RunCancelled:
    case EventType::RunDropped:
    case EventType::RunStale:
    case EventType::RunMerged:
        return true;
    default:
        return false;
    }
}

} // namespace Yard
