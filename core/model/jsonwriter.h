// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

namespace Yard {

/// A JSON object written straight into bytes, keys in the order they are added: the event
/// lines of the API stream and the simulator's trace (whose key order is part of its contract,
/// SCENARIO.md), without building a QJsonObject per event. Strings are escaped as RFC 8259
/// asks; numbers are written as integers, or as the shortest text that reads back the same.
class JsonWriter
{
public:
    JsonWriter() { m_bytes.reserve(192); m_bytes += '{'; }

    JsonWriter &add(const char *key, qint64 value);
    JsonWriter &add(const char *key, int value) { return add(key, qint64(value)); }
    JsonWriter &add(const char *key, double value);
    JsonWriter &add(const char *key, bool value);
    JsonWriter &add(const char *key, const QString &value);
    JsonWriter &add(const char *key, const char *latin1);
    /// `json` is already valid JSON (an object, a list, a number).
    JsonWriter &addRaw(const char *key, const QByteArray &json);

    /// The object, closed; the writer is spent.
    QByteArray finish() { m_bytes += '}'; return std::move(m_bytes); }

    /// `text` as a JSON string, quotes included.
    static void appendString(QByteArray &out, const QString &text);

private:
    void key(const char *key);
    QByteArray m_bytes;
    bool m_first = true;
};

} // namespace Yard
