// SPDX-License-Identifier: GPL-3.0-or-later
#include "runsmodel.h"

#include "format.h"
#include "theme.h"

#include "store/storereader.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

namespace {

std::optional<RunState> stateAfter(const Event &e)
{
    switch (e.type) {
    case EventType::RunStarted:
        return RunState::Running;
    case EventType::RunCompleted:
        return RunState::Completed;
    case EventType::RunFailed:
        return RunState::Failed;
    case EventType::RunCancelled:
    case EventType::RunDropped:
    case EventType::RunStale:
        return RunState::Cancelled;
    case EventType::RunMerged:
        return RunState::Merged;
    case EventType::RunInterrupted:
        // A shutdown parks the run (queued); a preemption only asks it to yield (still running).
        return e.code == ErrorCode::Interrupted ? std::optional(RunState::Queued) : std::nullopt;
    case EventType::RunRecovered:
    case EventType::RunRescheduled:
    case EventType::LeaseRecovered:
        return RunState::Queued;
    case EventType::RunRetryScheduled:
        return RunState::RetryWait;
    case EventType::RunNeedsAttention:
        return RunState::NeedsAttention;
    default:
        return std::nullopt;
    }
}

QColor stateColor(RunState s)
{
    switch (s) {
    case RunState::Running:
    case RunState::Claimed:
        return Theme::color(Theme::Role::Running);
    case RunState::Queued:
    case RunState::Scheduled:
    case RunState::RetryWait:
        return Theme::color(Theme::Role::Queued);
    case RunState::Completed:
        return Theme::color(Theme::Role::Completed);
    case RunState::Failed:
        return Theme::color(Theme::Role::Failed);
    case RunState::NeedsAttention:
        return Theme::color(Theme::Role::Warning);
    default:
        return Theme::color(Theme::Role::Cancelled);
    }
}

} // namespace

RunsModel::RunsModel(StoreReader *reader, QObject *parent)
    : QAbstractTableModel(parent)
    , m_reader(reader)
{
    if (m_reader)
        connect(m_reader, &StoreReader::runsReady, this, &RunsModel::onPage);
}

int RunsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RunsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Id:
        return tr("Run");
    case State:
        return tr("State");
    case Progress:
        return tr("Progress");
    case Session:
        return tr("Session");
    case Lane:
        return tr("Lane");
    case Priority:
        return tr("Priority");
    case Handler:
        return tr("Type");
    case Attempt:
        return tr("Try");
    case Queued:
        return tr("Queued");
    case Duration:
        return tr("Duration");
    case Detail:
        return tr("Input / error");
    }
    return {};
}

QVariant RunsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RunRow &r = m_rows.at(index.row());
    const bool cancelling = m_cancelling.contains(r.id);
    switch (role) {
    case RunIdRole:
        return r.id;
    case StateRole:
        return int(r.state);
    case CancellingRole:
        return cancelling;
    case ProgressRole:
        // A bar while it runs, or waits with progress made (preempted, recovered); a finished
        // run's progress is history, shown as text.
        if (index.column() != Progress || isTerminal(r.state) || (r.progress <= 0 && r.state != RunState::Running))
            return {};
        return r.progress;
    case Qt::ForegroundRole:
        if (index.column() == State)
            return cancelling ? Theme::color(Theme::Role::Warning) : stateColor(r.state);
        if (index.column() == Detail && r.errorCode != ErrorCode::None)
            return Theme::color(Theme::Role::Failed);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == Id || index.column() == Attempt || index.column() == Duration)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Detail)
            return r.errorCode != ErrorCode::None ? QString(errorCodeName(r.errorCode) + u": "_s + r.error) : r.preview;
        if (index.column() == Queued)
            return Format::bothZones(r.queuedAt);
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case Id:
        return r.id;
    case State:
        return cancelling ? tr("cancelling…") : runStateName(r.state);
    case Progress:
        return r.progressText;
    case Session:
        return r.sessionKey.isEmpty() ? u"—"_s : r.sessionKey;
    case Lane:
        return r.lane;
    case Priority:
        return priorityName(r.priority);
    case Handler:
        return r.handler;
    case Attempt:
        return r.attempt;
    case Queued:
        return Format::clock(r.queuedAt);
    case Duration: {
        if (r.startedAt <= 0)
            return r.state == RunState::Queued && m_now > 0 ? tr("waiting %1").arg(Format::duration(m_now - r.queuedAt))
                                                           : u"—"_s;
        const TimeMs end = r.finishedAt > 0 ? r.finishedAt : m_now;
        return end >= r.startedAt ? Format::duration(end - r.startedAt) : u"—"_s;
    }
    case Detail:
        if (r.errorCode != ErrorCode::None)
            return QString(errorCodeName(r.errorCode) + (r.error.isEmpty() ? QString() : u": "_s + r.error));
        return r.preview;
    }
    return {};
}

bool RunsModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_reader && m_more && !m_loading;
}

void RunsModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    request(m_rows.isEmpty() ? 0 : m_rows.last().id);
}

void RunsModel::request(RunId before)
{
    if (!m_reader)
        return;
    m_loading = true;
    Q_EMIT loadingChanged(true);
    m_pageRequest = m_reader->requestRuns(m_filter, before, kPageSize);
}

