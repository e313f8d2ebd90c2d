// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "console.h"

#include "model/event.h"
#include "model/job.h"

#include <QWidget>

class QAction;
class QLabel;
class QTableView;
class QTextBrowser;

namespace Yard {
struct EngineSnapshot;
} // namespace Yard

namespace Yard::Ui {

class JobsModel;
class RunsModel;

/// Jobs (SPEC U6): every job with its schedule, next run and countdown, last run, a sparkline
/// of recent runs; create and edit (with the schedule checked as typed and its next fire
/// times), enable or disable, run now, delete (confirmed); the selected job's runs.
class JobsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobsView)

public:
    explicit JobsView(const Console &console, QWidget *parent = nullptr);

    void applySnapshot(const EngineSnapshot &snapshot);
    void applyEvents(const EventBatch &events);
    JobsModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    RunsModel *runs() const { return m_runs; }
    const Job *currentJob() const;
    void selectJob(JobId id);

    /// Opens the create dialog (Ctrl+N), or the edit dialog for the selection (Enter).
    void newJob();
    void editJob();
    void toggleEnabled();
    void runNow();
    void deleteJob();

Q_SIGNALS:
    void runActivated(Yard::RunId id);

private:
    void updateActions();
    void showDetail();
    void loadRecent();

    Console m_console;
    JobsModel *m_model;
    RunsModel *m_runs;
    QTableView *m_table;
    QTableView *m_runTable;
    QTextBrowser *m_detail;
    QLabel *m_empty;
    QAction *m_new;
    QAction *m_edit;
    QAction *m_enable;
    QAction *m_runNow;
    QAction *m_delete;
    bool m_recentLoaded = false;
    JobId m_pendingSelect = 0;
};

} // namespace Yard::Ui
