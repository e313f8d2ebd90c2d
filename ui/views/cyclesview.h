// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "console.h"

#include "model/ids.h"

#include <QWidget>

class QAction;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableView;
class QTextBrowser;

namespace Yard {
struct EngineSnapshot;
} // namespace Yard

namespace Yard::Ui {

class CycleCharts;
class CyclesModel;

/// Cycles (SPEC U8, D4, D9): the mechanical cycle's recent results with charts of wakes,
/// recovered leases, starved runs and needs attention; cumulative figures with the last errors;
/// "Run cycle now" and the interval, editable live.
class CyclesView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CyclesView)

public:
    explicit CyclesView(const Console &console, QWidget *parent = nullptr);

    void applySnapshot(const EngineSnapshot &snapshot);
    void applyTheme();
    CyclesModel *model() const { return m_model; }
    CycleCharts *charts() const { return m_charts; }
    QTableView *table() const { return m_table; }
    QAction *runNowAction() const { return m_runNow; }
    QSpinBox *intervalBox() const { return m_interval; }

Q_SIGNALS:
    void runActivated(Yard::RunId id);

private:
    void showDetail();
    void applyInterval();

    Console m_console;
    CyclesModel *m_model;
    CycleCharts *m_charts;
    QTableView *m_table;
    QTextBrowser *m_detail;
    QLabel *m_summary;
    QLabel *m_errors;
    QSpinBox *m_interval;
    QPushButton *m_follow;
    QAction *m_runNow;
    qint64 m_engineInterval = -1; ///< as the engine last reported it
};

} // namespace Yard::Ui
