// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractTableModel>
#include <QColor>
#include <QStringList>
#include <QVector>

namespace Yard::Ui {

/// One row of a cluster table: texts per column, a sort value per column, and what the row
/// stands for (a run id, a node id, a lane's name).
struct ClusterRow
{
    QString key;
    QStringList texts;
    QVariantList sortValues; ///< empty: sort by text
    QColor foreground;       ///< invalid: the palette's
    QString tooltip;
    int stateColumn = -1;    ///< the column drawn in `foreground` (all when -1)
    double ratio = -1;       ///< for RatioBarDelegate on `ratioColumn`
    int ratioColumn = -1;
};

/// The cluster console's tables (nodes, runs, lanes, sessions, needs attention): rows replaced
/// from each snapshot. When the same rows come back (the usual case between two snapshots) only
/// the cells change, so a selection and the scroll position stay where the operator left them.
class ClusterTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    static constexpr int SortRole = Qt::UserRole + 1;
    static constexpr int KeyRole = Qt::UserRole + 2;
    static constexpr int RatioRole = Qt::UserRole + 3;

    explicit ClusterTableModel(QStringList headers, QObject *parent = nullptr);

    void setRows(QVector<ClusterRow> rows);
    const ClusterRow *row(int r) const { return r >= 0 && r < m_rows.size() ? &m_rows[r] : nullptr; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QStringList m_headers;
    QVector<ClusterRow> m_rows;
};

} // namespace Yard::Ui
