// SPDX-License-Identifier: GPL-3.0-or-later
#include "plotstyle.h"

#include "theme.h"

#include <qcustomplot.h>

using namespace Qt::StringLiterals;

namespace Yard::Ui::PlotStyle {

void setup(QCustomPlot *plot, const QString &title, const QString &unit)
{
    const QFont font = plot->font();
    plot->setMinimumSize(280, 170);
    plot->setNotAntialiasedElements(QCP::aeAll);
    plot->setNoAntialiasingOnDrag(true);
    plot->plotLayout()->insertRow(0);
    auto *titleElement = new QCPTextElement(plot, title, QFont(font.family(), font.pointSize(), QFont::Bold));
    plot->plotLayout()->addElement(0, 0, titleElement);
    plot->yAxis->setLabel(unit);
    auto ticker = QSharedPointer<QCPAxisTickerDateTime>(new QCPAxisTickerDateTime);
    ticker->setDateTimeFormat(u"HH:mm:ss"_s);
    plot->xAxis->setTicker(ticker);
    plot->legend->setVisible(true);
    plot->legend->setFont(QFont(font.family(), qMax(7, font.pointSize() - 1)));
    plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->axisRect()->setRangeDrag(Qt::Horizontal);
    plot->axisRect()->setRangeZoom(Qt::Horizontal);
}

void applyTheme(QCustomPlot *p, const QPalette &pal)
{
    const QColor text = pal.color(QPalette::WindowText);
    const QColor grid = Theme::isDark() ? QColor(0x3a, 0x3f, 0x45) : QColor(0xdd, 0xe1, 0xe6);
    p->setBackground(pal.color(QPalette::Base));
    p->axisRect()->setBackground(pal.color(QPalette::Base));
    for (QCPAxis *axis : {p->xAxis, p->yAxis}) {
        axis->setBasePen(QPen(grid));
        axis->setTickPen(QPen(grid));
        axis->setSubTickPen(QPen(grid));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
        axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
    }
    p->legend->setBrush(QBrush(pal.color(QPalette::Base)));
    p->legend->setBorderPen(QPen(grid));
    p->legend->setTextColor(text);
    if (auto *title = qobject_cast<QCPTextElement *>(p->plotLayout()->element(0, 0)))
        title->setTextColor(text);
}

} // namespace Yard::Ui::PlotStyle
