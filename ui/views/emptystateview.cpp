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
    e->setMaximumWidth(560);
    layout->addWidget(t);
    layout->addWidget(e, 0, Qt::AlignHCenter);
    layout->addStretch(3);
}

} // namespace Yard::Ui
