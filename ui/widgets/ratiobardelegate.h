// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStyledItemDelegate>

namespace Yard::Ui {

/// Draws a 0..1 value (from `role`) as a bar: a lane's utilisation (full is a warning) or a run's
/// progress (full is done), labelled with the display text or the percentage. A cell without a
/// value is drawn as usual.
class RatioBarDelegate final : public QStyledItemDelegate
{
    Q_OBJECT

public:
    enum class Kind { Utilisation, Progress };

    RatioBarDelegate(int role, QObject *parent = nullptr, Kind kind = Kind::Utilisation)
        : QStyledItemDelegate(parent)
        , m_role(role)
        , m_kind(kind)
    {}
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    int m_role;
    Kind m_kind;
};

} // namespace Yard::Ui
