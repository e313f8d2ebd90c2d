// SPDX-License-Identifier: GPL-3.0-or-later
#include "apiprotocol.h"

#include "model/isotime.h"
#include "model/lanenames.h"
#include "model/priority.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>

#include <cmath>

using namespace Qt::StringLiterals;

namespace Yard::Api {

namespace {

Error invalid(const QString &what)
{
    return Error::make(ErrorCode::InvalidRequest, what);
}

QString typeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null:
        return u"null"_s;
    case QJsonValue::Bool:
        return u"a boolean"_s;
    case QJsonValue::Double:
        return u"a number"_s;
    case QJsonValue::String:
        return u"a string"_s;
    case QJsonValue::Array:
        return u"a list"_s;
    case QJsonValue::Object:
        return u"an object"_s;
    default:
        return u"nothing"_s;
    }
}

QByteArray line(const QJsonObject &o)
{
    QByteArray bytes = QJsonDocument(o).toJson(QJsonDocument::Compact);
    bytes += '\n';
    return bytes;
}

} // namespace

Expected<Request> parseRequest(const QByteArray &bytes, QJsonValue *id)
{
    if (bytes.size() > kMaxRequestBytes)
        return invalid(u"the request is %1 bytes and is ignored: at most %2 bytes are accepted"_s.arg(bytes.size()).arg(kMaxRequestBytes));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError)
        return invalid(u"invalid JSON at byte %1: %2"_s.arg(error.offset).arg(error.errorString()));
    if (!doc.isObject())
        return invalid(u"a request must be a JSON object like {\"id\": 1, \"command\": \"status\"}"_s);
    Request r;
    r.params = doc.object();
    r.id = r.params.value(u"id"_s);
    if (r.id.isUndefined())
        r.id = QJsonValue::Null;
    if (id)
        *id = r.id;
    const QJsonValue command = r.params.value(u"command"_s);
    if (!command.isString() || command.toString().isEmpty())
        return invalid(command.isUndefined() ? u"the request has no \"command\""_s
                                             : u"\"command\" must be a string, not %1"_s.arg(typeName(command)));
    r.command = command.toString();
    return r;
}

QByteArray okReply(const QJsonValue &id, const QJsonValue &result)
{
    return line({{u"v"_s, kVersion}, {u"id"_s, id}, {u"ok"_s, true}, {u"result"_s, result}});
}

QByteArray errorReply(const QJsonValue &id, const Error &error)
{
    return line({{u"v"_s, kVersion},
                 {u"id"_s, id},
                 {u"ok"_s, false},
                 {u"error"_s, QJsonObject{{u"code"_s, errorCodeName(error.code)}, {u"message"_s, error.message}}}});
}

void writeEvent(JsonWriter &w, const Event &e, const QString &sessionKey, const QString &ref)
{
    w.add("t", isoUtc(e.time));
    w.add("event", eventTypeName(e.type));
    if (e.run)
        w.add("run", e.run);
    if (!ref.isEmpty())
        w.add("ref", ref);
    if (!sessionKey.isEmpty())
        w.add("session", sessionKey);
    else if (e.session)
        w.add("session_id", e.session);
    if (e.lane)
        w.add("lane", e.laneName());
    const bool runEvent = e.type >= EventType::RunQueued && e.type <= EventType::RunClaimed;
    if (runEvent || e.type == EventType::JobFired)
        w.add("priority", priorityName(e.priority));
    if (e.type == EventType::RunStarted)
        w.add("attempt", e.value);
    if (e.code != ErrorCode::None)
        w.add("error", errorCodeName(e.code));
    if (!e.text.isEmpty() && e.type != EventType::SpawnRequested)
        w.add("detail", e.text);
    switch (e.type) {
    case EventType::RunStarted:
        break;
    case EventType::RunRetryScheduled:
        w.add("delay_ms", e.value);
        break;
    case EventType::JobFired:
        w.add("job", e.value);
        break;
    case EventType::RunProgress:
        w.add("progress", double(e.value) / 1000.0);
        break;
    case EventType::SpawnRequested:
        w.add("agent", e.text);
        break;
    case EventType::LaneChanged:
        w.add("limit", e.value);
        break;
    default:
        if (e.value && e.type != EventType::RunQueued)
            w.add("value", e.value);
        break;
    }
}

QByteArray eventLine(const Event &e, const QString &sessionKey)
{
    JsonWriter event;
    writeEvent(event, e, sessionKey);
    JsonWriter line;
    line.add("v", kVersion);
    line.addRaw("event", event.finish());
    QByteArray bytes = line.finish();
    bytes += '\n';
    return bytes;
}

