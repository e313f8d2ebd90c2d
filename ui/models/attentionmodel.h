// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "console.h"

#include "store/runquery.h"

#include <QAbstractTableModel>
#include <QHash>

namespace Yard::Ui {

/// The Needs attention list (SPEC U5): needs_attention runs matching a filter, newest first,
/// a page at a time (fetchMore), with how many match in all, which is what bulk actions act on.
/// Pages come from the StoreReader's thread, or from the engine when the scheduler keeps its
/// runs in memory; answers to an older request are dropped.
class AttentionModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AttentionModel)

public:
    enum Column { Id, Diagnostic, Tier, Wakes, Age, Capabilities, Workspace, Acknowledged, ColumnCount };
    enum Role {
        RunIdRole = Qt::UserRole + 1, ///< qint64
        AcknowledgedRole,             ///< bool
    };
    static constexpr int kPageSize = 200;

    explicit AttentionModel(const Console &console, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    void setFilter(const NeedsAttentionFilter &filter);
    const NeedsAttentionFilter &filter() const { return m_filter; }
    /// Loads the newest page again (the list changed).
    void reload();

    /// How many runs the filter matches in all (not only the loaded rows), and how many of
    /// those no operator acknowledged.
    int total() const { return m_total; }
    int unacknowledged() const { return m_unacknowledged; }
    /// The newest run id the last count saw: a bulk action confirmed with that count acts on
    /// runs up to it, never on one that arrived after the operator read the number.
    RunId newestCounted() const { return m_newest; }
    bool isLoading() const { return m_loading; }
    bool hasMore() const { return m_more; }
    qint64 lastQueryMs() const { return m_lastQueryMs; }

    const AttentionRow *rowAt(int row) const;
    int rowOf(RunId id) const { return m_rowOf.value(id, -1); }
    void setNow(TimeMs now);

Q_SIGNALS:
    /// A page arrived (or the load failed): counts and rows changed.
    void loaded();
    void queryFailed(const QString &error);

private:
    void request(RunId before);
    void onPage(const AttentionPage &page);

    Console m_console;
    NeedsAttentionFilter m_filter;
    QVector<AttentionRow> m_rows;
    QHash<RunId, int> m_rowOf;
    quint64 m_request = 0;
    quint64 m_nextLocalRequest = 1ULL << 62; ///< engine-answered requests never collide with the reader's
    bool m_appending = false;
    bool m_loading = false;
    bool m_more = false;
    int m_total = 0;
    int m_unacknowledged = 0;
    RunId m_newest = 0;
    qint64 m_lastQueryMs = 0;
    TimeMs m_now = 0;
};

} // namespace Yard::Ui
