// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStyledItemDelegate>

namespace Yard::Ui {

/// Draws a 0..1 value (from `role`) as a bar with its percentage.
class UtilisationDelegate final : public QStyledItemDelegate
{
    Q_OBJECT

public:
    UtilisationDelegate(int role, QObject *parent = nullptr)
        : QStyledItemDelegate(parent)
        , m_role(role)
    {}
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    int m_role;
};

} // namespace Yard::Ui
