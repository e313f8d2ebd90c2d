// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobsmodel.h"

#include "format.h"
#include "theme.h"

#include "jobs/cronexpression.h"

#include <QDateTime>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

JobsModel::JobsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int JobsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_jobs.size());
}

int JobsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JobsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Job");
    case Schedule:
        return tr("Schedule");
    case Next:
        return tr("Next run");
    case Last:
        return tr("Last run");
    case Recent:
        return tr("Recent runs");
    case Counts:
        return tr("Done · failed");
    case Type:
        return tr("Type");
    case Enabled:
        return tr("State");
    }
    return {};
}

QTimeZone JobsModel::zoneOf(const Job &job)
{
    if (job.spec.schedule.kind == Schedule::Kind::Cron && !job.spec.schedule.timeZone.isEmpty()) {
        const QTimeZone z(job.spec.schedule.timeZone.toUtf8());
        if (z.isValid())
            return z;
    }
    return QTimeZone::systemTimeZone();
}

QString JobsModel::when(TimeMs t, const Job &job)
{
    const QDateTime d = QDateTime::fromMSecsSinceEpoch(t, zoneOf(job));
    return d.toString(u"yyyy-MM-dd HH:mm:ss"_s) + u' ' + d.timeZoneAbbreviation();
}

namespace {
QString reading(const Job &job)
{
    const Schedule &s = job.spec.schedule;
    if (s.kind == Schedule::Kind::Cron) {
        Expected<CronExpression> c = CronExpression::parse(s.cron, s.timeZone);
        return c ? c->describe() : s.cron;
    }
    return s.summary();
}

QString hoverTimes(TimeMs t, const Job &job)
{
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(t);
    const QDateTime utc = QDateTime::fromMSecsSinceEpoch(t, QTimeZone::utc());
    return JobsModel::tr("%1 (the schedule's zone)\n%2 local\n%3 UTC")
        .arg(JobsModel::when(t, job), local.toString(u"yyyy-MM-dd HH:mm:ss t"_s), utc.toString(u"yyyy-MM-dd HH:mm:ss"_s));
}
} // namespace

QVariant JobsModel::data(const QModelIndex &index, int role) const
{
    const Job *j = index.isValid() ? jobAt(index.row()) : nullptr;
    if (!j)
        return {};
    switch (role) {
    case JobIdRole:
        return j->id;
    case EnabledRole:
        return j->spec.enabled;
    case RecentRole: {
        QList<int> states;
        for (RunState s : m_recent.value(j->id))
            states << int(s);
        return QVariant::fromValue(states);
    }
    case Qt::DisplayRole:
        switch (index.column()) {
        case Name:
            return j->spec.name;
        case Schedule:
            // As written, and how it reads.
            return j->spec.schedule.kind == Schedule::Kind::Cron ? u"%1 · %2"_s.arg(j->spec.schedule.cron, reading(*j))
                                                                 : j->spec.schedule.summary();
        case Next:
            if (!j->spec.enabled)
                return tr("— (disabled)");
            if (j->nextFireAt <= 0)
                return j->spec.schedule.kind == Schedule::Kind::AfterJob ? tr("after job %1 succeeds").arg(j->spec.schedule.afterJob)
                                                                          : tr("— (done)");
            return m_now > 0 ? tr("%1 · in %2").arg(when(j->nextFireAt, *j).mid(11), Format::duration(qMax<qint64>(0, j->nextFireAt - m_now)))
                             : when(j->nextFireAt, *j);
        case Last:
            if (j->lastFireAt <= 0 && j->lastFinishedAt <= 0)
                return tr("never");
            return u"%1 · %2"_s.arg(Format::age(m_now, qMax(j->lastFireAt, j->lastFinishedAt)),
                                    j->lastOutcome.isEmpty() ? tr("running") : j->lastOutcome);
        case Recent:
            return QString();
        case Counts:
            return u"%1 · %2"_s.arg(j->completed).arg(j->failed);
        case Type:
            return j->spec.type;
        case Enabled:
            return j->spec.enabled ? tr("enabled") : tr("disabled");
        }
        break;
    case Qt::ToolTipRole:
        switch (index.column()) {
        case Name:
            return tr("Job #%1, lane %2, %3 priority").arg(j->id).arg(j->spec.lane, priorityName(j->spec.priority));
        case Schedule:
            return reading(*j);
        case Next:
            return j->nextFireAt > 0 ? hoverTimes(j->nextFireAt, *j) : QVariant();
        case Last:
            return j->lastError.isEmpty() ? (j->lastFireAt > 0 ? hoverTimes(j->lastFireAt, *j) : QVariant())
                                          : tr("Last error: %1").arg(j->lastError);
        case Recent:
            return tr("Its newest runs, oldest left: green completed, red failed, grey other");
        }
        break;
    case Qt::ForegroundRole:
        if (!j->spec.enabled)
            return Theme::color(Theme::Role::Cancelled);
        if (index.column() == Last && (j->lastOutcome == u"failed" || j->lastOutcome == u"timeout"
                                       || j->lastOutcome == u"not started"))
            return Theme::color(Theme::Role::Failed);
        break;
    default:
        break;
    }
    return {};
}

