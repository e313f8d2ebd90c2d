// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/queueconfig.h"

#include <QDialog>

class QComboBox;
class QSpinBox;

namespace Yard::Ui {

/// Edits a session's queue settings (SPEC Q2, U3): mode, cap, drop policy, debounce, concurrency.
class QueueConfigDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(QueueConfigDialog)

public:
    QueueConfigDialog(const QString &sessionKey, const QueueConfig &current, QWidget *parent = nullptr);
    QueueConfigOverride result() const;

private:
    QComboBox *m_mode;
    QSpinBox *m_cap;
    QComboBox *m_drop;
    QSpinBox *m_debounce;
    QSpinBox *m_concurrency;
};

} // namespace Yard::Ui
