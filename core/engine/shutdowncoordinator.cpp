// SPDX-License-Identifier: GPL-3.0-or-later
#include "shutdowncoordinator.h"

#include "activeruns.h"
#include "runtable.h"
#include "turnhost.h"

#include "logging.h"
#include "store/store.h"

using namespace Qt::StringLiterals;

namespace Yard {

ShutdownCoordinator::ShutdownCoordinator(TurnTimers &timers, RunTable &runs, ActiveRuns &active,
                                         Store *store, std::function<int()> queued,
                                         std::function<quint64()> finished)
    : m_timers(timers)
    , m_runs(runs)
    , m_active(active)
    , m_store(store)
    , m_queued(std::move(queued))
    , m_finished(std::move(finished))
{}

ShutdownCoordinator::~ShutdownCoordinator()
{
    m_timers.cancel(m_deadline);
}

Error ShutdownCoordinator::refusal() const
{
    if (m_stopping)
        return Error::make(ErrorCode::Stopped, u"the scheduler is shutting down"_s);
    return {};
}

int ShutdownCoordinator::parkAll(RunRecord::Stage stage)
{
    int parked = 0;
    for (RunRecord *run : m_runs.all()) {
        if (run->stage == stage) {
            m_active.park(run);
            ++parked;
        }
    }
    return parked;
}

void ShutdownCoordinator::begin(int deadlineMs, std::function<void()> done)
{
    if (m_stopped) {
        if (done)
            done();
        return;
    }
    m_done = std::move(done);
    if (m_stopping)
        return;
    m_stopping = true;
    m_finishedBefore = m_finished();
    const int inFlight = m_active.inFlight();
    if (inFlight > 0)
        qCInfo(lcEngine).noquote() << u"shutting down: %1 runs in flight get up to %2 s to finish"_s
                                          .arg(inFlight)
                                          .arg(double(deadlineMs) / 1000.0, 0, 'f', 1);
    m_deadline = m_timers.callAfter(qMax(0, deadlineMs), [this] {
        m_deadline = 0;
        // Time is up: what is still in flight is interrupted, with its saved state.
        m_parked += parkAll(RunRecord::Stage::BetweenSteps);
        m_parked += parkAll(RunRecord::Stage::Executing);
    });
}

void ShutdownCoordinator::check()
{
    if (!m_stopping || m_stopped || m_active.inFlight() > 0)
        return;
    m_timers.cancel(m_deadline);
    m_stopped = true;
    m_store->commitAsync();
    const Error flushed = m_store->flush();
    const quint64 finished = m_finished() - m_finishedBefore;
    const int queued = m_queued();
    const bool keeps = m_store->persistsRuns();
    const QString inFlight =
        finished + quint64(m_parked) == 0
            ? u"nothing was in flight"_s
            : u"%1 runs in flight finished in time, %2 were interrupted%3"_s.arg(finished).arg(m_parked).arg(
                  keeps && m_parked > 0 && !flushed.isError() ? u" (they resume on the next start)"_s
                                                              : QString());
    if (flushed.isError()) {
        m_result = Error::make(ErrorCode::StoreFailed,
                               u"%1 accepted runs were not written to %2 (%3)"_s
                                   .arg(m_store->unwrittenRuns())
                                   .arg(m_store->location(), flushed.message));
        qCCritical(lcEngine).noquote() << "shut down:" << inFlight << "-" << m_result.message;
    } else if (!keeps) {
        qCInfo(lcEngine).noquote() << u"shut down: %1; %2 queued runs are discarded (in memory: "
                                      "nothing is kept)"_s.arg(inFlight).arg(queued + m_parked);
    } else {
        qCInfo(lcEngine).noquote() << u"shut down: %1; %2 queued runs stay queued for the next start"_s
                                          .arg(inFlight)
                                          .arg(queued);
    }
    if (m_done) {
        auto done = std::move(m_done);
        done();
    }
}

} // namespace Yard
