// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "console.h"

#include "engine/submission.h"
#include "model/ids.h"

#include <QWidget>

class QAction;
class QCheckBox;
class QLabel;
class QLineEdit;
class QStackedWidget;
class QTableView;
class QTextBrowser;
class QTimer;
class QToolButton;

namespace Yard {
struct EngineSnapshot;
} // namespace Yard

namespace Yard::Ui {

class AttentionModel;

/// Needs attention (SPEC U5, D8): runs the starvation ladder gave up on, with the diagnostic,
/// tier, wake count, age and what they require. Requeue, cancel and acknowledge act on the
/// selection or on everything the filter matches (the confirmation names the exact count, and
/// the action never stops at the loaded page).
class AttentionView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AttentionView)

public:
    explicit AttentionView(const Console &console, QWidget *parent = nullptr);

    void applySnapshot(const EngineSnapshot &snapshot);
    AttentionModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QVector<RunId> selectedRuns() const;
    /// Focuses the search field.
    void focusSearch();

    /// Acts on the selection, or (with `all`) on everything the filter matches; asks first
    /// (interactive) unless `note` is given.
    void resolve(AttentionAction action, bool all);
    /// The same without asking: what tests and the command palette call.
    void resolveWithNote(AttentionAction action, bool all, const QString &note);

Q_SIGNALS:
    void runActivated(Yard::RunId id);

private:
    void applyFilter();
    void updateActions();
    void updateStatus();
    void showDetail();

    Console m_console;
    AttentionModel *m_model;
    QStackedWidget *m_stack;
    QTableView *m_table;
    QTextBrowser *m_detail;
    QLineEdit *m_capability;
    QLineEdit *m_workspace;
    QLineEdit *m_search;
    QCheckBox *m_showAcknowledged;
    QLabel *m_summary;
    QLabel *m_status;
    QToolButton *m_allButton;
    QAction *m_requeue;
    QAction *m_cancel;
    QAction *m_acknowledge;
    QAction *m_requeueAll;
    QAction *m_cancelAll;
    QAction *m_acknowledgeAll;
    QAction *m_open;
    QTimer *m_filterDelay;
    QTimer *m_reloadDelay;
    int m_loadedOpen = -1; ///< the engine's open count the list was last loaded for
};

} // namespace Yard::Ui
