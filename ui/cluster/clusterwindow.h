// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/clusterdb.h"

#include <QMainWindow>

class QLabel;
class QTabWidget;
class QTableView;
class QAction;
class QComboBox;
class QLineEdit;

namespace Yard {
class ClusterMonitor;
class ClusterNode;
}

namespace Yard::Ui {

class ClusterTableModel;

/// The console on a cluster (SPEC X1): `yardmaster --db postgresql://…`. Every node with its
/// state and heartbeat age (a node that stopped heartbeating is shown as such, with when it was
/// last seen), the runs, lanes (running counted over every node), sessions with the node that
/// holds them, and needs-attention runs, from a snapshot read every second. Operator actions
/// (pause, resume, drain, cancel, requeue, lane limits) are written to the database; the nodes
/// apply them. With --node this process runs a node too.
class ClusterWindow final : public QMainWindow
{
    Q_OBJECT

public:
    ClusterWindow(ClusterMonitor *monitor, ClusterNode *node, QWidget *parent = nullptr);
    ~ClusterWindow() override;

    void setReadOnly(bool readOnly);
    /// The newest snapshot shown (tests).
    const ClusterSnapshot &shown() const { return m_snapshot; }
    /// Shows a tab by name: nodes, runs, lanes, sessions, attention, audit (tests, screenshots).
    void showTab(const QString &name);
    /// Filters the Runs tab: text anywhere in a row, and a state (empty: all).
    void setRunFilter(const QString &text, const QString &state = {});

private:
    void apply(const ClusterSnapshot &snapshot);
    void readFailed(const QString &error);
    void actionDone(const QString &message, bool ok);
    void togglePause();
    void drain();
    void cancelSelected();
    void requeueSelected();
    void editLane();
    QVector<qint64> selectedRuns() const;
    QTableView *addTable(ClusterTableModel *model, const QString &title, const QString &accessibleName);
    void updateActions();

    struct Tile;
    ClusterMonitor *m_monitor;
    ClusterNode *m_node;
    ClusterSnapshot m_snapshot;
    bool m_readOnly = false;
    bool m_fitted = false; ///< columns sized to the first snapshot
    QTabWidget *m_tabs;
    QLabel *m_banner;
    QLabel *m_statusDb;
    QLabel *m_statusRead;
    std::vector<std::pair<QLabel *, QLabel *>> m_tiles; ///< caption, value
    ClusterTableModel *m_nodes;
    ClusterTableModel *m_runs;
    ClusterTableModel *m_lanes;
    ClusterTableModel *m_sessions;
    ClusterTableModel *m_attention;
    ClusterTableModel *m_audit;
    QTableView *m_runsView = nullptr;
    QLineEdit *m_runSearch = nullptr;
    QComboBox *m_runState = nullptr;
    QTableView *m_lanesView = nullptr;
    QTableView *m_attentionView = nullptr;
    QAction *m_pauseAction;
    QAction *m_drainAction;
    QAction *m_cancelAction;
    QAction *m_requeueAction;
    QAction *m_laneAction;
};

} // namespace Yard::Ui
