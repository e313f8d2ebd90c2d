// SPDX-License-Identifier: GPL-3.0-or-later
#include "shortcutsdialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

ShortcutsDialog::ShortcutsDialog(const QList<Entry> &entries, QWidget *parent)
    : QDialog(parent)
    , m_filter(new QLineEdit)
    , m_tree(new QTreeWidget)
{
    setWindowTitle(tr("Keyboard shortcuts"));
    setObjectName(u"shortcutsDialog"_s);
    m_filter->setPlaceholderText(tr("Filter: a key or what it does…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Filter shortcuts"));
    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({tr("Keys"), tr("What it does")});
    m_tree->setRootIsDecorated(false);
    m_tree->setUniformRowHeights(true);
    m_tree->setSelectionMode(QAbstractItemView::NoSelection);
    m_tree->setFocusPolicy(Qt::NoFocus);
    m_tree->setAccessibleName(tr("Shortcuts"));
    m_tree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_tree->header()->setStretchLastSection(true);

    QTreeWidgetItem *group = nullptr;
    for (const Entry &e : entries) {
        if (!group || group->text(0) != e.group) {
            group = new QTreeWidgetItem(m_tree, {e.group});
            group->setFirstColumnSpanned(true);
            QFont bold = group->font(0);
            bold.setBold(true);
            group->setFont(0, bold);
            group->setExpanded(true);
        }
        auto *item = new QTreeWidgetItem(group, {e.keys, e.what});
        QFont mono = item->font(0);
        mono.setBold(true);
        item->setFont(0, mono);
    }
    m_tree->expandAll();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_filter);
    layout->addWidget(m_tree, 1);
    layout->addWidget(buttons);
    connect(m_filter, &QLineEdit::textChanged, this, &ShortcutsDialog::setFilter);
    const int rows = int(entries.size()) + 8;
    resize(fontMetrics().averageCharWidth() * 72, qMin(fontMetrics().height() * rows * 3 / 2, 720));
    m_filter->setFocus();
}

void ShortcutsDialog::setFilter(const QString &text)
{
    const QString t = text.trimmed();
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem *group = m_tree->topLevelItem(g);
        int shown = 0;
        for (int i = 0; i < group->childCount(); ++i) {
            QTreeWidgetItem *item = group->child(i);
            const bool match = t.isEmpty() || item->text(0).contains(t, Qt::CaseInsensitive)
                               || item->text(1).contains(t, Qt::CaseInsensitive);
            item->setHidden(!match);
            shown += match ? 1 : 0;
        }
        group->setHidden(shown == 0);
    }
}

} // namespace Yard::Ui
