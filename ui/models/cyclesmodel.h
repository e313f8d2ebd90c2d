// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cycle/cycletypes.h"

#include <QAbstractTableModel>

#include <deque>

namespace Yard::Ui {

/// Recent mechanical cycles (SPEC U8), newest first: what each pass swept, woke and escalated.
/// Cycles arrive with snapshots; a full snapshot repeats the recent history, which is merged
/// (cycles already listed are skipped).
class CyclesModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CyclesModel)

public:
    enum Column {
        Number, Time, Took, Pending, Sessions, Wakes, WakeFailed, NoMatch, Cooling, Recovered,
        Starved, Spawns, NeedsAttention, Note, ColumnCount
    };
    enum Role {
        NumberRole = Qt::UserRole + 1, ///< quint64
        HasErrorRole,                  ///< bool
    };
    static constexpr int kKeep = 500;

    explicit CyclesModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    /// Cycles oldest first; returns those that were new (oldest first).
    QVector<CycleResult> addCycles(const QVector<CycleResult> &cycles);
    const CycleResult *cycleAt(int row) const;
    quint64 newestNumber() const { return m_rows.empty() ? 0 : m_rows.front().number; }

private:
    std::deque<CycleResult> m_rows; ///< newest first
};

} // namespace Yard::Ui
