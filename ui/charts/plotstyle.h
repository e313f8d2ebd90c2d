// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

class QCustomPlot;
class QPalette;

namespace Yard::Ui::PlotStyle {

/// The console's look for a live plot: a bold title row, a unit on the y axis, clock times on
/// the x axis, a legend top left, horizontal drag and zoom, no antialiasing (live plots redraw
/// often: speed over smoothness).
void setup(QCustomPlot *plot, const QString &title, const QString &unit);
/// Colours from `palette` (light or dark) for the plot's background, axes, grid, legend, title.
void applyTheme(QCustomPlot *plot, const QPalette &palette);

} // namespace Yard::Ui::PlotStyle
