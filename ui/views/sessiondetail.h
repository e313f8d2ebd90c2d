// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "console.h"

#include "engine/enginestatus.h"

#include <QWidget>

class QLabel;
class QTabWidget;
class QTextBrowser;
class QTreeWidget;
class QTimer;

namespace Yard::Ui {

/// One session in detail (SPEC U3): its ordered queue and running runs from the engine, and its
/// transcript from the database. Refreshes at most four times a second while the session moves.
class SessionDetail final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionDetail)

public:
    explicit SessionDetail(const Console &console, QWidget *parent = nullptr);

    void setSession(SessionId id);
    SessionId session() const { return m_id; }
    /// The session changed (from a snapshot): refresh soon.
    void sessionChanged();
    const std::optional<Yard::SessionDetail> &detail() const { return m_detail; }

Q_SIGNALS:
    void runActivated(Yard::RunId run);

private:
    void refresh();
    void refreshTranscript();
    void show(const std::optional<Yard::SessionDetail> &detail);
    void showTranscript(const MessageList &messages);

    Console m_console;
    SessionId m_id = 0;
    std::optional<Yard::SessionDetail> m_detail;
    QLabel *m_header;
    QTabWidget *m_tabs;
    QTreeWidget *m_queue;
    QTextBrowser *m_transcript;
    QLabel *m_settings;
    QTimer *m_refresh;
    QTimer *m_transcriptRefresh;
    quint64 m_messagesRequest = 0;
};

} // namespace Yard::Ui
