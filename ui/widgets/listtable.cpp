// SPDX-License-Identifier: GPL-3.0-or-later
#include "listtable.h"

#include <QHeaderView>
#include <QTableView>

namespace Yard::Ui {

void setUpListTable(QTableView *table, QAbstractItemView::SelectionMode mode, const QString &accessibleName)
{
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(mode);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->horizontalHeader()->setHighlightSections(false);
    table->setAccessibleName(accessibleName);
}

} // namespace Yard::Ui
