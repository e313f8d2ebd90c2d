// SPDX-License-Identifier: GPL-3.0-or-later
#include "jsonwriter.h"

#include <QLocale>

#include <cmath>

namespace Yard {

void JsonWriter::key(const char *key)
{
    if (!m_first)
        m_bytes += ',';
    m_first = false;
    m_bytes += '"';
    m_bytes += key;
    m_bytes += "\":";
}

JsonWriter &JsonWriter::add(const char *k, qint64 value)
{
    key(k);
    m_bytes += QByteArray::number(value);
    return *this;
}

JsonWriter &JsonWriter::add(const char *k, double value)
{
    key(k);
    if (!std::isfinite(value))
        m_bytes += "null"; // JSON has no NaN or infinity
    else if (value == std::floor(value) && std::fabs(value) < 1e15)
        m_bytes += QByteArray::number(qint64(value));
    else
        m_bytes += QByteArray::number(value, 'g', QLocale::FloatingPointShortest);
    return *this;
}

JsonWriter &JsonWriter::add(const char *k, bool value)
{
    key(k);
    m_bytes += value ? "true" : "false";
    return *this;
}

JsonWriter &JsonWriter::add(const char *k, const QString &value)
{
    key(k);
    appendString(m_bytes, value);
    return *this;
}

JsonWriter &JsonWriter::add(const char *k, const char *latin1)
{
    return add(k, QString::fromLatin1(latin1));
}

JsonWriter &JsonWriter::addRaw(const char *k, const QByteArray &json)
{
    key(k);
    m_bytes += json;
    return *this;
}

void JsonWriter::appendString(QByteArray &out, const QString &text)
{
    static const char kHex[] = "0123456789abcdef";
    const QByteArray utf8 = text.toUtf8();
    out.reserve(out.size() + utf8.size() + 2);
    out += '"';
    for (const char ch : utf8) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out += kHex[c >> 4];
                out += kHex[c & 15];
            } else {
                out += ch;
            }
        }
    }
    out += '"';
}

} // namespace Yard
