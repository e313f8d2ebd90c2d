// SPDX-License-Identifier: GPL-3.0-or-later
#include "memorystore.h"

namespace Yard {

void MemoryStore::submit(MutationBatch &&batch, quint64 seq)
{
    for (Mutation &m : batch) {
        std::visit(
            [this](auto &&v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, SessionUpsert>) {
                    m_sessions.insert(v.session.id, v.session);
                } else if constexpr (std::is_same_v<T, SessionDelete>) {
                    m_sessions.remove(v.id);
                    m_messages.remove(v.id);
                } else if constexpr (std::is_same_v<T, MessageInsert>) {
                    m_messages[v.message.sessionId].append(v.message);
                    m_maxMessageId = qMax(m_maxMessageId, v.message.id);
                } else if constexpr (std::is_same_v<T, MessagesReplace>) {
                    m_messages[v.sessionId] = v.messages;
                    for (const Message &msg : v.messages)
                        m_maxMessageId = qMax(m_maxMessageId, msg.id);
                } else if constexpr (std::is_same_v<T, SettingSet>) {
                    if (v.value.isNull())
                        m_settings.remove(v.key);
                    else
                        m_settings.insert(v.key, v.value);
                } else if constexpr (std::is_same_v<T, LaneUpsert>) {
                    m_lanes.insert(v.name, LaneSetting{v.name, v.limit, v.paused});
                }
                // RunUpsert: runs are not kept in memory.
            },
            m);
    }
    notifyCommitted(seq); // kept in memory: as durable as it gets here
}

Expected<StoredState> MemoryStore::loadState()
{
    commitAsync();
    StoredState state;
    state.sessions = m_sessions.values().toVector();
    state.settings = m_settings;
    state.lanes = m_lanes.values().toVector();
    state.maxSessionId = m_sessions.isEmpty() ? 0 : m_sessions.lastKey();
    state.maxMessageId = m_maxMessageId;
    return state;
}

std::optional<Session> MemoryStore::loadSession(SessionId id)
{
    commitAsync();
    auto it = m_sessions.constFind(id);
    if (it == m_sessions.cend())
        return std::nullopt;
    return *it;
}

std::optional<Session> MemoryStore::loadSessionByKey(const QString &key)
{
    commitAsync();
    for (const Session &s : std::as_const(m_sessions)) {
        if (s.key == key)
            return s;
    }
    return std::nullopt;
}

Expected<MessageList> MemoryStore::loadMessages(SessionId id)
{
    commitAsync();
    return m_messages.value(id);
}

} // namespace Yard
