// SPDX-License-Identifier: GPL-3.0-or-later
#include "sessionsmodel.h"

#include "format.h"

using namespace Qt::StringLiterals;

namespace Yard::Ui {

SessionsModel::SessionsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int SessionsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int SessionsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SessionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Key:
        return tr("Session");
    case Agent:
        return tr("Agent");
    case State:
        return tr("State");
    case Mode:
        return tr("Mode");
    case Active:
        return tr("Running");
    case Queued:
        return tr("Queued");
    case Progress:
        return tr("Progress");
    case LastActivity:
        return tr("Last activity");
    case Tokens:
        return tr("Context");
    }
    return {};
}

QVariant SessionsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SessionStatus &s = m_rows.at(index.row());
    if (role == SessionIdRole)
        return s.id;
    if (role == ProgressRole)
        return index.column() == Progress && s.progress >= 0 && s.active > 0 ? QVariant(s.progress) : QVariant();
    if (role == Qt::TextAlignmentRole) {
        if (index.column() == Active || index.column() == Queued || index.column() == Tokens)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    }
    if (role == SortRole) {
        switch (index.column()) {
        case Active:
            return s.active;
        case Queued:
            return s.queued;
        case LastActivity:
            return s.lastActivity;
        case Tokens:
            return s.tokenRatio;
        case Progress:
            return s.progress;
        default:
            break;
        }
        role = Qt::DisplayRole;
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Key:
            return s.key;
        case Agent:
            return s.agent.isEmpty() ? u"—"_s : s.agent;
        case State:
            return s.paused ? tr("paused") : sessionStateName(s.state);
        case Mode:
            return queueModeName(s.mode);
        case Active:
            return s.active;
        case Queued:
            return s.queued;
        case Progress:
            return s.active > 0 ? s.progressText : QString();
        case LastActivity:
            return Format::age(m_now, s.lastActivity);
        case Tokens:
            return Format::percent(s.tokenRatio);
        }
    }
    if (role == Qt::ToolTipRole && index.column() == LastActivity)
        return Format::bothZones(s.lastActivity);
    return {};
}

void SessionsModel::applySnapshot(const EngineSnapshot &snapshot)
{
    m_now = snapshot.time;
    if (snapshot.fullSessionList && m_rows.isEmpty()) {
        beginResetModel();
        m_rows = snapshot.changedSessions;
        m_rowOf.clear();
        for (int i = 0; i < m_rows.size(); ++i)
            m_rowOf.insert(m_rows[i].id, i);
        endResetModel();
        return;
    }
    for (SessionId id : snapshot.removedSessions) {
        const int row = m_rowOf.value(id, -1);
        if (row < 0)
            continue;
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        m_rowOf.clear();
        for (int i = 0; i < m_rows.size(); ++i)
            m_rowOf.insert(m_rows[i].id, i);
        endRemoveRows();
    }
    QVector<SessionStatus> added;
    int first = INT_MAX, last = -1;
    for (const SessionStatus &s : snapshot.changedSessions) {
        const int row = m_rowOf.value(s.id, -1);
        if (row < 0) {
            added.append(s);
            continue;
        }
        m_rows[row] = s;
        first = qMin(first, row);
        last = qMax(last, row);
    }
    if (last >= 0)
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1),
                           {Qt::DisplayRole, SortRole, ProgressRole});
    if (!added.isEmpty()) {
        const int start = int(m_rows.size());
        beginInsertRows({}, start, start + int(added.size()) - 1);
        for (const SessionStatus &s : std::as_const(added)) {
            m_rowOf.insert(s.id, int(m_rows.size()));
            m_rows.append(s);
        }
        endInsertRows();
    }
}

const SessionStatus *SessionsModel::session(SessionId id) const
{
    const int row = m_rowOf.value(id, -1);
    return row < 0 ? nullptr : &m_rows.at(row);
}

} // namespace Yard::Ui
