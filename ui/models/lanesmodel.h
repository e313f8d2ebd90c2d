// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/lane.h"

#include <QAbstractTableModel>

namespace Yard::Ui {

/// Lanes with their live numbers (SPEC U7, L2). The limit column is editable; edits are
/// reported with limitEdited() and take effect when the engine confirms in the next snapshot.
class LanesModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LanesModel)

public:
    enum Column { Name, Limit, Running, Waiting, Utilisation, State, Started, Preempted, Grace, ColumnCount };
    enum Role {
        UtilisationRole = Qt::UserRole + 1, ///< double 0..1
        PausedRole,                         ///< bool
        NameRole,                           ///< QString
    };

    explicit LanesModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;

    void applyLanes(const QVector<LaneStats> &lanes);
    const LaneStats *lane(int row) const;

Q_SIGNALS:
    void limitEdited(const QString &lane, int limit);

private:
    QVector<LaneStats> m_lanes;
};

} // namespace Yard::Ui
