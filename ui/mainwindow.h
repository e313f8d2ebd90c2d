// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>

class QAction;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace Yard {
class Scheduler;
struct EngineSnapshot;
} // namespace Yard

namespace Yard::Ui {

class SessionsModel;

/// The operator console's main window. Composes views; owns no scheduling logic.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(Scheduler *scheduler, QWidget *parent = nullptr);
    ~MainWindow() override;

    QAction *pauseAction() const { return m_pauseAction; }
    SessionsModel *sessionsModel() const { return m_sessions; }

private:
    void applySnapshot(const EngineSnapshot &snapshot);
    void togglePause();

    Scheduler *m_scheduler;
    SessionsModel *m_sessions;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QLineEdit *m_search;
    QAction *m_pauseAction;
    QLabel *m_banner;
    QLabel *m_stateLabel;
    QLabel *m_countsLabel;
    QLabel *m_dbLabel;
    bool m_paused = false;
};

} // namespace Yard::Ui
