// SPDX-License-Identifier: GPL-3.0-or-later
#include "attentionmodel.h"

#include "format.h"
#include "theme.h"

#include "engine/scheduler.h"
#include "store/storereader.h"

using namespace Qt::StringLiterals;

namespace Yard::Ui {

AttentionModel::AttentionModel(const Console &console, QObject *parent)
    : QAbstractTableModel(parent)
    , m_console(console)
{
    if (m_console.reader)
        connect(m_console.reader, &StoreReader::needsAttentionReady, this, &AttentionModel::onPage);
}

int AttentionModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int AttentionModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AttentionModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case Id:
            return tr("Run");
        case Diagnostic:
            return tr("Diagnostic");
        case Tier:
            return tr("Tier");
        case Wakes:
            return tr("Wakes");
        case Age:
            return tr("Waiting");
        case Capabilities:
            return tr("Requires");
        case Workspace:
            return tr("Workspace");
        case Acknowledged:
            return tr("Acknowledged");
        }
    } else if (role == Qt::ToolTipRole) {
        switch (section) {
        case Tier:
            return tr("The last tier of the starvation ladder: fan-out, spawn a worker, event, needs attention");
        case Wakes:
            return tr("Escalation cycles the run went through without a claim");
        case Age:
            return tr("Since the run started waiting for a claim");
        case Capabilities:
            return tr("Capabilities a session must have to claim it");
        }
    }
    return {};
}

const AttentionRow *AttentionModel::rowAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

void AttentionModel::setNow(TimeMs now)
{
    m_now = now;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, Age), index(int(m_rows.size()) - 1, Age), {Qt::DisplayRole});
}

QVariant AttentionModel::data(const QModelIndex &index, int role) const
{
    const AttentionRow *r = index.isValid() ? rowAt(index.row()) : nullptr;
    if (!r)
        return {};
    const bool acked = r->acknowledgedAt != 0;
    switch (role) {
    case RunIdRole:
        return r->id;
    case AcknowledgedRole:
        return acked;
    case Qt::DisplayRole:
        switch (index.column()) {
        case Id:
            return u"#%1"_s.arg(r->id);
        case Diagnostic:
            return r->diagnostic;
        case Tier:
            return r->spawnUnresolvable ? tr("4 · no template") : tr("4 · spawned, unclaimed");
        case Wakes:
            return r->wakeCount;
        case Age:
            return m_now > 0 && r->queuedAt > 0 ? Format::duration(qMax<qint64>(0, m_now - r->queuedAt))
                                                 : QString();
        case Capabilities:
            return r->needs.capabilities.isEmpty() ? tr("any") : r->needs.capabilities.join(u", "_s);
        case Workspace:
            return r->needs.workspace.isEmpty() ? tr("global") : r->needs.workspace;
        case Acknowledged:
            return acked ? tr("%1: %2").arg(r->acknowledgedBy, r->acknowledgement) : QString();
        }
        break;
    case Qt::ToolTipRole:
        switch (index.column()) {
        case Diagnostic:
            return r->diagnostic;
        case Tier:
            return r->spawnUnresolvable
                       ? tr("Tier 4 (needs attention). At tier 2 no agent template covered what it requires, "
                            "so no worker could be spawned for it.")
                       : tr("Tier 4 (needs attention). At tier 2 a worker session was spawned from an agent "
                            "template, but no session claimed the run.");
        case Age:
            return tr("Waiting since %1; marked needs attention %2")
                .arg(Format::timestamp(r->queuedAt), Format::timestamp(r->markedAt));
        case Capabilities: {
            QStringList parts{tr("capabilities: %1").arg(r->needs.capabilities.isEmpty()
                                                             ? tr("none")
                                                             : r->needs.capabilities.join(u", "_s))};
            if (!r->needs.channel.isEmpty())
                parts << tr("channel: %1").arg(r->needs.channel);
            if (!r->needs.owner.isEmpty())
                parts << tr("agent: %1").arg(r->needs.owner);
            return parts.join(u"\n"_s);
        }
        case Acknowledged:
            return acked ? tr("Acknowledged by %1 at %2:\n%3")
                               .arg(r->acknowledgedBy, Format::timestamp(r->acknowledgedAt), r->acknowledgement)
                         : tr("Not acknowledged yet");
        }
        break;
    case Qt::ForegroundRole:
        if (acked)
            return Theme::color(Theme::Role::Cancelled);
        if (index.column() == Tier)
            return Theme::color(Theme::Role::Warning);
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == Id || index.column() == Wakes || index.column() == Age)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    default:
        break;
    }
    return {};
}

bool AttentionModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_more && !m_loading;
}

void AttentionModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent) || m_rows.isEmpty())
        return;
    request(m_rows.last().id);
}

void AttentionModel::setFilter(const NeedsAttentionFilter &filter)
{
    if (filter == m_filter && m_request != 0)
        return;
    m_filter = filter;
    reload();
}

void AttentionModel::reload()
{
    request(0);
}

void AttentionModel::request(RunId before)
{
    m_appending = before > 0;
    m_loading = true;
    if (m_console.reader) {
        m_request = m_console.reader->requestNeedsAttention(m_filter, before, kPageSize);
        return;
    }
    if (!m_console.scheduler)
        return;
    const quint64 id = m_nextLocalRequest++;
    m_request = id;
    m_console.scheduler->call(
        this,
        [filter = m_filter, before](Engine &e) { return e.needsAttentionPage(filter, before, kPageSize); },
        [this, id](AttentionPage page) {
            page.request = id;
            onPage(page);
        });
}

void AttentionModel::onPage(const AttentionPage &page)
{
    if (page.request != m_request)
        return; // an answer to a filter or a list that is gone
    m_loading = false;
    m_lastQueryMs = page.elapsedMs;
    if (page.error.isError()) {
        Q_EMIT queryFailed(page.error.message);
        Q_EMIT loaded();
        return;
    }
    m_total = page.total;
    m_unacknowledged = page.unacknowledged;
    m_more = page.more;
    if (m_appending) {
        if (!page.rows.isEmpty()) {
            const int first = int(m_rows.size());
            beginInsertRows({}, first, first + int(page.rows.size()) - 1);
            for (const AttentionRow &r : page.rows) {
                m_rowOf.insert(r.id, int(m_rows.size()));
                m_rows.append(r);
            }
            endInsertRows();
        }
    } else {
        // The list really changed (a filter, runs marked or dealt with): a new first page.
        beginResetModel();
        m_rows = page.rows;
        m_rowOf.clear();
        for (int i = 0; i < m_rows.size(); ++i)
            m_rowOf.insert(m_rows[i].id, i);
        endResetModel();
        m_newest = m_rows.isEmpty() ? 0 : m_rows.first().id;
    }
    Q_EMIT loaded();
}

} // namespace Yard::Ui
