// SPDX-License-Identifier: GPL-3.0-or-later
#include "runcontext.h"

#include "engine/clock.h"
#include "inbox.h"
#include "runticket.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace Yard {

const RunRequest &RunContext::request() const
{
    return m_ticket.request;
}

int RunContext::step() const
{
    return m_ticket.step;
}

bool RunContext::isCancelled() const
{
    return m_ticket.cancelled.load(std::memory_order_acquire);
}

bool RunContext::isInterrupted() const
{
    return m_ticket.interrupted.load(std::memory_order_acquire);
}

bool RunContext::checkAndConsumeInterrupt()
{
    return m_ticket.interrupted.exchange(false, std::memory_order_acq_rel);
}

void RunContext::saveState(const QByteArray &state)
{
    m_ticket.savedState = state;
    InboxItem item;
    item.ticket = &m_ticket;
    item.runId = m_ticket.request.runId;
    item.kind = InboxItem::Kind::StateSaved;
    item.data = state;
    m_ticket.inbox->push(std::move(item));
}

QByteArray RunContext::savedState() const
{
    return m_ticket.savedState;
}

void RunContext::saveState(const QJsonObject &state)
{
    saveState(QJsonDocument(state).toJson(QJsonDocument::Compact));
}

std::optional<QJsonObject> RunContext::savedJson(QString *error) const
{
    if (m_ticket.savedState.isEmpty())
        return QJsonObject();
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(m_ticket.savedState, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        if (error)
            *error = parseError.error != QJsonParseError::NoError
                         ? u"not JSON (%1 at byte %2)"_s.arg(parseError.errorString()).arg(parseError.offset)
                         : u"JSON, but not an object"_s;
        return std::nullopt;
    }
    return doc.object();
}

Outcome RunContext::restoreFailure(const QString &reason) const
{
    return Outcome::failure(u"run %1: cannot restore its saved state: %2"_s.arg(runId()).arg(reason),
                            ErrorCode::StateUnreadable);
}

void RunContext::noReschedule()
{
    m_ticket.noReschedule = true;
}

void RunContext::heartbeat()
{
    InboxItem item;
    item.ticket = &m_ticket;
    item.runId = m_ticket.request.runId;
    item.kind = InboxItem::Kind::Heartbeat;
    m_ticket.inbox->push(std::move(item));
}

void RunContext::progress(double fraction, const QString &text)
{
    InboxItem item;
    item.ticket = &m_ticket;
    item.runId = m_ticket.request.runId;
    item.kind = InboxItem::Kind::Progress;
    item.fraction = qBound(0.0, fraction, 1.0);
    item.text = text;
    m_ticket.inbox->push(std::move(item));
}

void RunContext::log(const QString &line)
{
    InboxItem item;
    item.ticket = &m_ticket;
    item.runId = m_ticket.request.runId;
    item.kind = InboxItem::Kind::Log;
    item.text = line;
    m_ticket.inbox->push(std::move(item));
}

void *RunContext::resource() const
{
    return m_ticket.resource;
}

TimeMs RunContext::now() const
{
    return m_ticket.clock ? m_ticket.clock->now() : 0;
}

} // namespace Yard
