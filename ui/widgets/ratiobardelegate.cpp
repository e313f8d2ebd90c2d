// SPDX-License-Identifier: GPL-3.0-or-later
#include "ratiobardelegate.h"

#include "theme.h"

#include <QPainter>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

void RatioBarDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                             const QModelIndex &index) const
{
    const QVariant data = index.data(m_role);
    if (!data.isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyledItemDelegate::paint(painter, option, QModelIndex()); // background and selection only
    const double value = qBound(0.0, data.toDouble(), 1.0);
    const QRect r = option.rect.adjusted(4, 5, -4, -5);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->setPen(Qt::NoPen);
    painter->setBrush(option.palette.color(QPalette::Mid));
    painter->drawRect(r);
    const bool full = value >= 0.999;
    const QColor fill = !full ? Theme::color(Theme::Role::Running)
                        : m_kind == Kind::Utilisation ? Theme::color(Theme::Role::Warning)
                                                      : Theme::color(Theme::Role::Completed);
    painter->setBrush(fill);
    painter->drawRect(QRect(r.topLeft(), QSize(int(r.width() * value), r.height())));
    painter->setPen(option.palette.color(QPalette::Text));
    const QString percent = u"%1 %"_s.arg(qRound(value * 100));
    const QString label = m_kind == Kind::Progress ? index.data(Qt::DisplayRole).toString() : QString();
    const QString text = label.isEmpty() ? percent : u"%1 · %2"_s.arg(percent, label);
    painter->drawText(r.adjusted(4, 0, -4, 0), Qt::AlignRight | Qt::AlignVCenter,
                      option.fontMetrics.elidedText(text, Qt::ElideRight, r.width() - 8));
    painter->restore();
}

} // namespace Yard::Ui
