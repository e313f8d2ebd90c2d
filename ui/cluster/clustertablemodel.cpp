// SPDX-License-Identifier: GPL-3.0-or-later
#include "clustertablemodel.h"

#include <algorithm>

namespace Yard::Ui {

ClusterTableModel::ClusterTableModel(QStringList headers, QObject *parent)
    : QAbstractTableModel(parent)
    , m_headers(std::move(headers))
{}

void ClusterTableModel::setRows(QVector<ClusterRow> rows)
{
    const bool sameKeys = rows.size() == m_rows.size()
                          && std::equal(rows.cbegin(), rows.cend(), m_rows.cbegin(),
                                        [](const ClusterRow &a, const ClusterRow &b) { return a.key == b.key; });
    if (sameKeys) {
        m_rows = std::move(rows);
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, int(m_headers.size()) - 1));
        return;
    }
    // Rows came or went: the views keep their selection by key (see ClusterWindow).
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

int ClusterTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ClusterTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_headers.size());
}

QVariant ClusterTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const ClusterRow &r = m_rows[index.row()];
    const int c = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return r.texts.value(c);
    case SortRole:
        return c < r.sortValues.size() && r.sortValues[c].isValid() ? r.sortValues[c] : QVariant(r.texts.value(c));
    case KeyRole:
        return r.key;
    case RatioRole:
        return c == r.ratioColumn && r.ratio >= 0 ? QVariant(r.ratio) : QVariant();
    case Qt::ForegroundRole:
        if (r.foreground.isValid() && (r.stateColumn < 0 || r.stateColumn == c))
            return r.foreground;
        return {};
    case Qt::ToolTipRole:
        return r.tooltip.isEmpty() ? QVariant() : QVariant(r.tooltip);
    case Qt::TextAlignmentRole:
        return r.sortValues.value(c).typeId() == QMetaType::LongLong || r.sortValues.value(c).typeId() == QMetaType::Int
                   ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                   : QVariant();
    default:
        return {};
    }
}

QVariant ClusterTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole)
        return m_headers.value(section);
    return {};
}

} // namespace Yard::Ui
