// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "mutation.h"

#include "model/errors.h"

#include <QMutex>
#include <QThread>
#include <QWaitCondition>

#include <functional>
#include <vector>

class QSqlDatabase;

namespace Yard {

/// Counters of the writer thread, for benchmarks and the status view.
struct WriterStats
{
    quint64 batches = 0;    ///< transactions committed
    quint64 mutations = 0;  ///< mutations handed over
    quint64 statements = 0; ///< statements executed after coalescing
    quint64 failures = 0;   ///< failed commits (each retried)
};

/// What the writer tells its store, on the writer thread.
struct WriterEvents
{
    std::function<void(quint64 seq)> committed;          ///< everything up to seq is durable
    std::function<void(const Error &error)> failing;     ///< writes started failing (or the reason changed)
    std::function<void(qint64 failedForMs)> recovered;   ///< writes succeed again
};

/// The store's one writing connection, on a thread of its own (SPEC S1, R5): applies every batch
/// handed over since its last commit in one transaction, keeping only the newest row of each run.
///
/// A failed commit keeps the work and retries it with backoff (100 ms doubling to 5 s), never
/// sooner because more work arrived; it says so once when writes start failing and once when
/// they succeed again. Before each commit it checks that the path still names the file it
/// opened: a database deleted or replaced under it is a failure, not a silent write to an
/// unlinked file.
class SqliteWriter final : public QThread
{
    Q_DISABLE_COPY_MOVE(SqliteWriter)

public:
    /// `fileId` identifies the file the path named when it was opened (device and inode).
    SqliteWriter(QString path, QString connectionName, WriterEvents events);
    ~SqliteWriter() override;

    /// Any thread. `seq` is the store's sequence number of the batch.
    void submit(MutationBatch &&batch, quint64 seq);
    /// Waits until everything submitted is committed. If writes fail, it has the writer try once
    /// more at once and returns that attempt's error if it fails too.
    Error flush();
    /// Stops after the work in hand is committed (or given up, if writes fail).
    void stop();
    /// Caps the database at about `bytes` (0 = no cap): writes beyond it fail as on a full disk.
    void setMaxSize(qint64 bytes);

    WriterStats stats() const;
    bool isFailing() const;
    /// Runs with a change handed over and not yet committed.
    int unwrittenRuns() const;
    /// Calls fn(const Mutation &) for every change handed over and not yet committed, oldest
    /// first (reads that must see writes still in flight, without waiting for them).
    void visitPending(const std::function<void(const Mutation &)> &fn) const;

protected:
    void run() override;

private:
    struct Statements;
    bool prepare(QSqlDatabase &db, Statements &st);
    void loop(QSqlDatabase &db, Statements &st);
    Error apply(QSqlDatabase &db, Statements &st, const std::vector<MutationBatch> &work);
    Error checkFileIsStillOurs() const;
    void failed(const Error &error);

    const QString m_path;
    const QString m_connectionName;
    WriterEvents m_events;
    quint64 m_device = 0;
    quint64 m_inode = 0;

    mutable QMutex m_mutex;
    QWaitCondition m_wake;
    QWaitCondition m_committed;
    std::vector<MutationBatch> m_incoming;
    std::vector<MutationBatch> m_work; ///< taken from m_incoming; changed under m_mutex only
    quint64 m_submittedSeq = 0;
    quint64 m_workSeq = 0;
    quint64 m_committedSeq = 0;
    quint64 m_attempts = 0; ///< commits tried (for flush's last try)
    bool m_stop = false;
    bool m_failing = false;
    qint64 m_maxSize = -1; ///< -1: unchanged since applied
    qint64 m_maxSizeWanted = 0;
    Error m_lastError;
    WriterStats m_stats;
};

} // namespace Yard
