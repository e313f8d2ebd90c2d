// SPDX-License-Identifier: GPL-3.0-or-later
#include "startuprestore.h"

#include "jobbook.h"

#include "engineoptions.h"
#include "laneset.h"
#include "pausecontrol.h"
#include "runcontrol.h"
#include "runrecord.h"
#include "runresolver.h"
#include "runtable.h"
#include "sessionmanager.h"
#include "taskboard.h"

#include "logging.h"
#include "store/store.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace Yard {

const QString StartupRestore::kQueueDefaultsKey = u"queue.defaults"_s;

StartupRestore::StartupRestore(const Parts &parts)
    : m_p(parts)
{}

Error StartupRestore::restore()
{
    Expected<StoredState> loaded = m_p.store->loadState();
    if (!loaded)
        return loaded.error();
    StoredState &state = loaded.value();

    m_p.sessions->restore(state.sessions, state.maxSessionId, state.maxMessageId);
    for (const LaneSetting &l : std::as_const(state.lanes)) {
        m_p.lanes->define(l.name, l.limit);
        const int index = m_p.lanes->find(l.name);
        if (index >= 0) {
            m_p.lanes->at(index).setPaused(l.paused);
            if (l.preemptGraceMs > 0)
                m_p.lanes->at(index).setPreemptGraceMs(l.preemptGraceMs);
        }
    }
    if (state.settings.contains(kQueueDefaultsKey)) {
        const auto o = QueueConfigOverride::fromJson(
            QJsonDocument::fromJson(state.settings.value(kQueueDefaultsKey).toUtf8()).object());
        if (o)
            m_p.options->defaultQueue = o->applyTo(m_p.options->defaultQueue);
    }
    if (state.settings.contains(PauseControl::kSettingKey))
        m_p.pause->restore(state.settings.value(PauseControl::kSettingKey));
    m_p.resolver->restoreAttentionOpen(state.needsAttentionOpen);
    m_p.jobs->restore(state.jobs, state.maxJobId);

    int recovered = 0;
    int abandoned = 0;
    const qsizetype open = state.openRuns.size();
    for (Run &stored : state.openRuns) {
        const RunState was = stored.state;
        const SessionId session = stored.sessionId;
        const TimeMs lastChange = stored.updatedAt;
        bool sessionGone = false;
        RunRecord *run = m_p.control->revive(std::move(stored), &sessionGone);
        if ((was == RunState::Running || was == RunState::Claimed) && !sessionGone) {
            // Its lease's owner stopped with the previous process: the lease sweep's path runs
            // it again (at least once, SPEC R1, D2), or fails it once a run keeps taking the
            // process down.
            if (m_p.board->recover(run, was == RunState::Running
                                            ? u"was running when the previous process stopped"_s
                                            : u"was claimed when the previous process stopped"_s,
                                   u"interrupted by %1 restarts; not retried"_s.arg(run->attempt)))
                ++recovered;
            else
                ++abandoned;
            continue;
        } else if (was == RunState::RetryWait && !sessionGone && m_p.jobs->resumeRetry(run, lastChange)) {
            continue; // its next attempt waits out the rest of its backoff
        } else if (was != RunState::Queued && !sessionGone) {
            m_p.resolver->requeue(run, EventType::RunRescheduled);
        }
        if (sessionGone) {
            run->details().sessionId = session; // its row keeps naming the session
            if (m_p.resolver->finish(run, RunState::Failed, ErrorCode::SessionNotFound,
                                     Errors::sessionNotFound(session).message))
                m_p.runs->destroy(run);
            continue;
        }
        m_p.control->place(run);
    }
    if (open > 0)
        qCInfo(lcEngine) << "resumed" << open - abandoned << "runs from the store," << recovered
                         << "of them interrupted mid-run";
    if (abandoned > 0)
        qCWarning(lcEngine) << abandoned
                            << "runs were interrupted by restarts as often as their attempts allow "
                               "and end failed (not retried)";
    return {};
}

} // namespace Yard