const Job *JobsModel::jobAt(int row) const
{
    return row >= 0 && row < m_jobs.size() ? &m_jobs[row] : nullptr;
}

int JobsModel::rowOf(JobId id) const
{
    for (int i = 0; i < m_jobs.size(); ++i) {
        if (m_jobs[i].id == id)
            return i;
    }
    return -1;
}

void JobsModel::setJobs(const QVector<Job> &jobs)
{
    bool sameIds = jobs.size() == m_jobs.size();
    for (int i = 0; sameIds && i < jobs.size(); ++i)
        sameIds = jobs[i].id == m_jobs[i].id;
    if (!sameIds) {
        beginResetModel(); // a job came or went: few rows, an honest reset
        m_jobs = jobs;
        endResetModel();
        return;
    }
    m_jobs = jobs;
    if (!m_jobs.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_jobs.size()) - 1, ColumnCount - 1),
                           {Qt::DisplayRole, Qt::ToolTipRole, Qt::ForegroundRole, EnabledRole});
}

void JobsModel::setNow(TimeMs now)
{
    m_now = now;
    if (!m_jobs.isEmpty())
        Q_EMIT dataChanged(index(0, Next), index(int(m_jobs.size()) - 1, Last), {Qt::DisplayRole});
}

void JobsModel::applyEvents(const EventBatch &events)
{
    QSet<JobId> changed;
    for (const Event &e : events) {
        if (e.type == EventType::JobFired && e.run) {
            m_jobOfRun.insert(e.run, e.value);
            continue;
        }
        if (!m_jobOfRun.contains(e.run))
            continue;
        std::optional<RunState> outcome;
        switch (e.type) {
        case EventType::RunCompleted:
            outcome = RunState::Completed;
            break;
        case EventType::RunFailed:
            outcome = RunState::Failed;
            break;
        case EventType::RunCancelled:
        case EventType::RunDropped:
        case EventType::RunStale:
            outcome = RunState::Cancelled;
            break;
        case EventType::RunNeedsAttention:
            outcome = RunState::NeedsAttention;
            break;
        default:
            break;
        }
        if (!outcome)
            continue;
        const JobId job = m_jobOfRun.take(e.run);
        QVector<RunState> &recent = m_recent[job];
        recent.append(*outcome);
        if (recent.size() > kRecent)
            recent.remove(0, recent.size() - kRecent);
        changed.insert(job);
    }
    for (JobId id : changed) {
        const int row = rowOf(id);
        if (row >= 0)
            Q_EMIT dataChanged(index(row, Recent), index(row, Recent), {RecentRole});
    }
}

void JobsModel::setRecent(JobId job, const QVector<RunState> &states)
{
    m_recent[job] = states.mid(qMax<qsizetype>(0, states.size() - kRecent));
    const int row = rowOf(job);
    if (row >= 0)
        Q_EMIT dataChanged(index(row, Recent), index(row, Recent), {RecentRole});
}

} // namespace Yard::Ui
