// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/event.h"
#include "model/job.h"
#include "model/runstate.h"

#include <QAbstractTableModel>
#include <QHash>

namespace Yard::Ui {

/// The jobs (SPEC U6, J6): schedule as written with a human reading, next run with a countdown,
/// last run and its status, a sparkline of recent runs, counts. Jobs arrive with snapshots
/// (all of them, when any changed); recent runs from the event stream and, at start, the
/// database.
class JobsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobsModel)

public:
    enum Column { Name, Schedule, Next, Last, Recent, Counts, Type, Enabled, ColumnCount };
    enum Role {
        JobIdRole = Qt::UserRole + 1, ///< qint64
        RecentRole,                   ///< QList<int>: RunState of recent runs, oldest first
        EnabledRole,                  ///< bool
    };
    static constexpr int kRecent = 20;

    explicit JobsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    void setJobs(const QVector<Job> &jobs);
    void setNow(TimeMs now);
    void applyEvents(const EventBatch &events);
    /// Recent outcomes read from the database (oldest first).
    void setRecent(JobId job, const QVector<RunState> &states);

    const Job *jobAt(int row) const;
    int rowOf(JobId id) const;

    /// The zone a job's times are shown in: its cron zone, else the machine's.
    static QTimeZone zoneOf(const Job &job);
    /// "2026-03-29 03:00 CEST" in that zone.
    static QString when(TimeMs t, const Job &job);

private:
    QVector<Job> m_jobs;
    QHash<JobId, QVector<RunState>> m_recent;
    QHash<RunId, JobId> m_jobOfRun; ///< runs fired by jobs, while they run
    TimeMs m_now = 0;
};

} // namespace Yard::Ui
