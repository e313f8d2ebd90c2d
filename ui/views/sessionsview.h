// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "console.h"

#include "model/ids.h"

#include <QWidget>

class QAction;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace Yard {
struct EngineSnapshot;
} // namespace Yard

namespace Yard::Ui {

class SessionDetail;
class SessionsModel;

/// Sessions (SPEC U3): searchable table, detail, and the session actions.
class SessionsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionsView)

public:
    SessionsView(const Console &console, SessionsModel *model, QWidget *parent = nullptr);

    void applySnapshot(const EngineSnapshot &snapshot);
    /// Selects and shows a session (command palette, links).
    bool selectSession(SessionId id);
    SessionId currentSession() const;
    QTableView *table() const { return m_table; }
    QList<QAction *> sessionActions() const;

Q_SIGNALS:
    void runActivated(Yard::RunId run);

private:
    void updateActions();
    void sendMessage();
    void cancelOldest();
    void cancelAll();
    void resetSession();
    void togglePause();
    void editConfig();
    QString currentKey() const;

    Console m_console;
    SessionsModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QLineEdit *m_search;
    SessionDetail *m_detail;
    QAction *m_send, *m_cancelOldest, *m_cancelAll, *m_reset, *m_pause, *m_config;
};

} // namespace Yard::Ui
