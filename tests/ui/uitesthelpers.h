// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "widgets/confirmdialog.h"

#include <QApplication>
#include <QPushButton>
#include <QTimer>

namespace Yard::Test {

/// Answers the next ConfirmDialog with `reason` and confirms it (modal dialogs block the test
/// otherwise). Polls from the event loop the dialog runs.
inline void confirmNextDialog(const QString &reason)
{
    auto *timer = new QTimer;
    timer->setInterval(10);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, reason] {
        auto *dialog = qobject_cast<Yard::Ui::ConfirmDialog *>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        dialog->setReason(reason);
        dialog->actionButton()->click();
        timer->deleteLater();
    });
    timer->start();
}

} // namespace Yard::Test
