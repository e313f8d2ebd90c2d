// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventsmodel.h"

#include "format.h"
#include "theme.h"

#include <QDateTime>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

EventsModel::EventsModel(int capacity, QObject *parent)
    : QAbstractTableModel(parent)
    , m_capacity(qMax(100, capacity))
{}

int EventsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
}

int EventsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Type:
        return tr("Event");
    case Run:
        return tr("Run");
    case Session:
        return tr("Session");
    case Lane:
        return tr("Lane");
    case Code:
        return tr("Code");
    case Detail:
        return tr("Detail");
    }
    return {};
}

EventsModel::Category EventsModel::categoryOf(const Event &e)
{
    switch (e.type) {
    case EventType::OperatorAction:
        return Category::Operator;
    case EventType::RunFailed:
    case EventType::RunNeedsAttention:
    case EventType::RunStarved:
    case EventType::StoreFailed:
    case EventType::RunRejected:
        return Category::Problem;
    case EventType::StoreRecovered:
    case EventType::SchedulerPaused:
    case EventType::SchedulerResumed:
    case EventType::SchedulerDraining:
    case EventType::SchedulerDrained:
    case EventType::LaneChanged:
    case EventType::CycleCompleted:
        return Category::Scheduler;
    case EventType::SessionCreated:
    case EventType::SessionUpdated:
    case EventType::SessionClosed:
    case EventType::SessionDeleted:
    case EventType::SessionEvicted:
    case EventType::QueueConfigChanged:
    case EventType::MessageAdded:
        return Category::Session;
    default:
        return Category::Run;
    }
}

QVariant EventsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Event &e = m_events.at(index.row());
    switch (role) {
    case CategoryRole:
        return int(categoryOf(e));
    case EventTypeRole:
        return int(e.type);
    case RunIdRole:
        return e.run;
    case Qt::ForegroundRole:
        if (categoryOf(e) == Category::Problem)
            return Theme::color(Theme::Role::Failed);
        if (categoryOf(e) == Category::Operator)
            return Theme::color(Theme::Role::Warning);
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Time)
            return Format::bothZones(e.time);
        return index.column() == Detail ? e.text : QVariant();
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case Time:
        return Format::clock(e.time, /*withMs=*/true);
    case Type:
        return eventTypeName(e.type);
    case Run:
        return e.run ? QVariant(e.run) : QVariant();
    case Session:
        if (!e.session)
            return {};
        return m_sessionName ? m_sessionName(e.session) : QString::number(e.session);
    case Lane:
        return e.laneName();
    case Code:
        return e.code == ErrorCode::None ? QString() : errorCodeName(e.code);
    case Detail:
        return e.text.section(u'\n', 0, 0);
    }
    return {};
}

void EventsModel::appendEvents(const EventBatch &events)
{
    if (events.isEmpty())
        return;
    // Drop the oldest first so the model never exceeds its capacity.
    const int incoming = int(qMin<qsizetype>(events.size(), m_capacity));
    const int overflow = int(m_events.size()) + incoming - m_capacity;
    if (overflow > 0) {
        beginRemoveRows({}, 0, overflow - 1);
        m_events.remove(0, overflow);
        endRemoveRows();
    }
    const int first = int(m_events.size());
    beginInsertRows({}, first, first + incoming - 1);
    m_events.append(events.mid(events.size() - incoming));
    endInsertRows();
}

void EventsModel::addAuditHistory(const AuditLog &entries)
{
    if (entries.isEmpty())
        return;
    EventBatch history;
    for (auto it = entries.crbegin(); it != entries.crend(); ++it) {
        Event e;
        e.type = EventType::OperatorAction;
        e.time = it->time;
        QString text = it->actor + u": "_s + it->action;
        if (!it->target.isEmpty())
            text += u" "_s + it->target;
        if (!it->reason.isEmpty())
            text += u" — "_s + it->reason;
        if (!it->details.isEmpty())
            text += u" ("_s + it->details + u")"_s;
        e.text = text;
        history.append(e);
    }
    const int n = int(qMin<qsizetype>(history.size(), m_capacity - m_events.size()));
    if (n <= 0)
        return;
    beginInsertRows({}, 0, n - 1);
    m_events = history.mid(history.size() - n) + m_events;
    endInsertRows();
}

QByteArray EventsModel::toCsv(const QVector<Event> &events, const std::function<QString(SessionId)> &names)
{
    auto field = [](QString s) {
        if (s.contains(u',') || s.contains(u'"') || s.contains(u'\n') || s.contains(u'\r')) {
            s.replace(u"\""_s, u"\"\""_s);
            s = u"\""_s + s + u"\""_s;
        }
        return s;
    };
    QString out = u"time,event,run,session,lane,code,detail\r\n"_s;
    for (const Event &e : events) {
        QStringList cols{QDateTime::fromMSecsSinceEpoch(e.time, QTimeZone::utc()).toString(Qt::ISODateWithMs),
                         eventTypeName(e.type),
                         e.run ? QString::number(e.run) : QString(),
                         e.session ? (names ? names(e.session) : QString::number(e.session)) : QString(),
                         e.laneName(),
                         e.code == ErrorCode::None ? QString() : errorCodeName(e.code),
                         e.text};
        for (QString &c : cols)
            c = field(c);
        out += cols.join(u',') + u"\r\n"_s;
    }
    return out.toUtf8();
}

void EventsFilter::setCategory(int category)
{
    m_category = category;
    invalidateRowsFilter();
}

void EventsFilter::setText(const QString &text)
{
    m_text = text.trimmed();
    invalidateRowsFilter();
}

void EventsFilter::setShowProgress(bool show)
{
    m_showProgress = show;
    invalidateRowsFilter();
}

bool EventsFilter::filterAcceptsRow(int row, const QModelIndex &parent) const
{
    const QModelIndex idx = sourceModel()->index(row, 0, parent);
    if (!m_showProgress && idx.data(EventsModel::EventTypeRole).toInt() == int(EventType::RunProgress))
        return false;
    if (m_category >= 0 && idx.data(EventsModel::CategoryRole).toInt() != m_category)
        return false;
    if (m_text.isEmpty())
        return true;
    for (int c = 0; c < EventsModel::ColumnCount; ++c) {
        if (sourceModel()->index(row, c, parent).data().toString().contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace Yard::Ui
