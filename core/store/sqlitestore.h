// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "store.h"

#include <memory>

class QSqlDatabase;

namespace Yard {

/// Counters of the writer thread, for benchmarks and the status view.
struct WriterStats
{
    quint64 batches = 0;      ///< transactions committed
    quint64 mutations = 0;    ///< mutations handed over
    quint64 statements = 0;   ///< statements executed after coalescing
    quint64 failures = 0;     ///< failed commits (retried)
};

/// SQLite through Qt SQL (SPEC S1, D1): WAL, one writer thread applying each batch in one
/// transaction, run rows coalesced per batch so a run that is queued, started and completed
/// between two commits costs one statement. Each thread reads through its own connection.
class SqliteStore final : public Store
{
public:
    /// Validates the file (DatabaseFile::check), creates it if absent, migrates the schema and
    /// starts the writer. Fails without touching files that are not usable.
    static Expected<std::unique_ptr<SqliteStore>> open(const QString &path);
    ~SqliteStore() override;

    bool persistsRuns() const override { return true; }
    QString location() const override { return m_path; }
    Error flush() override;

    Expected<StoredState> loadState() override;
    std::optional<Session> loadSession(SessionId id) override;
    std::optional<Session> loadSessionByKey(const QString &key) override;
    Expected<MessageList> loadMessages(SessionId id) override;
    std::optional<Run> loadRun(RunId id) override;

    WriterStats writerStats() const;

    /// A connection for the calling thread (created on first use, closed with the store).
    QSqlDatabase connection();

protected:
    void submit(MutationBatch &&batch) override;

private:
    explicit SqliteStore(QString path);
    class Writer;

    QString m_path;
    QString m_connectionPrefix;
    std::unique_ptr<Writer> m_writer;
};

} // namespace Yard
