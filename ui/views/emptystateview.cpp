// SPDX-License-Identifier: GPL-3.0-or-later
#include "emptystateview.h"

#include <QLabel>
#include <QVBoxLayout>

namespace Yard::Ui {

EmptyStateView::EmptyStateView(const QString &title, const QString &explanation, QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->addStretch(2);
    auto *t = new QLabel(title);
    QFont f = t->font();
    f.setPointSizeF(f.pointSizeF() * 1.4);
    f.setBold(true);
    t->setFont(f);
    t->setAlignment(Qt::AlignCenter);
    auto *e = new QLabel(explanation);
    e->setWordWrap(true);
    e->setAlignment(Qt::AlignCenter);
    e->setForegroundRole(QPalette::PlaceholderText);
    // Centred by stretches, not by an alignment flag: a layout item with an alignment is not
    // asked for its height at the width it gets, so a wrapped text was cut and its lines drawn
    // over each other. Width: about 70 characters, whatever the font size and scale.
    e->setMaximumWidth(e->fontMetrics().averageCharWidth() * 72);
    e->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::MinimumExpanding);
    t->setWordWrap(true);
    auto *row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(e, 4);
    row->addStretch(1);
    layout->addWidget(t);
    layout->addLayout(row);
    layout->addStretch(3);
}

} // namespace Yard::Ui
