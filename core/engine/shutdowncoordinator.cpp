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
                                         Store *store, std::function<int()> queued)
    : m_timers(timers)
    , m_runs(runs)
    , m_active(active)
    , m_store(store)
    , m_queued(std::move(queued))
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
    // Runs between steps hold no thread: park them now, with their saved state.
    m_parked = parkAll(RunRecord::Stage::BetweenSteps);
    m_deadline = m_timers.callAfter(qMax(0, deadlineMs), [this] {
        m_deadline = 0;
        m_parked += parkAll(RunRecord::Stage::Executing);
    });
}

void ShutdownCoordinator::check()
{
    if (!m_stopping || m_stopped)
        return;
    if (m_active.executing() - m_active.awaitingReturn() > 0)
        return;
    m_timers.cancel(m_deadline);
    m_stopped = true;
    m_store->commitAsync();
    if (Error e = m_store->flush(); e.isError())
        qCWarning(lcEngine).noquote() << "shutdown: final store flush failed:" << e.toString();
    qCInfo(lcEngine) << "shut down;" << m_queued() + m_parked
                     << "unfinished runs stay queued for the next start";
    if (m_done) {
        auto done = std::move(m_done);
        done();
    }
}

} // namespace Yard
