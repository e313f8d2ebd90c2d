// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "mutation.h"
#include "runquery.h"

#include "model/errors.h"

#include <QHash>
#include <QMutex>
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
    int preemptGraceMs = 0; ///< 0 = the default (SPEC P2)
};

/// Everything the engine needs at start.
struct StoredState
{
    QVector<Session> sessions;
    QVector<Run> openRuns; ///< non-terminal runs, by queued time then id
    QHash<QString, QString> settings;
    QVector<LaneSetting> lanes;
    RunId maxRunId = 0;
    int needsAttentionOpen = 0; ///< needs_attention runs no operator acknowledged yet
    QVector<Job> jobs;          ///< every job, by id
    JobId maxJobId = 0;
    SessionId maxSessionId = 0;
    MessageId maxMessageId = 0;
};

/// What a store tells its owner about its writes. Called from any thread (the writer's).
class StoreObserver
{
public:
    virtual ~StoreObserver() = default;
    /// Everything handed over up to commit sequence number `seq` is durable.
    virtual void committed(quint64 seq) = 0;
    /// Writes fail (the first failure of a streak, or a new reason): nothing is lost yet, the
    /// store keeps the writes and retries.
    virtual void writesFailing(const Error &error) = 0;
    /// Writes succeed again after failing for `failedForMs`; what was kept is written.
    virtual void writesRecovered(qint64 failedForMs) = 0;
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
    /// Starts committing everything appended so far and returns its commit sequence number (the
    /// last one if nothing was appended): StoreObserver::committed() tells when it is durable.
    /// Never waits for disk.
    quint64 commitAsync();
    /// The sequence number of the last batch handed over.
    quint64 lastCommitSeq() const { return m_seq; }
    /// Blocks until everything handed over is durable; returns the current write error at once
    /// if writes fail.
    virtual Error flush() = 0;
    /// Runs with a change handed over that is not durable yet (shutdown while writes fail).
    virtual int unwrittenRuns() const { return 0; }
    /// Not owning; nullptr detaches. Thread-safe: the observer is never called after this returns
    /// with nullptr.
    void setObserver(StoreObserver *observer);

    virtual Expected<StoredState> loadState() = 0;
    virtual std::optional<Session> loadSession(SessionId id) = 0;
    virtual std::optional<Session> loadSessionByKey(const QString &key) = 0;
    virtual Expected<MessageList> loadMessages(SessionId id) = 0;
    virtual std::optional<Run> loadRun(RunId id) = 0;
    /// The needs_attention runs `filter` matches, by id (SPEC D8 bulk actions), written or
    /// not. Stores that keep no runs have none.
    virtual QVector<RunId> needsAttentionRuns(const NeedsAttentionFilter &filter)
    {
        Q_UNUSED(filter);
        return {};
    }
    /// A page of needs_attention runs, newest first below `before` (0 = from the newest), with
    /// how many `filter` matches in all (SPEC U5). For consoles without a StoreReader (the
    /// in-memory store); SQLite answers from what is written.
    virtual AttentionPage needsAttentionPage(const NeedsAttentionFilter &filter, RunId before, int limit)
    {
        Q_UNUSED(filter);
        Q_UNUSED(before);
        Q_UNUSED(limit);
        return {};
    }

    /// `count` run ids no one has used, in one ascending block; returns the first. Call after
    /// loadState(). The reservation is durable once the batch it is appended to is committed
    /// (the engine hands out a block only then), so no id is ever given twice, crash or not.
    /// The default serves a store one process owns (SQLite, memory): it counts on from the
    /// highest id loadState() saw, stored or reserved, and records the new high-water mark.
    virtual Expected<RunId> reserveRunIds(qint64 count);
    /// The settings key of the run-id high-water mark.
    static const QString kReservedRunIdsKey;

protected:
    virtual void submit(MutationBatch &&batch, quint64 seq) = 0;
    /// For implementations: tell the observer (any thread).
    void notifyCommitted(quint64 seq);
    void notifyWritesFailing(const Error &error);
    void notifyWritesRecovered(qint64 failedForMs);
    bool hasBuffered() const { return !m_buffer.empty(); }
    /// What was appended and not handed over yet (newest last).
    const MutationBatch &buffered() const { return m_buffer; }
    /// loadState() implementations report the highest run id they found (stored or reserved).
    void noteHighestRunId(RunId id) { m_lastRunId = qMax(m_lastRunId, id); }
    /// The same from a loaded state: its runs' highest id and the reservation mark.
    void noteHighestRunId(const StoredState &state);

private:
    RunId m_lastRunId = 0;
    MutationBatch m_buffer;
    quint64 m_seq = 0;
    QMutex m_observerMutex; ///< held while calling the observer
    StoreObserver *m_observer = nullptr;
};

} // namespace Yard
