// SPDX-License-Identifier: GPL-3.0-or-later
#include "utilisationdelegate.h"

#include "theme.h"

#include <QPainter>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

void UtilisationDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                const QModelIndex &index) const
{
    QStyledItemDelegate::paint(painter, option, QModelIndex()); // background and selection only
    const double value = qBound(0.0, index.data(m_role).toDouble(), 1.0);
    const QRect r = option.rect.adjusted(4, 5, -4, -5);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->setPen(Qt::NoPen);
    painter->setBrush(option.palette.color(QPalette::Mid));
    painter->drawRect(r);
    const QColor fill = value >= 0.999 ? Theme::color(Theme::Role::Warning) : Theme::color(Theme::Role::Running);
    painter->setBrush(fill);
    painter->drawRect(QRect(r.topLeft(), QSize(int(r.width() * value), r.height())));
    painter->setPen(option.palette.color(QPalette::Text));
    painter->drawText(r.adjusted(0, 0, -4, 0), Qt::AlignRight | Qt::AlignVCenter,
                      u"%1 %"_s.arg(qRound(value * 100)));
    painter->restore();
}

} // namespace Yard::Ui
