// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "mutation.h"

#include "model/errors.h"

#include <QHash>
#include <QString>
#include <QVector>

#include <functional>
#include <optional>

namespace Yard {

/// A lane's persisted operator settings.
struct LaneSetting
{
    QString name;
    int limit = 0;
    bool paused = false;
};

/// Everything the engine needs at start.
struct StoredState
{
    QVector<Session> sessions;
    QVector<Run> openRuns; ///< non-terminal runs, by queued time then id
    QHash<QString, QString> settings;
    QVector<LaneSetting> lanes;
    RunId maxRunId = 0;
    SessionId maxSessionId = 0;
    MessageId maxMessageId = 0;
};

/// Durable storage seen from the engine thread (SPEC S1, D1).
///
/// Writes are buffered with append() and committed asynchronously with commitAsync() once per
/// engine turn; they never wait for disk. Reads are synchronous and see every write appended
/// before.
///
/// Nothing here assumes one process owns the store: ids come from reserveRunIds(), which a
/// store shared by several nodes (SPEC X1) answers from a sequence.
class Store
{
    Q_DISABLE_COPY_MOVE(Store)

public:
    Store() = default;
    virtual ~Store() = default;

    /// False for stores that keep sessions and messages only (the in-memory store): the engine
    /// then skips building run rows altogether.
    virtual bool persistsRuns() const = 0;
    /// Where the data lives, for the status bar and errors ("in memory" for the memory store).
    virtual QString location() const = 0;

    void append(Mutation &&m) { m_buffer.push_back(std::move(m)); }
    /// Starts committing everything appended so far. Never waits for disk.
    void commitAsync();
    /// Blocks until everything handed over is durable; returns the last write error, if any.
    virtual Error flush() = 0;

    virtual Expected<StoredState> loadState() = 0;
    virtual std::optional<Session> loadSession(SessionId id) = 0;
    virtual std::optional<Session> loadSessionByKey(const QString &key) = 0;
    virtual Expected<MessageList> loadMessages(SessionId id) = 0;
    virtual std::optional<Run> loadRun(RunId id) = 0;

    /// `count` run ids no one has used, in one ascending block; returns the first. Call after
    /// loadState(). The default serves a store one process owns (SQLite, memory): it counts on
    /// from the highest id loadState() saw.
    virtual Expected<RunId> reserveRunIds(int count);

    /// Called (on any thread) when a batch fails to commit. The batch is kept and retried.
    void setWriteErrorHandler(std::function<void(const Error &)> handler) { m_onWriteError = std::move(handler); }

protected:
    virtual void submit(MutationBatch &&batch) = 0;
    void reportWriteError(const Error &error) const
    {
        if (m_onWriteError)
            m_onWriteError(error);
    }
    bool hasBuffered() const { return !m_buffer.empty(); }
    /// loadState() implementations report the highest run id they found.
    void noteHighestRunId(RunId id) { m_lastRunId = qMax(m_lastRunId, id); }

private:
    RunId m_lastRunId = 0;
    MutationBatch m_buffer;
    std::function<void(const Error &)> m_onWriteError;
};

} // namespace Yard
