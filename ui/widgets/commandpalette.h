// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

#include <functional>

class QLineEdit;
class QListWidget;

namespace Yard::Ui {

/// Ctrl+K (SPEC U10): type to filter commands, Enter runs the highlighted one. Commands are
/// provided fresh each time it opens, so they reflect the current state (pause vs resume,
/// sessions, runs).
class CommandPalette final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CommandPalette)

public:
    struct Command
    {
        QString title;
        QString hint; ///< shortcut or category, shown greyed
        std::function<void()> run;
    };
    /// Builds commands for a query (e.g. "#42" offers "Open run #42").
    using Provider = std::function<QList<Command>(const QString &query)>;

    explicit CommandPalette(Provider provider, QWidget *parent = nullptr);

    /// Fills the list for `query` (exposed for tests).
    void setQuery(const QString &query);
    int visibleCommands() const;
    QString commandTitle(int row) const;
    /// The greyed hint of a row: the command's shortcut, or its category.
    QString commandHint(int row) const;
    /// Runs the highlighted command and closes.
    void runCurrent();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void refill();

    Provider m_provider;
    QList<Command> m_commands;
    QLineEdit *m_query;
    QListWidget *m_list;
};

} // namespace Yard::Ui
