// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

class QLineEdit;
class QPushButton;

namespace Yard::Ui {

/// Confirmation for destructive actions (SPEC U11): states exactly what will happen to how many
/// things and asks for a reason, which goes to the audit log. The action button stays disabled
/// until a reason is given.
class ConfirmDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConfirmDialog)

public:
    ConfirmDialog(const QString &title, const QString &text, const QString &actionText,
                  QWidget *parent = nullptr);

    QString reason() const;
    void setReason(const QString &reason);
    QPushButton *actionButton() const { return m_action; }

    /// Shows the dialog; true (and *reason set) if the operator confirmed.
    static bool ask(QWidget *parent, const QString &title, const QString &text,
                    const QString &actionText, QString *reason);

private:
    QLineEdit *m_reason;
    QPushButton *m_action;
};

} // namespace Yard::Ui
