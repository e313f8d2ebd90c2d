// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/errors.h"
#include "model/event.h"
#include "model/jsonwriter.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QSet>
#include <QString>

#include <optional>

namespace Yard::Api {

/// The protocol's version, in every reply (SPEC I2).
constexpr int kVersion = 1;
/// The largest request line accepted (SPEC I2, R6).
constexpr qsizetype kMaxRequestBytes = 1024 * 1024;

/// One request line: {"id": <any>, "command": "runs.list", ...parameters}.
struct Request
{
    QJsonValue id; ///< echoed in the reply; null when absent
    QString command;
    QJsonObject params; ///< the whole object (parameters sit beside "command")
};

/// Parses one line (without its newline). An error names what is wrong (invalid_request); the
/// id is filled in when it could be read, so the error reply can carry it.
Expected<Request> parseRequest(const QByteArray &line, QJsonValue *id = nullptr);

/// {"v": 1, "id": …, "ok": true, "result": …}\n
QByteArray okReply(const QJsonValue &id, const QJsonValue &result);
/// {"v": 1, "id": …, "ok": false, "error": {"code": "invalid_request", "message": "…"}}\n
QByteArray errorReply(const QJsonValue &id, const Error &error);
/// Writes an event's keys with the SCENARIO.md names, in its order: t, event, run, (ref),
/// session, lane, priority, attempt, error, detail, then what the type adds (delay_ms, job,
/// progress, agent, limit, value). `sessionKey` names the session when known (else
/// "session_id"); `ref` is the simulator's name for the run. The caller may add more keys.
void writeEvent(JsonWriter &w, const Event &e, const QString &sessionKey = {}, const QString &ref = {});
/// {"v":1,"event":{…}}\n — one line of a subscribed client's stream.
QByteArray eventLine(const Event &e, const QString &sessionKey = {});

/// The first error among parameters read (none when all were fine).
template<typename... T>
Error firstError(const Expected<T> &...values)
{
    Error out;
    ((out.isError() || values.ok() ? void() : void(out = values.error())), ...);
    return out;
}

/// Which events a subscribed client wants (a server-side filter).
struct EventSubscription
{
    bool active = false;
    QSet<EventType> types; ///< empty: all
    QString typePrefix;    ///< "run." etc.; empty: all
    SessionId session = 0;
    QString sessionKey; ///< a session named by key (it may not exist yet)
    RunId run = 0;

    /// `key` is the event's session key, when known.
    bool matches(const Event &e, const QString &key) const;
    /// {"types": ["run.failed", …], "prefix": "run.", "session": KEY, "session_id": N, "run": N};
    /// unknown keys are refused.
    static Expected<EventSubscription> fromJson(const QJsonObject &filter);
};

/// Typed parameter access with errors that name the parameter (wrong types are refused, not
/// coerced).
class Params
{
public:
    explicit Params(const QJsonObject &o)
        : m_o(o)
    {}
    /// A string, or `fallback` when absent; an error when present with another type.
    Expected<QString> string(const QString &key, const QString &fallback = {}) const;
    Expected<QString> requiredString(const QString &key) const;
    /// A whole number in [min, max].
    Expected<qint64> integer(const QString &key, qint64 fallback, qint64 min, qint64 max) const;
    Expected<bool> boolean(const QString &key, bool fallback) const;
    Expected<QStringList> strings(const QString &key) const;
    Expected<QJsonObject> object(const QString &key) const;
    bool has(const QString &key) const { return m_o.contains(key); }
    const QJsonObject &json() const { return m_o; }

private:
    QJsonObject m_o;
};

} // namespace Yard::Api
