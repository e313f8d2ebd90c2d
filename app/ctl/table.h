// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace Yard::Ctl {

/// A plain text table for people: a header row in capitals, columns padded to their widest
/// cell, numbers right-aligned, long cells cut with "…" at `maxCell` characters.
class Table
{
public:
    explicit Table(QStringList headers, int maxCell = 48);
    /// Marks columns whose cells are right-aligned (counts).
    void alignRight(std::initializer_list<int> columns);
    void add(QStringList cells);
    bool isEmpty() const { return m_rows.isEmpty(); }
    QString render() const;

private:
    QStringList m_headers;
    QList<QStringList> m_rows;
    QList<bool> m_right;
    int m_maxCell;
};

} // namespace Yard::Ctl
