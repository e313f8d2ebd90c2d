// SPDX-License-Identifier: GPL-3.0-or-later
#include "cyclesmodel.h"

#include "format.h"
#include "theme.h"

using namespace Qt::StringLiterals;

namespace Yard::Ui {

CyclesModel::CyclesModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int CyclesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int CyclesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CyclesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    static const char *const kTitles[ColumnCount][2] = {
        {QT_TR_NOOP("Cycle"), QT_TR_NOOP("Cycles since the scheduler started")},
        {QT_TR_NOOP("Time"), QT_TR_NOOP("When the cycle ran")},
        {QT_TR_NOOP("Took"), QT_TR_NOOP("How long the cycle took")},
        {QT_TR_NOOP("Waiting"), QT_TR_NOOP("Tasks waiting for a claim when the cycle looked")},
        {QT_TR_NOOP("Sessions"), QT_TR_NOOP("Sessions the cycle considered")},
        {QT_TR_NOOP("Wakes"), QT_TR_NOOP("Wakes sent of those attempted (at most one per session per cycle)")},
        {QT_TR_NOOP("Failed"), QT_TR_NOOP("Wakes that could not be delivered")},
        {QT_TR_NOOP("No match"), QT_TR_NOOP("Waiting tasks no eligible idle session could take")},
        {QT_TR_NOOP("Cooling"), QT_TR_NOOP("Task and session pairs skipped: woken for it less than the cooldown ago")},
        {QT_TR_NOOP("Recovered"), QT_TR_NOOP("Expired leases swept back to the queue (or failed when spent)")},
        {QT_TR_NOOP("Starved"), QT_TR_NOOP("Tasks queued past the minimum age, fanned out to every eligible session")},
        {QT_TR_NOOP("Spawns"), QT_TR_NOOP("Worker sessions requested from agent templates")},
        {QT_TR_NOOP("Attention"), QT_TR_NOOP("Tasks the ladder marked needs attention")},
        {QT_TR_NOOP("Note"), QT_TR_NOOP("Paused, or the errors of the pass (it went on)")},
    };
    if (section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole)
        return tr(kTitles[section][0]);
    if (role == Qt::ToolTipRole)
        return tr(kTitles[section][1]);
    return {};
}

const CycleResult *CyclesModel::cycleAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? &m_rows[size_t(row)] : nullptr;
}

QVariant CyclesModel::data(const QModelIndex &index, int role) const
{
    const CycleResult *c = index.isValid() ? cycleAt(index.row()) : nullptr;
    if (!c)
        return {};
    switch (role) {
    case NumberRole:
        return c->number;
    case HasErrorRole:
        return c->error.isError();
    case Qt::DisplayRole:
        switch (index.column()) {
        case Number:
            return c->number;
        case Time:
            return Format::clock(c->at); // the date and the other zone are in the tooltip
        case Took:
            return c->durationUs < 1000 ? tr("%1 µs").arg(c->durationUs)
                                        : tr("%1 ms").arg(double(c->durationUs) / 1000.0, 0, 'f', 1);
        case Pending:
            return c->pendingRuns;
        case Sessions:
            return c->sessionsScanned;
        case Wakes:
            return c->paused ? QVariant(tr("—")) : QVariant(tr("%1 / %2").arg(c->wakeSucceeded).arg(c->wakeAttempts));
        case WakeFailed:
            return c->wakeFailed;
        case NoMatch:
            return c->noMatchRuns;
        case Cooling:
            return c->recentlyNotified;
        case Recovered:
            return c->recoveredLeases;
        case Starved:
            return c->starvedRuns;
        case Spawns:
            return c->spawnRequested;
        case NeedsAttention:
            return c->needsAttention;
        case Note:
            if (c->paused)
                return c->error.isError() ? tr("paused · %1").arg(c->error.message) : tr("paused: swept leases only");
            return c->error.isError() ? c->error.message : QString();
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == Time)
            return Format::bothZones(c->at);
        if (index.column() == Note && c->error.isError())
            return c->error.message;
        break;
    case Qt::ForegroundRole:
        if (index.column() == Note && c->error.isError())
            return Theme::color(Theme::Role::Failed);
        if (index.column() == Note && c->paused)
            return Theme::color(Theme::Role::Paused);
        if (index.column() == NeedsAttention && c->needsAttention > 0)
            return Theme::color(Theme::Role::Warning);
        if (index.column() == WakeFailed && c->wakeFailed > 0)
            return Theme::color(Theme::Role::Failed);
        break;
    case Qt::TextAlignmentRole:
        if (index.column() != Note && index.column() != Time)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    default:
        break;
    }
    return {};
}

QVector<CycleResult> CyclesModel::addCycles(const QVector<CycleResult> &cycles)
{
    QVector<CycleResult> fresh;
    const quint64 newest = newestNumber();
    for (const CycleResult &c : cycles) {
        if (c.number > newest)
            fresh.append(c);
    }
    if (fresh.isEmpty())
        return fresh;
    beginInsertRows({}, 0, int(fresh.size()) - 1);
    for (const CycleResult &c : std::as_const(fresh))
        m_rows.push_front(c);
    endInsertRows();
    const int extra = int(m_rows.size()) - kKeep;
    if (extra > 0) {
        beginRemoveRows({}, kKeep, int(m_rows.size()) - 1);
        m_rows.resize(size_t(kKeep));
        endRemoveRows();
    }
    return fresh;
}

} // namespace Yard::Ui
