// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/enginestatus.h"

#include <QAbstractTableModel>
#include <QHash>

namespace Yard::Ui {

/// Live sessions (SPEC U3), fed by EngineSnapshots. Rows are appended in batches and updated in
/// place with dataChanged naming the roles; the model is reset only when the engine sends a full
/// list for the first time.
class SessionsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionsModel)

public:
    enum Column { Key, Agent, State, Mode, Active, Queued, Progress, LastActivity, Tokens, ColumnCount };
    enum Role {
        SessionIdRole = Qt::UserRole + 1, ///< qint64 session id
        SortRole,                         ///< numeric/text value for sorting
        ProgressRole,                     ///< double 0..1 of its running run; invalid when none
    };

    explicit SessionsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    void applySnapshot(const EngineSnapshot &snapshot);
    /// Status of a session id, or nullptr.
    const SessionStatus *session(SessionId id) const;
    /// The current time used for "last activity" ages.
    void setNow(TimeMs now) { m_now = now; }

private:
    QVector<SessionStatus> m_rows;
    QHash<SessionId, int> m_rowOf;
    TimeMs m_now = 0;
};

} // namespace Yard::Ui
