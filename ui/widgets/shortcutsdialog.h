// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>
#include <QList>
#include <QString>

class QLineEdit;
class QTreeWidget;

namespace Yard::Ui {

/// The "?" sheet: every keyboard shortcut of the console, grouped by where it works, with a
/// filter. Made from the actions themselves, so it cannot drift from what the keys do.
class ShortcutsDialog final : public QDialog
{
    Q_OBJECT

public:
    struct Entry
    {
        QString group; ///< "Everywhere", or the view it works in
        QString keys;  ///< as shown, e.g. "Ctrl+Shift+P"
        QString what;
    };
    explicit ShortcutsDialog(const QList<Entry> &entries, QWidget *parent = nullptr);

    QTreeWidget *tree() const { return m_tree; }
    /// Shows only the shortcuts whose keys or description contain `text`.
    void setFilter(const QString &text);

private:
    QLineEdit *m_filter;
    QTreeWidget *m_tree;
};

} // namespace Yard::Ui
