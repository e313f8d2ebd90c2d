// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/event.h"
#include "store/runquery.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>

namespace Yard {
class StoreReader;
} // namespace Yard

namespace Yard::Ui {

/// The runs list (SPEC U4): newest first, loaded a page at a time from the database on the
/// reader thread (fetchMore), so a million runs cost one page. Loaded rows follow live events
/// in place. Runs that arrive later are only counted (newRunsChanged) until showNewRuns()
/// inserts them at the top — so rows never move under an operator's selection.
class RunsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunsModel)

public:
    enum Column { Id, State, Progress, Session, Lane, Priority, Handler, Attempt, Queued, Duration, Detail, ColumnCount };
    enum Role {
        RunIdRole = Qt::UserRole + 1, ///< qint64
        StateRole,                    ///< int(RunState)
        CancellingRole,               ///< bool: a cancel was requested, not yet confirmed
        ProgressRole,                 ///< double 0..1 while the run reports progress; invalid otherwise
    };
    static constexpr int kPageSize = 200;

    explicit RunsModel(StoreReader *reader, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    void setFilter(const RunFilter &filter);
    const RunFilter &filter() const { return m_filter; }
    /// Reloads from the newest run with the current filter.
    void reload();
    /// Inserts the runs that arrived since the list was loaded at the top.
    void showNewRuns();
    int newRuns() const { return m_newRuns; }
    bool isLoading() const { return m_loading; }
    qint64 lastQueryMs() const { return m_lastQueryMs; }
    bool hasMore() const { return m_more; }

    /// Live updates of loaded rows; counts new runs.
    void applyEvents(const EventBatch &events);
    /// Marks runs as "cancelling…" until their outcome arrives (or clears the mark).
    void setCancelling(const QVector<RunId> &runs, bool cancelling);

    RunId runAt(int row) const;
    int rowOf(RunId id) const { return m_rowOf.value(id, -1); }
    RunState stateAt(int row) const;
    void setNow(TimeMs now) { m_now = now; }

Q_SIGNALS:
    void newRunsChanged(int count);
    void loadingChanged(bool loading);
    void queryFailed(const QString &error);

private:
    void onPage(const RunPage &page);
    void request(RunId before);
    void rebuildIndex(int from);

    StoreReader *m_reader;
    RunFilter m_filter;
    QVector<RunRow> m_rows;
    QHash<RunId, int> m_rowOf;
    QSet<RunId> m_cancelling;
    quint64 m_pageRequest = 0;
    quint64 m_newerRequest = 0;
    bool m_loading = false;
    bool m_more = false;
    bool m_loadedOnce = false;
    int m_newRuns = 0;
    qint64 m_lastQueryMs = 0;
    TimeMs m_now = 0;
};

} // namespace Yard::Ui
