// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "store/store.h"

#include <QHash>
#include <QMap>

namespace Yard::Test {

/// A store that keeps every row in memory and counts what was written: for parts that persist
/// runs, without SQLite. loadState() returns `state` (plus what was written since).
class RecordingStore final : public Store
{
public:
    bool persistsRuns() const override { return true; }
    QString location() const override { return QStringLiteral("recording"); }
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

    /// What loadState() starts from.
    StoredState state;
    /// The newest row of every run written, and how many run rows were written in all.
    QMap<RunId, Run> runs;
    int runWrites = 0;
    QHash<QString, QString> settings;
    QMap<QString, LaneSetting> lanes;
    QVector<StatsSample> samples;
    int prunes = 0;

protected:
    void submit(MutationBatch &&batch, quint64 seq) override;

private:
    QMap<SessionId, Session> m_sessions;
    QHash<SessionId, MessageList> m_messages;
};

} // namespace Yard::Test
