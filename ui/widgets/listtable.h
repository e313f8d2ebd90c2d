// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractItemView>

class QTableView;

namespace Yard::Ui {

/// The console's look for a list of rows (runs, sessions, events, cycles…): whole rows selected,
/// alternating colours, one line per row, no row numbers, compact rows, a name for screen readers.
void setUpListTable(QTableView *table, QAbstractItemView::SelectionMode mode, const QString &accessibleName);

} // namespace Yard::Ui
