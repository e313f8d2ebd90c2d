// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cycle/cycletypes.h"

#include <QWidget>

class QCustomPlot;

namespace Yard::Ui {

/// The Cycles view's charts (SPEC U8), one point per mechanical cycle: wakes attempted,
/// succeeded and failed; recovered leases, starved runs and runs marked needs attention.
/// Both follow the newest cycles until the operator drags or zooms one.
class CycleCharts final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CycleCharts)

public:
    /// Cycles kept on the charts.
    static constexpr int kKeep = 500;
    /// Cycles shown while following.
    static constexpr int kShown = 80;

    explicit CycleCharts(QWidget *parent = nullptr);
    ~CycleCharts() override;

    /// Appends cycles (oldest first, numbers increasing).
    void addCycles(const QVector<CycleResult> &cycles);
    void clear();
    /// Re-reads colours after a palette change.
    void applyTheme();
    /// Scrolls back to the newest cycles and follows them again.
    void follow();
    bool isFollowing() const { return m_following; }
    int plottedCycles() const;

Q_SIGNALS:
    void followingChanged(bool following);

private:
    void setRange();

    QCustomPlot *m_wakes;
    QCustomPlot *m_escalation;
    bool m_following = true;
    bool m_settingRange = false;
};

} // namespace Yard::Ui
