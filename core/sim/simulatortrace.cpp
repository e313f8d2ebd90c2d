// SPDX-License-Identifier: GPL-3.0-or-later
// The trace: each event as one JSON line in the contract's key order, and the summary (SPEC I6).
#include "simulator_p.h"

#include "model/isotime.h"
#include "model/jsonwriter.h"

using namespace Qt::StringLiterals;

namespace Yard::Sim {

QByteArray Summary::line() const
{
    JsonWriter w;
    w.add("event", "summary")
        .add("runs", runs)
        .add("completed", completed)
        .add("failed", failed)
        .add("cancelled", cancelled)
        .add("dropped", dropped)
        .add("rejected", rejected)
        .add("stale", stale)
        .add("merged", merged)
        .add("needs_attention", needsAttention)
        .add("cycles", cycles)
        .add("wakes", wakes)
        .add("preemptions", preemptions)
        .add("preemptions_refused", preemptionsRefused)
        .add("recovered_leases", recoveredLeases)
        .add("retries", retries);
    return w.finish();
}

void Simulator::Private::write(const EventBatch &batch)
{
    // A job's run is named by its fire: bind the names first, so the run's own lines carry it.
    for (const Event &e : batch) {
        if (e.type == EventType::JobFired && e.run && !runRefs.contains(e.run)) {
            const QString job = jobRefs.value(e.value);
            if (!job.isEmpty()) {
                const QString ref = u"%1#%2"_s.arg(job).arg(++jobFires[e.value]);
                runRefs.insert(e.run, ref);
                runIds.insert(ref, e.run);
            }
        }
        if (e.type == EventType::SessionCreated && e.session)
            sessionKeys.insert(e.session, e.text);
    }
    for (const Event &e : batch) {
        if (e.type == EventType::RunStarted)
            attempts.insert(e.run, int(e.value));
        switch (e.type) {
        case EventType::RunQueued:
            if (!queuedRuns.contains(e.run)) { // a retry or a requeue queues the same run again
                queuedRuns.insert(e.run);
                ++summary.runs;
            }
            break;
        case EventType::RunCompleted: ++summary.completed; break;
        case EventType::RunFailed: ++summary.failed; break;
        case EventType::RunCancelled: ++summary.cancelled; break;
        case EventType::RunDropped: ++summary.dropped; break;
        case EventType::RunRejected: ++summary.rejected; break;
        case EventType::RunStale: ++summary.stale; break;
        case EventType::RunMerged: ++summary.merged; break;
        case EventType::RunNeedsAttention: ++summary.needsAttention; break;
        case EventType::CycleCompleted: ++summary.cycles; break;
        case EventType::WakeSent: ++summary.wakes; break;
        case EventType::RunInterrupted: ++summary.preemptions; break;
        case EventType::LeaseRecovered: ++summary.recoveredLeases; break;
        case EventType::RunRetryScheduled: ++summary.retries; break;
        default: break;
        }
        out(line(e));
    }
}

QByteArray Simulator::Private::line(const Event &e)
{
    JsonWriter w;
    w.add("t", isoUtc(e.time));
    w.add("event", eventTypeName(e.type));
    if (e.run) {
        w.add("run", e.run);
        if (const QString ref = runRefs.value(e.run); !ref.isEmpty())
            w.add("ref", ref);
    } else if (e.type == EventType::RunRejected && !currentRef.isEmpty()) {
        w.add("ref", currentRef);
    }
    if (e.session) {
        QString key = sessionKeys.value(e.session);
        if (key.isEmpty())
            if (const Session *s = engine->sessions().find(e.session))
                key = s->key;
        if (!key.isEmpty())
            w.add("session", key);
        else
            w.add("session_id", e.session);
    }
    if (e.lane)
        w.add("lane", e.laneName());
    const bool runEvent = e.type >= EventType::RunQueued && e.type <= EventType::RunClaimed;
    if (e.type == EventType::RunQueued || e.type == EventType::JobFired || e.type == EventType::RunInterrupted)
        w.add("priority", priorityName(e.priority));
    switch (e.type) {
    case EventType::RunStarted:
        w.add("attempt", e.value);
        break;
    case EventType::RunCompleted:
    case EventType::RunFailed:
    case EventType::RunCancelled:
    case EventType::RunRetryScheduled:
    case EventType::RunInterrupted:
    case EventType::RunRescheduled:
    case EventType::RunNeedsAttention:
    case EventType::LeaseRecovered:
        if (attempts.contains(e.run))
            w.add("attempt", attempts.value(e.run));
        break;
    default:
        break;
    }
    if (e.code != ErrorCode::None)
        w.add("error", errorCodeName(e.code));
    if (!e.text.isEmpty() && e.type != EventType::SpawnRequested && e.type != EventType::SessionCreated
        && e.type != EventType::CycleCompleted)
        w.add("detail", e.text);
    std::optional<Run> live;
    if (runEvent && e.run)
        live = engine->liveRun(e.run);
    switch (e.type) {
    case EventType::RunRetryScheduled:
        w.add("delay_ms", e.value);
        break;
    case EventType::JobFired:
        if (const QString job = jobRefs.value(e.value); !job.isEmpty())
            w.add("job", job);
        else
            w.add("job", e.value);
        break;
    case EventType::RunInterrupted:
    case EventType::RunRescheduled:
        if (live && !live->savedState.isEmpty())
            w.add("saved_state", QString::fromUtf8(live->savedState));
        break;
    case EventType::WakeSent:
        if (e.text.contains(u"fan-out"_s))
            w.add("tier", "fan_out");
        if (live && live->task && live->task->budget.wakeCount > 0)
            w.add("wake_count", live->task->budget.wakeCount);
        break;
    case EventType::RunStarved:
        w.add("tier", "event");
        if (live && live->task)
            w.add("wake_count", live->task->budget.wakeCount);
        break;
    case EventType::SpawnRequested:
        w.add("tier", "spawn");
        w.add("agent", e.text);
        if (live && live->task)
            w.add("wake_count", live->task->budget.wakeCount);
        break;
    case EventType::SpawnUnresolvable:
        w.add("tier", "spawn");
        break;
    case EventType::RunNeedsAttention:
        if (e.code == ErrorCode::None)
            w.add("tier", "needs_attention");
        break;
    case EventType::RunProgress:
        w.add("progress", double(e.value) / 1000.0);
        break;
    case EventType::RunMerged:
        w.add("into", e.value);
        break;
    case EventType::LaneChanged:
        w.add("limit", e.value);
        break;
    case EventType::CycleCompleted: {
        w.add("cycle", e.value);
        const QVector<CycleResult> recent = engine->cycleHistory(4);
        for (const CycleResult &r : recent) {
            if (qint64(r.number) != e.value)
                continue;
            w.add("pending_runs", r.pendingRuns)
                .add("active_runs", r.activeRuns)
                .add("sessions_scanned", r.sessionsScanned)
                .add("recovered_leases", r.recoveredLeases)
                .add("wake_attempts", r.wakeAttempts)
                .add("wake_succeeded", r.wakeSucceeded)
                .add("wake_failed", r.wakeFailed)
                .add("no_match_runs", r.noMatchRuns)
                .add("recently_notified", r.recentlyNotified)
                .add("unclaimable_runs", r.unclaimableRuns)
                .add("paused", r.paused)
                .add("starved_runs", r.starvedRuns)
                .add("spawn_requested", r.spawnRequested)
                .add("needs_attention", r.needsAttention);
            if (r.error.isError())
                w.add("detail", r.error.message);
        }
        break;
    }
    case EventType::SessionCreated:
    case EventType::RunQueued:
    case EventType::RunStarted:
    case EventType::RunCompleted:
    case EventType::RunFailed:
    case EventType::RunCancelled:
    case EventType::LeaseRecovered:
        break;
    default:
        if (e.value)
            w.add("value", e.value);
        break;
    }
    return w.finish();
}

} // namespace Yard::Sim
