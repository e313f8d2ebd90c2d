// SPDX-License-Identifier: GPL-3.0-or-later
// What a node's workers report, turned into completions, recorded in batches (group commit).
#include "clusternode_p.h"

using namespace Qt::StringLiterals;

namespace Yard {

void ClusterNode::drainInbox()
{
    if (!d->inbox)
        return;
    std::vector<InboxItem> items;
    d->inbox->takeAll(items);
    for (InboxItem &item : items) {
        auto it = d->live.find(item.runId);
        if (it == d->live.end())
            continue;
        Private::Live &l = it->second;
        switch (item.kind) {
        case InboxItem::Kind::StateSaved:
            l.run.savedState = item.data;
            continue;
        case InboxItem::Kind::Progress:
        case InboxItem::Kind::Log:
        case InboxItem::Kind::Heartbeat:
            continue;
        case InboxItem::Kind::Finished:
            break;
        }
        l.executing = false;
        RunTicket &t = *l.ticket;
        const Outcome &o = t.outcome;
        if (o.kind == Outcome::Kind::ContinueAfter && !t.cancelled.load()) {
            ++t.step;
            QTimer::singleShot(qMax<qint64>(0, o.delayMs), this, [this, id = item.runId] {
                auto again = d->live.find(id);
                // Its next step runs even while stopping (the grace period is for that), but not
                // once it was stopped: stopRun() ended it already.
                if (again == d->live.end() || again->second.ticket->cancelled.load())
                    return;
                again->second.executing = true;
                d->pool.start(again->second.ticket.get());
            });
            continue;
        }
        if (o.kind == Outcome::Kind::Vanished) {
            l.vanished = true; // no report, no renewal: the lease expires and a sweep recovers it
            qCWarning(lcNode, "run %lld: its handler went silent; the lease will expire", item.runId);
            continue;
        }
        if (l.stoppedByShutdown && o.kind != Outcome::Kind::Succeeded) {
            // Stopped because this node leaves: not the run's end. stopNode() queues it again.
            d->live.erase(it);
            continue;
        }
        ClusterCompletion c;
        c.id = item.runId;
        c.attempt = l.run.attempt;
        c.startedUs = l.startedUs;
        c.endedUs = wallMicros();
        if (!l.run.savedState.isNull())
            c.savedState = l.run.savedState;
        if (o.kind == Outcome::Kind::Succeeded) {
            c.outcome = c.nextState = u"completed"_s;
            c.result = o.text;
        } else if (t.cancelled.load() || o.kind == Outcome::Kind::ContinueAfter) {
            c.outcome = c.nextState = u"cancelled"_s;
            c.error = l.leaseLost ? u"stopped: this node lost the run's lease"_s : u"cancelled by an operator"_s;
        } else if (o.kind == Outcome::Kind::Yielded) {
            c.outcome = u"yielded"_s;
            c.nextState = t.noReschedule ? u"completed"_s : u"queued"_s;
        } else if (o.retryable && l.run.attempt < l.run.maxAttempts) {
            c.outcome = u"failed"_s;
            c.nextState = u"queued"_s;
            c.nextAttempt = true;
            c.error = o.text;
        } else {
            c.outcome = c.nextState = u"failed"_s;
            c.error = o.text;
        }
        d->pending.push_back(std::move(c));
        d->live.erase(it);
    }
    if (!d->pending.isEmpty() && !d->flushQueued && !d->stopping) {
        // Reports that arrive while this turn ends join the same commit.
        d->flushQueued = true;
        QMetaObject::invokeMethod(this, [this] { flush(); claimMore(); }, Qt::QueuedConnection);
    }
}

void ClusterNode::flush()
{
    d->flushQueued = false;
    if (d->pending.isEmpty() || !d->db)
        return;
    auto refused = d->db->complete(nodeId(), d->pending);
    if (!refused) {
        d->setError(this, refused.error()); // kept: the next flush retries them
        if (!d->flushQueued && !d->stopping) {
            d->flushQueued = true;
            QTimer::singleShot(d->options.cycleMs, this, [this] { flush(); });
        }
        return;
    }
    d->setError(this, {});
    for (qint64 id : refused.value())
        qCWarning(lcNode, "run %lld: this node's late result was refused: its lease had expired and the run "
                          "was recovered", id);
    QMutexLocker lock(&d->statsMutex);
    d->stats.completed += d->pending.size() - refused.value().size();
    d->stats.refused += refused.value().size();
    d->stats.running = int(d->live.size());
    d->pending.clear();
}

} // namespace Yard