Expected<QString> Params::string(const QString &key, const QString &fallback) const
{
    const QJsonValue v = m_o.value(key);
    if (v.isUndefined() || v.isNull())
        return fallback;
    if (!v.isString())
        return invalid(u"\"%1\" must be a string, not %2"_s.arg(key, typeName(v)));
    return v.toString();
}

Expected<QString> Params::requiredString(const QString &key) const
{
    const QJsonValue v = m_o.value(key);
    if (v.isUndefined() || v.isNull())
        return invalid(u"\"%1\" is required"_s.arg(key));
    if (!v.isString() || v.toString().trimmed().isEmpty())
        return invalid(u"\"%1\" must be a non-empty string, not %2"_s.arg(key, v.isString() ? u"an empty one"_s : typeName(v)));
    return v.toString();
}

Expected<qint64> Params::integer(const QString &key, qint64 fallback, qint64 min, qint64 max) const
{
    const QJsonValue v = m_o.value(key);
    if (v.isUndefined() || v.isNull())
        return fallback;
    const double d = v.toDouble(std::nan(""));
    if (!v.isDouble() || d != std::floor(d) || d < double(min) || d > double(max))
        return invalid(u"\"%1\" must be a whole number from %2 to %3, not %4"_s.arg(key).arg(min).arg(max).arg(
            v.isDouble() ? QString::number(d) : typeName(v)));
    return qint64(d);
}

Expected<bool> Params::boolean(const QString &key, bool fallback) const
{
    const QJsonValue v = m_o.value(key);
    if (v.isUndefined() || v.isNull())
        return fallback;
    if (!v.isBool())
        return invalid(u"\"%1\" must be true or false, not %2"_s.arg(key, typeName(v)));
    return v.toBool();
}

Expected<QStringList> Params::strings(const QString &key) const
{
    const QJsonValue v = m_o.value(key);
    if (v.isUndefined() || v.isNull())
        return QStringList();
    if (v.isString())
        return v.toString().split(u',', Qt::SkipEmptyParts);
    if (!v.isArray())
        return invalid(u"\"%1\" must be a list of strings, not %2"_s.arg(key, typeName(v)));
    QStringList list;
    for (const QJsonValue &s : v.toArray()) {
        if (!s.isString())
            return invalid(u"\"%1\" must hold strings only, not %2"_s.arg(key, typeName(s)));
        list << s.toString().trimmed();
    }
    return list;
}

Expected<QJsonObject> Params::object(const QString &key) const
{
    const QJsonValue v = m_o.value(key);
    if (v.isUndefined() || v.isNull())
        return QJsonObject();
    if (!v.isObject())
        return invalid(u"\"%1\" must be an object, not %2"_s.arg(key, typeName(v)));
    return v.toObject();
}

bool EventSubscription::matches(const Event &e, const QString &key) const
{
    if (!sessionKey.isEmpty() && key != sessionKey)
        return false;
    if (!types.isEmpty() && !types.contains(e.type))
        return false;
    if (!typePrefix.isEmpty() && !eventTypeName(e.type).startsWith(typePrefix))
        return false;
    if (session && e.session != session)
        return false;
    if (run && e.run != run)
        return false;
    return true;
}

Expected<EventSubscription> EventSubscription::fromJson(const QJsonObject &filter)
{
    EventSubscription s;
    static const QStringList kKeys{u"types"_s, u"prefix"_s, u"session"_s, u"session_id"_s, u"run"_s};
    for (auto it = filter.begin(); it != filter.end(); ++it) {
        if (!kKeys.contains(it.key()))
            return invalid(u"unknown event filter \"%1\" (known: %2)"_s.arg(it.key(), kKeys.join(u", "_s)));
    }
    const Params p(filter);
    Expected<QString> key = p.string(u"session"_s);
    if (!key)
        return key.error();
    s.sessionKey = key.value();
    Expected<QStringList> types = p.strings(u"types"_s);
    if (!types)
        return types.error();
    for (const QString &name : types.value()) {
        bool found = false;
        for (int t = 0; t < int(EventType::Count); ++t) {
            if (eventTypeName(EventType(t)) == name) {
                s.types.insert(EventType(t));
                found = true;
            }
        }
        if (!found)
            return invalid(u"unknown event type \"%1\" (like run.failed, job.fired, cycle.completed)"_s.arg(name));
    }
    Expected<QString> prefix = p.string(u"prefix"_s);
    if (!prefix)
        return prefix.error();
    s.typePrefix = prefix.value();
    Expected<qint64> session = p.integer(u"session_id"_s, 0, 0, std::numeric_limits<qint64>::max());
    if (!session)
        return session.error();
    s.session = session.value();
    Expected<qint64> run = p.integer(u"run"_s, 0, 0, std::numeric_limits<qint64>::max());
    if (!run)
        return run.error();
    s.run = run.value();
    return s;
}

} // namespace Yard::Api
