// SPDX-License-Identifier: GPL-3.0-or-later
#include "workerreports.h"

#include "jobbook.h"
#include "sessionchanges.h"

#include "activeruns.h"
#include "admissionpump.h"
#include "runrecord.h"
#include "runresolver.h"
#include "runtable.h"
#include "taskboard.h"
#include "turnclock.h"
#include "turnevents.h"

#include "exec/runticket.h"


namespace Yard {

namespace {
constexpr size_t kSlice = 256; ///< reports handled between two looks at the clock
constexpr qsizetype kLogTailChars = 1024 * 1024; ///< SPEC H2: a 1 MiB tail
constexpr qint64 kLogPersistMs = 1000;          ///< a chatty run's row is written at most this often
} // namespace

WorkerReports::WorkerReports(const Parts &parts)
    : m_p(parts)
{}

bool WorkerReports::pending() const
{
    return m_next < m_batch.size() || !m_p.inbox->isEmpty();
}

bool WorkerReports::read()
{
    const bool virtualTime = m_p.time->clock()->isVirtual();
    bool any = false;
    m_p.inbox->beginReading(); // workers need not post wake-ups while we are here
    for (;;) {
        if (m_next >= m_batch.size()) {
            m_next = 0;
            if (!m_p.inbox->takeOrEndReading(m_batch) && any && !virtualTime
                && m_p.active->executing() > 0) {
                // Under load the next report is usually microseconds away: a short spin is far
                // cheaper than sleeping in the event loop and being woken for it.
                if (m_p.inbox->waitBriefly()) {
                    m_p.inbox->beginReading();
                    m_p.inbox->takeOrEndReading(m_batch);
                }
            }
            if (m_batch.empty())
                return any;
            m_p.time->refresh(); // the turn's instant moves with each batch
        }
        any = true;
        const size_t end = std::min(m_batch.size(), m_next + kSlice);
        for (; m_next < end; ++m_next) {
            InboxItem &item = m_batch[m_next];
            if (item.kind == InboxItem::Kind::Finished)
                finished(item.ticket);
            else
                report(item);
        }
        if (m_next >= m_batch.size())
            m_batch.clear();
        // Admit right away so the workers get the next runs while we read further reports.
        m_p.pump->pump();
        m_p.active->dispatchStarted();
        if (!virtualTime && m_p.turnTimer->nsecsElapsed() > kBudgetNs) {
            m_p.inbox->endReadingAndWake(); // come back after the event loop had its turn
            return false;
        }
    }
}

void WorkerReports::finished(RunTicket *ticket)
{
    RunRecord *run = m_p.active->returned(ticket);
    if (run->stage == RunRecord::Stage::AwaitingReturn) {
        m_p.active->discard(run); // resolved or parked while it ran: its result is not wanted
        return;
    }
    if (ticket->leaseLost.load(std::memory_order_relaxed)) {
        m_p.board->returnedAfterExpiry(run); // its lease expired meanwhile: it runs again
        return;
    }
    if (run->timedOut) {
        m_p.jobs->timedOutRunReturned(run); // its job's timeout expired: whatever it did, that attempt is over
        return;
    }
    Outcome outcome = std::move(ticket->outcome);
    switch (outcome.kind) {
    case Outcome::Kind::Succeeded:
        m_p.active->end(run, RunState::Completed, ErrorCode::None, outcome.text);
        return;
    case Outcome::Kind::Failed: {
        const ErrorCode code = outcome.code == ErrorCode::None ? ErrorCode::HandlerFailed : outcome.code;
        if (run->detail && run->detail->jobId && m_p.jobs->retry(run, code, outcome.text, outcome.retryable))
            return; // its job tries again later (SPEC J4)
        m_p.active->end(run, RunState::Failed, code, outcome.text);
        return;
    }
    case Outcome::Kind::ContinueAfter:
        // Also while shutting down: a run in flight may finish until the deadline (SPEC Q12).
        m_p.active->continueAfter(run, outcome.delayMs);
        return;
    case Outcome::Kind::Yielded:
        m_p.active->yielded(run);
        return;
    case Outcome::Kind::Vanished:
        m_p.active->vanished(run);
        return;
    }
}

void WorkerReports::report(InboxItem &item)
{
    RunRecord *run = m_p.runs->find(item.runId);
    if (!run || run->ticketIfAny() != item.ticket || run->stage == RunRecord::Stage::AwaitingReturn)
        return; // a report of a run that ended meanwhile
    item.ticket->leaseBeatAt.store(m_p.time->now(), std::memory_order_relaxed); // alive (SPEC D2)
    switch (item.kind) {
    case InboxItem::Kind::StateSaved:
        run->details().savedState = item.data;
        m_p.resolver->persist(run);
        break;
    case InboxItem::Kind::Progress: {
        RunDetail &d = run->details();
        d.progress = item.fraction;
        d.progressText = item.text;
        m_p.events->add(EventType::RunProgress, *run, ErrorCode::None, item.text,
                        qint64(item.fraction * 1000));
        if (run->queue)
            m_p.changes->mark(run->queue); // the Sessions view shows it
        break;
    }
    case InboxItem::Kind::Log: {
        // A bounded tail: the newest kLogTailChars characters of the run's log.
        RunDetail &d = run->details();
        QString &log = d.log;
        log += item.text;
        if (!item.text.endsWith(u'\n'))
            log += u'\n';
        if (log.size() > kLogTailChars + kLogTailChars / 8) // trimmed in steps, not per line
            log = log.right(kLogTailChars);
        // The row (with the log) is written at most once a second while the run is live; its
        // end writes the rest.
        const TimeMs now = m_p.time->now();
        if (now - d.logPersistedAt >= kLogPersistMs) {
            d.logPersistedAt = now;
            m_p.resolver->persist(run);
        }
        break;
    }
    case InboxItem::Kind::Heartbeat:
    case InboxItem::Kind::Finished:
        break;
    }
}

} // namespace Yard