void RunsModel::setFilter(const RunFilter &filter)
{
    if (m_loadedOnce && filter == m_filter)
        return;
    m_filter = filter;
    reload();
}

void RunsModel::reload()
{
    m_loadedOnce = true;
    beginResetModel();
    m_rows.clear();
    m_rowOf.clear();
    m_more = false;
    endResetModel();
    m_newRuns = 0;
    Q_EMIT newRunsChanged(0);
    request(0);
}

void RunsModel::showNewRuns()
{
    if (!m_reader || m_newerRequest)
        return;
    if (m_rows.isEmpty()) {
        reload();
        return;
    }
    m_newerRequest = m_reader->requestNewerRuns(m_filter, m_rows.first().id, 2000);
}

void RunsModel::onPage(const RunPage &page)
{
    if (page.request == m_newerRequest) {
        m_newerRequest = 0;
        if (page.error.isError()) {
            Q_EMIT queryFailed(page.error.message);
            return;
        }
        QVector<RunRow> fresh;
        for (const RunRow &r : page.rows) {
            if (!m_rowOf.contains(r.id))
                fresh.append(r);
        }
        if (!fresh.isEmpty()) {
            beginInsertRows({}, 0, int(fresh.size()) - 1);
            m_rows = fresh + m_rows;
            rebuildIndex(0);
            endInsertRows();
        }
        m_newRuns = 0;
        Q_EMIT newRunsChanged(0);
        return;
    }
    if (page.request != m_pageRequest)
        return; // a stale answer from before the filter changed
    m_loading = false;
    m_lastQueryMs = page.elapsedMs;
    if (page.error.isError()) {
        Q_EMIT loadingChanged(false);
        Q_EMIT queryFailed(page.error.message);
        return;
    }
    m_more = page.more;
    QVector<RunRow> fresh;
    for (const RunRow &r : page.rows) {
        if (!m_rowOf.contains(r.id))
            fresh.append(r);
    }
    if (!fresh.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(fresh.size()) - 1);
        m_rows += fresh;
        rebuildIndex(first);
        endInsertRows();
    }
    Q_EMIT loadingChanged(false);
}

void RunsModel::rebuildIndex(int from)
{
    if (from == 0)
        m_rowOf.clear();
    for (int i = from; i < m_rows.size(); ++i)
        m_rowOf.insert(m_rows[i].id, i);
}

void RunsModel::applyEvents(const EventBatch &events)
{
    int first = INT_MAX, last = -1;
    int fresh = 0;
    for (const Event &e : events) {
        // Events are newer than the last snapshot: a run that starts now is 0 ms old, not
        // "in the future" (which showed as a blank duration until the next snapshot).
        m_now = qMax(m_now, e.time);
        if (e.type == EventType::RunQueued) {
            const int row = m_rowOf.value(e.run, -1);
            if (row >= 0) {
                // A run listed already is queued again: its next attempt (SPEC J4).
                m_rows[row].state = RunState::Queued;
                m_rows[row].attempt = e.value > 0 ? int(e.value) : m_rows[row].attempt;
                m_rows[row].startedAt = 0;
                first = qMin(first, row);
                last = qMax(last, row);
            } else if (m_rows.isEmpty() || e.run > m_rows.first().id) {
                ++fresh;
            }
            continue;
        }
        if (e.type == EventType::RunProgress) {
            const int row = m_rowOf.value(e.run, -1);
            if (row >= 0) {
                m_rows[row].progress = double(e.value) / 1000.0;
                m_rows[row].progressText = e.text;
                first = qMin(first, row);
                last = qMax(last, row);
            }
            continue;
        }
        const std::optional<RunState> state = stateAfter(e);
        if (!state)
            continue;
        const int row = m_rowOf.value(e.run, -1);
        if (row < 0)
            continue;
        RunRow &r = m_rows[row];
        r.state = *state;
        if (*state == RunState::Running) {
            r.startedAt = e.time;
            r.finishedAt = 0;
            r.attempt = e.value > 0 ? int(e.value) : r.attempt;
        } else if (isTerminal(*state)) {
            r.finishedAt = e.time;
            r.errorCode = e.code;
            if (e.code != ErrorCode::None)
                r.error = e.text.section(u'\n', 0, 0);
            m_cancelling.remove(r.id);
        }
        first = qMin(first, row);
        last = qMax(last, row);
    }
    if (last >= 0)
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1),
                           {Qt::DisplayRole, Qt::ForegroundRole, StateRole, CancellingRole, ProgressRole});
    if (fresh > 0) {
        m_newRuns += fresh;
        Q_EMIT newRunsChanged(m_newRuns);
    }
}

void RunsModel::setCancelling(const QVector<RunId> &runs, bool cancelling)
{
    for (RunId id : runs) {
        if (cancelling)
            m_cancelling.insert(id);
        else
            m_cancelling.remove(id);
        const int row = m_rowOf.value(id, -1);
        if (row >= 0)
            Q_EMIT dataChanged(index(row, State), index(row, State),
                               {Qt::DisplayRole, Qt::ForegroundRole, CancellingRole});
    }
}

RunId RunsModel::runAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).id : 0;
}

RunState RunsModel::stateAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).state : RunState::Queued;
}

} // namespace Yard::Ui
