// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/errors.h"
#include "model/event.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
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
/// {"v": 1, "event": {…}}\n — a subscribed client's stream.
QByteArray eventLine(const QJsonObject &event);

/// An event as JSON with the SCENARIO.md key names (event, run, session, lane, priority,
/// attempt, error, detail, …). `sessionKey` names the session when known.
QJsonObject eventToJson(const Event &e, const QString &sessionKey = {});

/// The first error among parameters read (none when all were fine).
template<typename... T>
Error firstError(const Expected<T> &...values)
{
    Error out;
    ((out.isError() || values.ok() ? void() : void(out = values.error())), ...);
    return out;
}

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
