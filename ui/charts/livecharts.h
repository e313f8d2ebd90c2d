// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/statssample.h"

#include <QWidget>

class QCustomPlot;

namespace Yard::Ui {

/// The Overview's live charts (SPEC U2): throughput (completed/failed per second), queue depth
/// (queued/running), wait and run time p50/p95, lane utilisation. Samples arrive once a second;
/// history for longer windows is handed in from the database. Drag and wheel zoom the time
/// axis; doing so stops following the newest data until follow() is called.
class LiveCharts final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LiveCharts)

public:
    explicit LiveCharts(QWidget *parent = nullptr);
    ~LiveCharts() override;

    /// Visible time span in seconds (60, 900, 3600, 86400).
    void setWindow(int seconds);
    int window() const { return m_windowSeconds; }
    /// Frozen charts keep collecting but stop redrawing and scrolling.
    void setFrozen(bool frozen);
    bool isFrozen() const { return m_frozen; }
    /// Scrolls back to the newest data and resumes following it.
    void follow();
    bool isFollowing() const { return m_following; }

    void addSamples(const StatsSeries &samples);
    /// Replaces older data with stored history (seconds or minutes, oldest first).
    void setHistory(const StatsSeries &history);
    /// Re-reads colours after a palette change.
    void applyTheme();
    int plottedPoints() const;

Q_SIGNALS:
    /// The operator zoomed or dragged: the charts stopped following.
    void followingChanged(bool following);

private:
    void rebuild();
    void scheduleReplot();
    void setupPlot(QCustomPlot *plot, const QString &title, const QString &unit);
    void setRange();

    QCustomPlot *m_throughput;
    QCustomPlot *m_depth;
    QCustomPlot *m_latency;
    QCustomPlot *m_lanes;
    StatsSeries m_live;    ///< per-second samples received live (newest two hours)
    StatsSeries m_history; ///< samples from the database for the current window
    int m_windowSeconds = 60;
    bool m_frozen = false;
    bool m_following = true;
    bool m_replotPending = false;
    bool m_settingRange = false;
};

} // namespace Yard::Ui
