// SPDX-License-Identifier: GPL-3.0-or-later
#include "startuprestore.h"

#include "engineoptions.h"
#include "laneset.h"
#include "pausecontrol.h"
#include "runcontrol.h"
#include "runrecord.h"
#include "runresolver.h"
#include "runtable.h"
#include "sessionmanager.h"

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
        if (index >= 0)
            m_p.lanes->at(index).setPaused(l.paused);
    }
    if (state.settings.contains(kQueueDefaultsKey)) {
        const auto o = QueueConfigOverride::fromJson(
            QJsonDocument::fromJson(state.settings.value(kQueueDefaultsKey).toUtf8()).object());
        if (o)
            m_p.options->defaultQueue = o->applyTo(m_p.options->defaultQueue);
    }
    if (state.settings.contains(PauseControl::kSettingKey))
        m_p.pause->restore(state.settings.value(PauseControl::kSettingKey));

    int recovered = 0;
    int abandoned = 0;
    const qsizetype open = state.openRuns.size();
    for (Run &stored : state.openRuns) {
        const RunState was = stored.state;
        const SessionId session = stored.sessionId;
        bool sessionGone = false;
        RunRecord *run = m_p.control->revive(std::move(stored), &sessionGone);
        if (was == RunState::Running || was == RunState::Claimed) {
            if (run->attempt >= run->maxAttempts) {
                // A run that keeps taking the process down must not loop forever.
                if (m_p.resolver->finish(run, RunState::Failed, ErrorCode::Interrupted,
                                         u"interrupted by %1 restarts; not retried"_s.arg(run->attempt)))
                    m_p.runs->destroy(run);
                ++abandoned;
                continue;
            }
            // Its worker died with the previous process: run it again (at least once, SPEC R1).
            ++run->attempt;
            ++recovered;
            m_p.resolver->requeue(run, EventType::RunRecovered, ErrorCode::Interrupted,
                                  u"was running when the previous process stopped"_s, run->attempt);
        } else if (was != RunState::Queued) {
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
