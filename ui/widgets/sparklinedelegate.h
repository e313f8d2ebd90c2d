// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStyledItemDelegate>

namespace Yard::Ui {

/// Draws a row of recent run outcomes (from `role`: a QList<int> of RunState, oldest first) as
/// small bars: completed green and tall, failed red, anything else grey and short.
class SparklineDelegate final : public QStyledItemDelegate
{
    Q_OBJECT

public:
    explicit SparklineDelegate(int role, QObject *parent = nullptr)
        : QStyledItemDelegate(parent)
        , m_role(role)
    {}
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    int m_role;
};

} // namespace Yard::Ui
