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
                    m_lanes.insert(v.name, LaneSetting{v.name, v.limit, v.paused, v.preemptGraceMs});
                } else if constexpr (std::is_same_v<T, JobUpsert>) {
                    m_jobs.insert(v.job.id, v.job);
                } else if constexpr (std::is_same_v<T, JobDelete>) {
                    m_jobs.remove(v.id);
                } else if constexpr (std::is_same_v<T, RunUpsert>) {
                    // Only what an operator must still act on is kept.
                    if (v.run.state == RunState::NeedsAttention)
                        m_attention.insert(v.run.id, std::move(v.run));
                    else
                        m_attention.remove(v.run.id);
                }
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
    for (const Run &r : std::as_const(m_attention)) {
        if (!r.task || r.task->acknowledgedAt == 0)
            ++state.needsAttentionOpen;
    }
    state.jobs = m_jobs.values().toVector();
    state.maxJobId = m_jobs.isEmpty() ? 0 : m_jobs.lastKey();
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

std::optional<Run> MemoryStore::loadRun(RunId id)
{
    commitAsync();
    auto it = m_attention.constFind(id);
    if (it == m_attention.cend())
        return std::nullopt;
    return *it;
}

QVector<RunId> MemoryStore::needsAttentionRuns(const NeedsAttentionFilter &filter)
{
    commitAsync();
    QVector<RunId> ids;
    for (const Run &r : std::as_const(m_attention)) {
        if (filter.matches(r))
            ids.append(r.id);
    }
    return ids;
}

AttentionPage MemoryStore::needsAttentionPage(const NeedsAttentionFilter &filter, RunId before, int limit)
{
    commitAsync();
    AttentionPage page;
    for (auto it = m_attention.cend(); it != m_attention.cbegin();) {
        --it;
        if (!filter.matches(*it))
            continue;
        ++page.total;
        if (!it->task || it->task->acknowledgedAt == 0)
            ++page.unacknowledged;
        if (before > 0 && it.key() >= before)
            continue;
        if (page.rows.size() == limit)
            page.more = true;
        else
            page.rows.append(AttentionRow::fromRun(*it));
    }
    return page;
}

} // namespace Yard
