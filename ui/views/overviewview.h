// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "console.h"

#include "model/statssample.h"

#include <QWidget>

class QButtonGroup;
class QFrame;
class QLabel;
class QPushButton;
class QToolButton;

namespace Yard {
struct EngineSnapshot;
} // namespace Yard

namespace Yard::Ui {

class LiveCharts;

/// The Overview (SPEC U2, U14): tiles, live charts with 1 min / 15 min / 1 h / 24 h windows
/// (longer windows load history through the reader), freeze and follow, and a welcome card
/// while the database is empty.
class OverviewView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OverviewView)

public:
    explicit OverviewView(const Console &console, QWidget *parent = nullptr);

Q_SIGNALS:
    void demoRequested();

public:

    void applySnapshot(const EngineSnapshot &snapshot);
    LiveCharts *charts() const { return m_charts; }
    void setWindow(int seconds);
    void applyTheme();

private:
    struct Tile
    {
        QFrame *frame = nullptr;
        QLabel *value = nullptr;
        QLabel *caption = nullptr;
    };
    Tile makeTile(const QString &title, const QString &tooltip);
    void requestHistory();

    Console m_console;
    QWidget *m_welcome;
    Tile m_running, m_queued, m_done, m_failed, m_attention, m_state;
    LiveCharts *m_charts;
    QButtonGroup *m_windows;
    QToolButton *m_freeze;
    QPushButton *m_follow;
    QLabel *m_historyNote;
    StatsSeries m_recent; ///< last minute, for the per-minute tiles
    quint64 m_historyRequest = 0;
};

} // namespace Yard::Ui
