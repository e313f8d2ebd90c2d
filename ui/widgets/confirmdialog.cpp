// SPDX-License-Identifier: GPL-3.0-or-later
#include "confirmdialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Yard::Ui {

ConfirmDialog::ConfirmDialog(const QString &title, const QString &text, const QString &actionText,
                             QWidget *parent)
    : QDialog(parent)
    , m_reason(new QLineEdit)
{
    setWindowTitle(title);
    auto *layout = new QVBoxLayout(this);
    auto *label = new QLabel(text);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    layout->addWidget(label);
    auto *form = new QFormLayout;
    m_reason->setPlaceholderText(tr("Why? (recorded in the audit log)"));
    m_reason->setAccessibleName(tr("Reason"));
    form->addRow(tr("&Reason:"), m_reason);
    layout->addLayout(form);
    auto *buttons = new QDialogButtonBox;
    m_action = buttons->addButton(actionText, QDialogButtonBox::AcceptRole);
    buttons->addButton(QDialogButtonBox::Cancel);
    m_action->setEnabled(false);
    connect(m_reason, &QLineEdit::textChanged, this,
            [this](const QString &t) { m_action->setEnabled(!t.trimmed().isEmpty()); });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    m_reason->setFocus();
    setMinimumWidth(420);
}

QString ConfirmDialog::reason() const
{
    return m_reason->text().trimmed();
}

void ConfirmDialog::setReason(const QString &reason)
{
    m_reason->setText(reason);
}

bool ConfirmDialog::ask(QWidget *parent, const QString &title, const QString &text,
                        const QString &actionText, QString *reason)
{
    ConfirmDialog dialog(title, text, actionText, parent);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    *reason = dialog.reason();
    return true;
}

} // namespace Yard::Ui
