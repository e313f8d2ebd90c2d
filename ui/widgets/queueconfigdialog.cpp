// SPDX-License-Identifier: GPL-3.0-or-later
#include "queueconfigdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

QueueConfigDialog::QueueConfigDialog(const QString &sessionKey, const QueueConfig &c, QWidget *parent)
    : QDialog(parent)
    , m_mode(new QComboBox)
    , m_cap(new QSpinBox)
    , m_drop(new QComboBox)
    , m_debounce(new QSpinBox)
    , m_concurrency(new QSpinBox)
{
    setWindowTitle(tr("Queue settings — %1").arg(sessionKey));
    auto *form = new QFormLayout(this);
    m_mode->addItem(tr("queue — first in, first out"), int(QueueMode::Queue));
    m_mode->addItem(tr("followup — like queue"), int(QueueMode::Followup));
    m_mode->addItem(tr("interrupt — a new message cancels what runs"), int(QueueMode::Interrupt));
    m_mode->addItem(tr("collect — merge waiting messages into one run"), int(QueueMode::Collect));
    m_mode->setCurrentIndex(m_mode->findData(int(c.mode)));
    m_cap->setRange(0, 100000);
    m_cap->setValue(c.cap);
    m_cap->setToolTip(tr("Messages that may wait; 0 with drop \"new\" refuses every message"));
    m_drop->addItem(tr("old — drop the oldest waiting message"), int(DropPolicy::Old));
    m_drop->addItem(tr("new — refuse the incoming message"), int(DropPolicy::New));
    m_drop->setCurrentIndex(m_drop->findData(int(c.drop)));
    m_debounce->setRange(0, 600000);
    m_debounce->setSuffix(u" ms"_s);
    m_debounce->setSingleStep(100);
    m_debounce->setValue(qMax(0, c.debounceMs));
    m_debounce->setToolTip(tr("Runs start only after this much quiet; 0 starts at once"));
    m_concurrency->setRange(1, 1000);
    m_concurrency->setValue(c.effectiveMaxConcurrent());
    form->addRow(tr("&Mode:"), m_mode);
    form->addRow(tr("&Cap:"), m_cap);
    form->addRow(tr("&Drop when full:"), m_drop);
    form->addRow(tr("De&bounce:"), m_debounce);
    form->addRow(tr("Max &concurrent runs:"), m_concurrency);
    auto *note = new QLabel(tr("Changes apply at once to this session's next admissions."));
    note->setForegroundRole(QPalette::PlaceholderText);
    form->addRow(note);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
}

QueueConfigOverride QueueConfigDialog::result() const
{
    QueueConfigOverride o;
    o.mode = QueueMode(m_mode->currentData().toInt());
    o.cap = m_cap->value();
    o.drop = DropPolicy(m_drop->currentData().toInt());
    o.debounceMs = m_debounce->value();
    o.maxConcurrent = m_concurrency->value();
    return o;
}

} // namespace Yard::Ui
