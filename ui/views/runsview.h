// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "console.h"

#include "model/event.h"
#include "model/runstate.h"

#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTimer;
class QToolButton;

namespace Yard {
struct EngineSnapshot;
} // namespace Yard

namespace Yard::Ui {

class RunDetail;
class RunsModel;
class SessionsModel;

/// Runs (SPEC U4): filters, text search, a lazily loaded table that stays fast with a million
/// rows, detail, and cancel / retry / requeue on the selection (Del cancels).
class RunsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunsView)

public:
    RunsView(const Console &console, SessionsModel *sessions, QWidget *parent = nullptr);

    void applySnapshot(const EngineSnapshot &snapshot);
    void applyEvents(const EventBatch &events);
    RunsModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    /// Shows one run: clears filters, finds it by id.
    void showRun(RunId id);
    /// Filters to one session.
    void showSession(SessionId id, const QString &key);
    QVector<RunId> selectedRuns() const;
    QAction *cancelAction() const { return m_cancel; }

public Q_SLOTS:
    void cancelSelection();
    void retrySelection();
    void requeueSelection();

private:
    void applyFilter();
    void updateStatus();
    void updateActions();
    bool isFollowing() const;

    Console m_console;
    SessionsModel *m_sessions;
    RunsModel *m_model;
    QTableView *m_table;
    RunDetail *m_detail;
    QToolButton *m_states;
    QComboBox *m_lane;
    QComboBox *m_priority;
    QLineEdit *m_session;
    QComboBox *m_time;
    QLineEdit *m_search;
    QPushButton *m_newRuns;
    QLabel *m_status;
    QTimer *m_searchDelay;
    QAction *m_cancel, *m_retry, *m_requeue;
    QStringList m_laneNames;
    TimeMs m_lastAutoInsert = 0;
};

} // namespace Yard::Ui
