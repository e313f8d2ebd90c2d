// SPDX-License-Identifier: GPL-3.0-or-later
#include "recordingstore.h"

namespace Yard::Test {

void RecordingStore::submit(MutationBatch &&batch, quint64 seq)
{
    for (Mutation &m : batch) {
        std::visit(
            [this](auto &&v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, RunUpsert>) {
                    runs.insert(v.run.id, v.run);
                    ++runWrites;
                } else if constexpr (std::is_same_v<T, SessionUpsert>) {
                    m_sessions.insert(v.session.id, v.session);
                } else if constexpr (std::is_same_v<T, MessageInsert>) {
                    m_messages[v.message.sessionId].append(v.message);
                } else if constexpr (std::is_same_v<T, SettingSet>) {
                    if (v.value.isNull())
                        settings.remove(v.key);
                    else
                        settings.insert(v.key, v.value);
                } else if constexpr (std::is_same_v<T, LaneUpsert>) {
                    lanes.insert(v.name, LaneSetting{v.name, v.limit, v.paused});
                } else if constexpr (std::is_same_v<T, StatsInsert>) {
                    samples.append(v.sample);
                } else if constexpr (std::is_same_v<T, StatsPrune>) {
                    ++prunes;
                }
            },
            m);
    }
    notifyCommitted(seq);
}

Expected<StoredState> RecordingStore::loadState()
{
    commitAsync();
    StoredState s = state;
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        s.sessions.append(*it);
        s.maxSessionId = qMax(s.maxSessionId, it.key());
    }
    for (auto it = settings.cbegin(); it != settings.cend(); ++it)
        s.settings.insert(it.key(), it.value());
    for (const LaneSetting &l : std::as_const(lanes))
        s.lanes.append(l);
    for (const Run &r : std::as_const(s.openRuns))
        s.maxRunId = qMax(s.maxRunId, r.id);
    noteHighestRunId(s);
    return s;
}

std::optional<Session> RecordingStore::loadSession(SessionId id)
{
    commitAsync();
    auto it = m_sessions.constFind(id);
    if (it != m_sessions.cend())
        return *it;
    for (const Session &s : std::as_const(state.sessions)) {
        if (s.id == id)
            return s;
    }
    return std::nullopt;
}

std::optional<Session> RecordingStore::loadSessionByKey(const QString &key)
{
    commitAsync();
    for (const Session &s : std::as_const(m_sessions)) {
        if (s.key == key)
            return s;
    }
    return std::nullopt;
}

Expected<MessageList> RecordingStore::loadMessages(SessionId id)
{
    commitAsync();
    return m_messages.value(id);
}

std::optional<Run> RecordingStore::loadRun(RunId id)
{
    commitAsync();
    auto it = runs.constFind(id);
    if (it == runs.cend())
        return std::nullopt;
    return *it;
}

} // namespace Yard::Test
