// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "store.h"

#include <QHash>
#include <QMap>

namespace Yard {

/// Keeps sessions and transcripts in memory; runs are not kept (persistsRuns() is false), except
/// tasks that need attention, so an operator can still requeue, cancel or acknowledge them
/// (SPEC D8). Backs the in-memory path (benchmarks, `--in-memory`) and fast unit tests.
class MemoryStore final : public Store
{
public:
    bool persistsRuns() const override { return false; }
    QString location() const override { return QStringLiteral("in memory"); }
    Error flush() override
    {
        commitAsync();
        return {};
    }
    Expected<StoredState> loadState() override;
    std::optional<Session> loadSession(SessionId id) override;
    std::optional<Session> loadSessionByKey(const QString &key) override;
    Expected<MessageList> loadMessages(SessionId id) override;
    std::optional<Run> loadRun(RunId id) override;
    QVector<RunId> needsAttentionRuns(const NeedsAttentionFilter &filter) override;
    AttentionPage needsAttentionPage(const NeedsAttentionFilter &filter, RunId before, int limit) override;

protected:
    void submit(MutationBatch &&batch, quint64 seq) override;

private:
    QMap<SessionId, Session> m_sessions;
    QHash<SessionId, MessageList> m_messages;
    QHash<QString, QString> m_settings;
    QMap<QString, LaneSetting> m_lanes;
    MessageId m_maxMessageId = 0;
    QMap<RunId, Run> m_attention; ///< runs whose newest row is needs_attention
    QMap<JobId, Job> m_jobs;
};

} // namespace Yard
