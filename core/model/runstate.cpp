// SPDX-License-Identifier: GPL-3.0-or-later
#include "runstate.h"

#include <array>

namespace Yard {

namespace {

constexpr std::array<const char16_t *, size_t(RunState::Count)> kNames{
    u"scheduled", u"queued",    u"claimed",   u"running",         u"retry_wait",
    u"completed", u"failed",    u"cancelled", u"needs_attention", u"merged",
};

constexpr quint32 bit(RunState s) { return 1u << quint32(s); }

// Row = from, bits = allowed targets.
constexpr std::array<quint32, size_t(RunState::Count)> kTransitions{
    /* scheduled */ bit(RunState::Queued) | bit(RunState::Cancelled),
    /* queued */
    bit(RunState::Claimed) | bit(RunState::Running) | bit(RunState::Cancelled)
        | bit(RunState::Merged) | bit(RunState::NeedsAttention) | bit(RunState::Failed),
    /* claimed */
    bit(RunState::Running) | bit(RunState::Queued) | bit(RunState::Cancelled)
        | bit(RunState::Failed),
    /* running */
    bit(RunState::Completed) | bit(RunState::Failed) | bit(RunState::Cancelled)
        | bit(RunState::RetryWait) | bit(RunState::Queued),
    /* retry_wait */ bit(RunState::Queued) | bit(RunState::Cancelled),
    /* completed */ 0,
    /* failed */ 0,
    /* cancelled */ 0,
    /* needs_attention */ bit(RunState::Queued) | bit(RunState::Cancelled),
    /* merged */ 0,
};

} // namespace

QString runStateName(RunState state)
{
    const auto i = size_t(state);
    return i < kNames.size() ? QString::fromUtf16(kNames[i]) : QString();
}

std::optional<RunState> runStateFromName(QStringView name)
{
    for (size_t i = 0; i < kNames.size(); ++i) {
        if (name == QStringView(kNames[i]))
            return RunState(i);
    }
    return std::nullopt;
}

bool isTerminal(RunState state)
{
    return state == RunState::Completed || state == RunState::Failed
           || state == RunState::Cancelled || state == RunState::Merged;
}

bool canTransition(RunState from, RunState to)
{
    const auto i = size_t(from);
    return i < kTransitions.size() && (kTransitions[i] & bit(to)) != 0;
}

} // namespace Yard
