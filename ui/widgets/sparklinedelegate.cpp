// SPDX-License-Identifier: GPL-3.0-or-later
#include "sparklinedelegate.h"

#include "theme.h"

#include "model/runstate.h"

#include <QPainter>

namespace Yard::Ui {

void SparklineDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyledItemDelegate::paint(painter, option, QModelIndex()); // background and selection only
    const QList<int> states = index.data(m_role).value<QList<int>>();
    if (states.isEmpty())
        return;
    const QRect r = option.rect.adjusted(4, 4, -4, -4);
    const int step = 7;
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->setPen(Qt::NoPen);
    int x = r.left();
    for (int s : states) {
        if (x + step > r.right())
            break;
        const RunState state = RunState(s);
        QColor c = Theme::color(Theme::Role::Cancelled);
        int h = r.height() / 2;
        if (state == RunState::Completed) {
            c = Theme::color(Theme::Role::Completed);
            h = r.height();
        } else if (state == RunState::Failed || state == RunState::NeedsAttention) {
            c = Theme::color(Theme::Role::Failed);
            h = r.height();
        }
        painter->setBrush(c);
        painter->drawRect(QRect(x, r.bottom() - h + 1, step - 2, h));
        x += step;
    }
    painter->restore();
}

} // namespace Yard::Ui
