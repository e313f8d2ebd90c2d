// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "console.h"

#include "model/run.h"

#include <QWidget>

#include <optional>

class QLabel;
class QPlainTextEdit;
class QTabWidget;
class QTextBrowser;
class QTimer;

namespace Yard::Ui {

/// One run in detail (SPEC U4): state timeline, attempts, error, log, input, result and saved
/// state, read from the database on the reader thread.
class RunDetail final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunDetail)

public:
    explicit RunDetail(const Console &console, QWidget *parent = nullptr);
    void setRun(RunId id);
    RunId run() const { return m_id; }
    /// Reloads if the run is the one shown (after it changed state).
    void refreshIf(RunId id);

private:
    void show(const Run &run, const QString &sessionKey, bool found);

    Console m_console;
    RunId m_id = 0;
    quint64 m_request = 0;
    QLabel *m_title;
    QTabWidget *m_tabs;
    QTextBrowser *m_summary;
    QPlainTextEdit *m_input;
    QPlainTextEdit *m_output;
    QPlainTextEdit *m_log;
    QPlainTextEdit *m_state;
    QTimer *m_live; ///< while the run shown is not finished: its log and progress follow
    struct Pending
    {
        Run run;
        QString key;
        bool found = false;
    };
    std::optional<Pending> m_pending; ///< the run read, waiting for its attempts
    quint64 m_attemptsRequest = 0;
    RunAttempts m_attempts;
};

} // namespace Yard::Ui
