// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sqlitewriter.h"
#include "store.h"

#include <memory>

class QLockFile;

class QSqlDatabase;

namespace Yard {

/// SQLite through Qt SQL (SPEC S1, D1): WAL, one writer thread applying each batch in one
/// transaction, run rows coalesced per batch so a run that is queued, started and completed
/// between two commits costs one statement. Each thread reads through its own connection.
class SqliteStore final : public Store
{
public:
    /// Takes the file's lock (one owner per database: a second process is refused, naming the
    /// one that holds it; a lock left by a dead process is taken over), validates the file
    /// (DatabaseFile::check: header, integrity, schema), creates it if absent, migrates the
    /// schema and starts the writer. Fails without touching files that are not usable.
    static Expected<std::unique_ptr<SqliteStore>> open(const QString &path);
    ~SqliteStore() override;

    bool persistsRuns() const override { return true; }
    QString location() const override { return m_path; }
    Error flush() override;
    int unwrittenRuns() const override;

    Expected<StoredState> loadState() override;
    std::optional<Session> loadSession(SessionId id) override;
    std::optional<Session> loadSessionByKey(const QString &key) override;
    Expected<MessageList> loadMessages(SessionId id) override;
    std::optional<Run> loadRun(RunId id) override;
    QVector<RunId> needsAttentionRuns(const NeedsAttentionFilter &filter) override;
    AttentionPage needsAttentionPage(const NeedsAttentionFilter &filter, RunId before, int limit) override;

    WriterStats writerStats() const;
    /// Caps the database file at about `bytes` (0 = no cap, the default); beyond it writes fail
    /// as on a full disk and the scheduler pauses (SPEC R5). For quotas, and for testing what a
    /// full disk does.
    void setMaxSize(qint64 bytes);

    /// A connection for the calling thread (created on first use, closed with the store).
    QSqlDatabase connection();

protected:
    void submit(MutationBatch &&batch, quint64 seq) override;

private:
    explicit SqliteStore(QString path);
    template<typename Fn>
    void visitPending(Fn fn) const;

    QString m_path;
    QString m_connectionPrefix;
    std::unique_ptr<QLockFile> m_lock; ///< held for the store's life
    std::unique_ptr<SqliteWriter> m_writer;
};

} // namespace Yard
