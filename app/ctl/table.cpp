// SPDX-License-Identifier: GPL-3.0-or-later
#include "table.h"

using namespace Qt::StringLiterals;

namespace Yard::Ctl {

Table::Table(QStringList headers, int maxCell)
    : m_headers(std::move(headers))
    , m_right(m_headers.size(), false)
    , m_maxCell(maxCell)
{}

void Table::alignRight(std::initializer_list<int> columns)
{
    for (int c : columns)
        m_right[c] = true;
}

void Table::add(QStringList cells)
{
    while (cells.size() < m_headers.size())
        cells << QString();
    for (QString &cell : cells) {
        cell.replace(u'\n', u' ');
        if (cell.size() > m_maxCell)
            cell = cell.left(m_maxCell - 1) + u"…"_s;
    }
    m_rows << cells;
}

QString Table::render() const
{
    QList<int> width;
    for (const QString &h : m_headers)
        width << int(h.size());
    for (const QStringList &row : m_rows) {
        for (int c = 0; c < m_headers.size(); ++c)
            width[c] = qMax(width[c], int(row[c].size()));
    }
    const auto line = [&](const QStringList &cells) -> QString {
        QString out;
        for (int c = 0; c < m_headers.size(); ++c) {
            const bool last = c == m_headers.size() - 1;
            QString cell = m_right[c] ? cells[c].rightJustified(width[c]) : (last ? cells[c] : cells[c].leftJustified(width[c]));
            out += cell + (last ? QString() : u"  "_s);
        }
        while (out.endsWith(u' '))
            out.chop(1);
        return out + u'\n';
    };
    QStringList headers;
    for (const QString &h : m_headers)
        headers << h.toUpper();
    QString out = line(headers);
    for (const QStringList &row : m_rows)
        out += line(row);
    return out;
}

} // namespace Yard::Ctl
