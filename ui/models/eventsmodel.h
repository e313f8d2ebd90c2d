// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/audit.h"
#include "model/event.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include <functional>

namespace Yard::Ui {

/// Live tail of engine events and operator actions (SPEC U9): the newest `capacity` rows, oldest
/// first, appended one batch at a time. Audit entries loaded from the database appear as
/// operator.action rows.
class EventsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventsModel)

public:
    enum Column { Time, Type, Run, Session, Lane, Code, Detail, ColumnCount };
    enum Role {
        CategoryRole = Qt::UserRole + 1, ///< Category as int
        EventTypeRole,                   ///< int(EventType)
        RunIdRole,
    };
    enum class Category { Operator, Run, Scheduler, Session, Problem };

    explicit EventsModel(int capacity = 20000, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    void appendEvents(const EventBatch &events);
    /// Adds stored audit entries (newest first, as the reader returns them) before live rows.
    void addAuditHistory(const AuditLog &entries);
    void setSessionNames(std::function<QString(SessionId)> names) { m_sessionName = std::move(names); }
    const Event &eventAt(int row) const { return m_events.at(row); }
    static Category categoryOf(const Event &e);

    /// Writes the given rows as CSV (RFC 4180) to `out`.
    static QByteArray toCsv(const QVector<Event> &events, const std::function<QString(SessionId)> &names);

private:
    QVector<Event> m_events;
    int m_capacity;
    std::function<QString(SessionId)> m_sessionName;
};

/// Filters the events tail by category and text.
class EventsFilter final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setCategory(int category); ///< -1 = all
    void setText(const QString &text);
    /// run.progress rows are many and rarely interesting: hidden unless asked for.
    void setShowProgress(bool show);

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override;

private:
    int m_category = -1;
    QString m_text;
    bool m_showProgress = false;
};

} // namespace Yard::Ui
