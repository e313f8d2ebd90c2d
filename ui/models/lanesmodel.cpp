// SPDX-License-Identifier: GPL-3.0-or-later
#include "lanesmodel.h"

#include "format.h"
#include "theme.h"

namespace Yard::Ui {

LanesModel::LanesModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int LanesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_lanes.size());
}

int LanesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LanesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Lane");
    case Limit:
        return tr("Limit");
    case Running:
        return tr("Running");
    case Waiting:
        return tr("Waiting");
    case Utilisation:
        return tr("Utilisation");
    case State:
        return tr("State");
    case Started:
        return tr("Started (total)");
    case Preempted:
        return tr("Preempted");
    case Grace:
        return tr("Grace");
    }
    return {};
}

Qt::ItemFlags LanesModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() == Limit)
        f |= Qt::ItemIsEditable;
    return f;
}

QVariant LanesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const LaneStats &l = m_lanes.at(index.row());
    switch (role) {
    case UtilisationRole:
        return l.utilisation();
    case PausedRole:
        return l.paused;
    case NameRole:
        return l.name;
    case Qt::ToolTipRole:
        if (index.column() == Limit)
            return tr("Double-click to change the limit; it applies at once");
        if (index.column() == Preempted)
            return tr("Runs that yielded their slot to interactive or urgent work: %1.\n"
                      "Interrupted runs that did not yield within the grace period (left to finish): %2.")
                .arg(l.preemptions)
                .arg(l.preemptionsRefused);
        if (index.column() == Grace)
            return tr("How long an interrupted run has to yield before it is left to finish%1")
                .arg(l.preemptGraceDefault ? tr(" (the default; set one for this lane with \"Grace period…\")") : QString());
        return {};
    case Qt::ForegroundRole:
        if (index.column() == State && l.paused)
            return Theme::color(Theme::Role::Paused);
        if (index.column() == Grace && l.preemptGraceDefault)
            return Theme::color(Theme::Role::Muted);
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == Name || index.column() == State ? QVariant()
                                                                 : int(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::EditRole:
        if (index.column() == Limit)
            return l.limit;
        return {};
    case Qt::DisplayRole:
        switch (index.column()) {
        case Name:
            return l.name;
        case Limit:
            return l.limit;
        case Running:
            return l.active;
        case Waiting:
            return l.pending;
        case Utilisation:
            return Format::percent(l.utilisation());
        case State:
            return l.paused ? tr("paused") : tr("admitting");
        case Started:
            return qulonglong(l.started);
        case Preempted:
            return l.preemptionsRefused ? tr("%1 · %2 refused").arg(l.preemptions).arg(l.preemptionsRefused)
                                        : QString::number(l.preemptions);
        case Grace:
            return l.preemptGraceDefault ? tr("%1 ms (default)").arg(l.preemptGraceMs) : tr("%1 ms").arg(l.preemptGraceMs);
        }
        return {};
    default:
        return {};
    }
}

bool LanesModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !index.isValid() || index.column() != Limit)
        return false;
    bool ok = false;
    const int limit = value.toInt(&ok);
    if (!ok || limit < 1 || limit > 100000)
        return false;
    Q_EMIT limitEdited(m_lanes.at(index.row()).name, limit);
    return true;
}

void LanesModel::applyLanes(const QVector<LaneStats> &lanes)
{
    if (lanes.size() != m_lanes.size()) {
        beginResetModel(); // lanes are few and rarely added: a reset is the honest change
        m_lanes = lanes;
        endResetModel();
        return;
    }
    bool namesMatch = true;
    for (int i = 0; i < lanes.size(); ++i)
        namesMatch &= lanes[i].name == m_lanes[i].name;
    if (!namesMatch) {
        beginResetModel();
        m_lanes = lanes;
        endResetModel();
        return;
    }
    m_lanes = lanes;
    if (!m_lanes.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_lanes.size()) - 1, ColumnCount - 1),
                           {Qt::DisplayRole, Qt::EditRole, Qt::ForegroundRole, UtilisationRole, PausedRole});
}

const LaneStats *LanesModel::lane(int row) const
{
    return row >= 0 && row < m_lanes.size() ? &m_lanes.at(row) : nullptr;
}

} // namespace Yard::Ui
