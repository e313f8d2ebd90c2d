// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Reading a JSON document whose errors name the path of the bad value ("actions[3].at:
// expected …, got …"), as the scenario parser reports them (SPEC I6).

#include "model/errors.h"
#include "model/priority.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>

#include <limits>
#include <optional>

namespace Yard::Sim {

/// What a value is, as an error shows it: the JSON text, strings quoted, cut when long.
QString got(const QJsonValue &v);

/// Reads one JSON object at a path; the first problem is kept and every later read is a no-op.
class Reader
{
public:
    Reader(QJsonObject o, QString path, Error *error)
        : m_o(std::move(o))
        , m_path(std::move(path))
        , m_error(error)
    {}

    QString at(const QString &key) const { return m_path.isEmpty() ? key : m_path + u'.' + key; }
    /// The object at `key`, read on the same error.
    Reader child(const QString &key) { return Reader(object(key), at(key), m_error); }
    bool ok() const { return !m_error->isError(); }
    bool has(const QString &key) const { return m_o.contains(key); }
    const QJsonObject &json() const { return m_o; }

    void fail(const QString &path, const QString &problem)
    {
        if (ok())
            *m_error = Error::make(ErrorCode::InvalidRequest, QStringLiteral("%1: %2").arg(path, problem));
    }

    void known(const QStringList &keys)
    {
        for (auto it = m_o.begin(); it != m_o.end() && ok(); ++it) {
            if (!keys.contains(it.key()))
                fail(at(it.key()), QStringLiteral("unknown field (known here: %1)").arg(keys.join(QStringLiteral(", "))));
        }
    }

    qint64 integer(const QString &key, qint64 fallback, qint64 min = 0, qint64 max = std::numeric_limits<qint32>::max())
    {
        const QJsonValue v = m_o.value(key);
        if (v.isUndefined() || !ok())
            return fallback;
        if (!v.isDouble()) {
            fail(at(key), QStringLiteral("expected a number, got %1").arg(got(v)));
            return fallback;
        }
        const double d = v.toDouble();
        if (d != std::floor(d) || d < double(min) || d > double(max)) {
            fail(at(key), QStringLiteral("expected a whole number from %1 to %2, got %3").arg(min).arg(max).arg(got(v)));
            return fallback;
        }
        return qint64(d);
    }

    QString string(const QString &key, const QString &fallback = {})
    {
        const QJsonValue v = m_o.value(key);
        if (v.isUndefined() || !ok())
            return fallback;
        if (!v.isString()) {
            fail(at(key), QStringLiteral("expected a string, got %1").arg(got(v)));
            return fallback;
        }
        return v.toString();
    }

    QString required(const QString &key)
    {
        if (ok() && !has(key)) {
            fail(at(key), QStringLiteral("is required"));
            return {};
        }
        const QString s = string(key);
        if (ok() && s.trimmed().isEmpty())
            fail(at(key), QStringLiteral("expected a non-empty string, got \"\""));
        return s;
    }

    QString oneOf(const QString &key, const QStringList &choices, const QString &fallback)
    {
        const QString s = string(key, fallback);
        if (ok() && !choices.contains(s))
            fail(at(key), QStringLiteral("expected one of %1, got %2").arg(choices.join(QStringLiteral(", ")), got(m_o.value(key))));
        return s;
    }

    bool boolean(const QString &key, bool fallback)
    {
        const QJsonValue v = m_o.value(key);
        if (v.isUndefined() || !ok())
            return fallback;
        if (!v.isBool()) {
            fail(at(key), QStringLiteral("expected true or false, got %1").arg(got(v)));
            return fallback;
        }
        return v.toBool();
    }

    QStringList strings(const QString &key)
    {
        const QJsonValue v = m_o.value(key);
        QStringList list;
        if (v.isUndefined() || !ok())
            return list;
        if (!v.isArray()) {
            fail(at(key), QStringLiteral("expected a list of strings, got %1").arg(got(v)));
            return list;
        }
        const QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i) {
            if (!a.at(i).isString()) {
                fail(QStringLiteral("%1[%2]").arg(at(key)).arg(i), QStringLiteral("expected a string, got %1").arg(got(a.at(i))));
                return {};
            }
            list << a.at(i).toString();
        }
        return list;
    }

    QJsonObject object(const QString &key)
    {
        const QJsonValue v = m_o.value(key);
        if (v.isUndefined() || !ok())
            return {};
        if (!v.isObject()) {
            fail(at(key), QStringLiteral("expected an object, got %1").arg(got(v)));
            return {};
        }
        return v.toObject();
    }

    QString priority(const QString &key)
    {
        const QString p = string(key, QStringLiteral("normal"));
        if (ok() && !priorityFromName(p))
            fail(at(key), QStringLiteral("expected a priority (interactive, urgent, high, normal, low), got %1").arg(got(m_o.value(key))));
        return p;
    }

private:
    QJsonObject m_o;
    QString m_path;
    Error *m_error;
};

} // namespace Yard::Sim
