// SPDX-License-Identifier: GPL-3.0-or-later
#include "elidinglabel.h"

#include <QPainter>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

ElidingLabel::ElidingLabel(Qt::TextElideMode mode, QWidget *parent)
    : QFrame(parent)
    , m_mode(mode)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

void ElidingLabel::setText(const QString &text)
{
    if (text == m_text)
        return;
    const bool grew = fontMetrics().horizontalAdvance(text) > fontMetrics().horizontalAdvance(m_text);
    m_text = text;
    setAccessibleName(text);
    updateToolTip();
    if (grew)
        updateGeometry();
    update();
}

void ElidingLabel::setHint(const QString &hint)
{
    m_hint = hint;
    updateToolTip();
}

void ElidingLabel::updateToolTip()
{
    setToolTip(m_hint.isEmpty() ? m_text : m_text + u"\n"_s + m_hint);
}

QSize ElidingLabel::sizeHint() const
{
    const QFontMetrics fm = fontMetrics();
    return {fm.horizontalAdvance(m_text) + 2 * frameWidth() + 4, fm.height() + 2 * frameWidth()};
}

QSize ElidingLabel::minimumSizeHint() const
{
    const QFontMetrics fm = fontMetrics();
    return {qMin(sizeHint().width(), fm.horizontalAdvance(u"Mmmmmm…"_s)), fm.height() + 2 * frameWidth()};
}

void ElidingLabel::paintEvent(QPaintEvent *event)
{
    QFrame::paintEvent(event);
    QPainter p(this);
    const QRect r = contentsRect().adjusted(2, 0, -2, 0);
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(r, Qt::AlignVCenter | Qt::AlignLeft, fontMetrics().elidedText(m_text, m_mode, r.width()));
}

} // namespace Yard::Ui
