// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "console.h"

#include <QWidget>

class QAction;
class QTableView;

namespace Yard {
struct EngineSnapshot;
} // namespace Yard

namespace Yard::Ui {

class LanesModel;

/// Lanes (SPEC U7): live utilisation, limit editing, pause per lane.
class LanesView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LanesView)

public:
    explicit LanesView(const Console &console, QWidget *parent = nullptr);
    void applySnapshot(const EngineSnapshot &snapshot);
    LanesModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }

private:
    void updateActions();
    QString currentLane() const;

    Console m_console;
    LanesModel *m_model;
    QTableView *m_table;
    QAction *m_edit;
    QAction *m_grace;
    QAction *m_pause;
};

} // namespace Yard::Ui
