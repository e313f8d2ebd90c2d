// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "runquery.h"

#include "model/audit.h"
#include "model/run.h"
#include "model/session.h"
#include "model/statssample.h"

#include <QObject>

#include <atomic>
#include <memory>

namespace Yard {

/// Read-only queries on a Yardmaster database, on a thread of their own (house rule 5: the GUI
/// never runs SQL). Every request returns an id at once; the answer arrives as a signal carrying
/// that id, queued to the receiver's thread. Requests run in order.
class StoreReader final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StoreReader)

public:
    /// Opens a read-only connection to `path` on a new thread.
    explicit StoreReader(const QString &path, QObject *parent = nullptr);
    ~StoreReader() override;

    QString path() const;

    /// Newest runs matching `filter` with id < `before` (0 = from the newest), `limit` rows.
    quint64 requestRuns(const RunFilter &filter, RunId before, int limit);
    /// Newest matching runs with id > `after` (rows that arrived since a page was loaded).
    quint64 requestNewerRuns(const RunFilter &filter, RunId after, int limit);
    /// One run with every column, plus its session key.
    quint64 requestRun(RunId id);
    /// The newest `limit` messages of a session, oldest first.
    quint64 requestMessages(SessionId session, int limit);
    /// Chart history between two times; resolution 1000 (seconds) or 60000 (minutes).
    quint64 requestHistory(TimeMs from, TimeMs to, int resolutionMs);
    /// The newest `limit` audit entries, newest first.
    quint64 requestAudit(int limit);
    /// needs_attention runs `filter` matches, newest first below `before` (0 = from the newest),
    /// with how many match in all (SPEC U5).
    quint64 requestNeedsAttention(const NeedsAttentionFilter &filter, RunId before, int limit);
    /// Every recorded attempt of a run, oldest first (SPEC J4).
    quint64 requestAttempts(RunId run);

    /// Builds the WHERE clause for a filter (exposed for tests). Values go to `binds`.
    static QString whereClause(const RunFilter &filter, QVariantList *binds);

Q_SIGNALS:
    void runsReady(const Yard::RunPage &page);
    void runReady(quint64 request, const Yard::Run &run, const QString &sessionKey, bool found);
    void messagesReady(quint64 request, Yard::SessionId session, const Yard::MessageList &messages);
    void historyReady(quint64 request, const Yard::StatsSeries &samples);
    void auditReady(quint64 request, const Yard::AuditLog &entries);
    void needsAttentionReady(const Yard::AttentionPage &page);
    void attemptsReady(quint64 request, const Yard::RunAttempts &attempts);

private:
    class Worker;
    void post(std::function<void(Worker &)> fn);
    /// One page of runs, newest first; `keyCondition` ("r.id < ?" or "r.id > ?") applies to
    /// `key` unless `key` is 0.
    quint64 requestPage(const RunFilter &filter, const QString &keyCondition, RunId key, int limit);
    std::unique_ptr<Worker> m_worker;
    QThread *m_thread;
    std::atomic<quint64> m_nextRequest{1};
    QString m_path;
};

} // namespace Yard
