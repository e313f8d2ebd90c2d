// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

namespace Yard::Ui {

/// A tab whose feature has no data yet: what will appear here and why it is empty.
class EmptyStateView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EmptyStateView)

public:
    EmptyStateView(const QString &title, const QString &explanation, QWidget *parent = nullptr);
};

} // namespace Yard::Ui
