// SPDX-License-Identifier: GPL-3.0-or-later
#include "cyclecharts.h"

#include "plotstyle.h"
#include "theme.h"

#include <QHBoxLayout>

#include <qcustomplot.h>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

namespace {

struct Series
{
    const char *name;
    Theme::Role role;
    Qt::PenStyle style;
    int (*value)(const CycleResult &);
};

const Series kWakeSeries[] = {
    {QT_TRANSLATE_NOOP("CycleCharts", "attempted"), Theme::Role::Queued, Qt::DashLine,
     [](const CycleResult &c) { return c.wakeAttempts; }},
    {QT_TRANSLATE_NOOP("CycleCharts", "succeeded"), Theme::Role::Completed, Qt::SolidLine,
     [](const CycleResult &c) { return c.wakeSucceeded; }},
    {QT_TRANSLATE_NOOP("CycleCharts", "failed"), Theme::Role::Failed, Qt::SolidLine,
     [](const CycleResult &c) { return c.wakeFailed; }},
};
const Series kEscalationSeries[] = {
    {QT_TRANSLATE_NOOP("CycleCharts", "recovered leases"), Theme::Role::Running, Qt::SolidLine,
     [](const CycleResult &c) { return c.recoveredLeases; }},
    {QT_TRANSLATE_NOOP("CycleCharts", "starved"), Theme::Role::Paused, Qt::SolidLine,
     [](const CycleResult &c) { return c.starvedRuns; }},
    {QT_TRANSLATE_NOOP("CycleCharts", "needs attention"), Theme::Role::Failed, Qt::SolidLine,
     [](const CycleResult &c) { return c.needsAttention; }},
};

template<size_t N>
void addGraphs(QCustomPlot *plot, const Series (&series)[N])
{
    for (const Series &s : series) {
        QCPGraph *g = plot->addGraph();
        g->setName(CycleCharts::tr(s.name));
        g->setLineStyle(QCPGraph::lsLine);
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
    }
}

template<size_t N>
void colourGraphs(QCustomPlot *plot, const Series (&series)[N])
{
    for (size_t i = 0; i < N; ++i) {
        const QColor c = Theme::color(series[i].role);
        plot->graph(int(i))->setPen(QPen(c, 2, series[i].style));
        plot->graph(int(i))->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, c, c, 4));
    }
}

template<size_t N>
void append(QCustomPlot *plot, const Series (&series)[N], const QVector<CycleResult> &cycles)
{
    for (size_t i = 0; i < N; ++i) {
        QVector<QCPGraphData> points;
        points.reserve(cycles.size());
        for (const CycleResult &c : cycles)
            points.append(QCPGraphData(double(c.at) / 1000.0, series[i].value(c)));
        QCPGraph *g = plot->graph(int(i));
        g->data()->add(points, true);
        const int extra = g->data()->size() - CycleCharts::kKeep;
        if (extra > 0)
            g->data()->removeBefore((g->data()->constBegin() + extra)->key);
    }
}

} // namespace

CycleCharts::CycleCharts(QWidget *parent)
    : QWidget(parent)
    , m_wakes(new QCustomPlot)
    , m_escalation(new QCustomPlot)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addWidget(m_wakes);
    layout->addWidget(m_escalation);
    PlotStyle::setup(m_wakes, tr("Wakes per cycle"), tr("sessions"));
    PlotStyle::setup(m_escalation, tr("Leases and escalation per cycle"), tr("runs"));
    m_wakes->setAccessibleName(tr("Wakes chart: attempted, succeeded and failed wakes per cycle"));
    m_escalation->setAccessibleName(
        tr("Escalation chart: recovered leases, starved runs and runs marked needs attention per cycle"));
    for (QCustomPlot *plot : {m_wakes, m_escalation}) {
        // Counts per cycle: whole numbers only on the value axis.
        auto ticker = QSharedPointer<QCPAxisTickerFixed>(new QCPAxisTickerFixed);
        ticker->setTickStep(1);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        plot->yAxis->setTicker(ticker);
    }
    addGraphs(m_wakes, kWakeSeries);
    addGraphs(m_escalation, kEscalationSeries);
    for (QCustomPlot *plot : {m_wakes, m_escalation}) {
        connect(plot->xAxis, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), this,
                [this, plot](const QCPRange &range) {
                    if (m_settingRange)
                        return;
                    // The operator moved one chart: keep both aligned and stop following.
                    m_settingRange = true;
                    QCustomPlot *other = plot == m_wakes ? m_escalation : m_wakes;
                    other->xAxis->setRange(range);
                    other->replot(QCustomPlot::rpQueuedReplot);
                    m_settingRange = false;
                    if (m_following) {
                        m_following = false;
                        Q_EMIT followingChanged(false);
                    }
                });
    }
    applyTheme();
    setRange();
}

CycleCharts::~CycleCharts() = default;

void CycleCharts::applyTheme()
{
    PlotStyle::applyTheme(m_wakes, palette());
    PlotStyle::applyTheme(m_escalation, palette());
    colourGraphs(m_wakes, kWakeSeries);
    colourGraphs(m_escalation, kEscalationSeries);
    m_wakes->replot(QCustomPlot::rpQueuedReplot);
    m_escalation->replot(QCustomPlot::rpQueuedReplot);
}

void CycleCharts::addCycles(const QVector<CycleResult> &cycles)
{
    if (cycles.isEmpty())
        return;
    append(m_wakes, kWakeSeries, cycles);
    append(m_escalation, kEscalationSeries, cycles);
    setRange();
}

void CycleCharts::clear()
{
    for (QCustomPlot *plot : {m_wakes, m_escalation}) {
        for (int i = 0; i < plot->graphCount(); ++i)
            plot->graph(i)->data()->clear();
    }
    setRange();
}

void CycleCharts::follow()
{
    if (!m_following) {
        m_following = true;
        Q_EMIT followingChanged(true);
    }
    setRange();
}

int CycleCharts::plottedCycles() const
{
    return m_wakes->graphCount() ? m_wakes->graph(0)->data()->size() : 0;
}

void CycleCharts::setRange()
{
    if (m_following) {
        const auto data = m_wakes->graph(0)->data();
        m_settingRange = true;
        if (data->isEmpty()) {
            const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
            for (QCustomPlot *plot : {m_wakes, m_escalation})
                plot->xAxis->setRange(now - 300, now);
        } else {
            const int n = data->size();
            const double last = (data->constEnd() - 1)->key;
            const double first = (data->constBegin() + qMax(0, n - kShown))->key;
            const double span = qMax(60.0, last - first);
            for (QCustomPlot *plot : {m_wakes, m_escalation})
                plot->xAxis->setRange(last - span * 1.02, last + span * 0.03);
        }
        m_settingRange = false;
    }
    for (QCustomPlot *plot : {m_wakes, m_escalation}) {
        // Counts: whole numbers from zero, with room above the highest point in view.
        bool found = false;
        double high = 0;
        for (int i = 0; i < plot->graphCount(); ++i) {
            const QCPRange r = plot->graph(i)->getValueRange(found, QCP::sdBoth, plot->xAxis->range());
            if (found)
                high = qMax(high, r.upper);
        }
        plot->yAxis->setRange(0, qMax(4.0, high * 1.15 + 0.5));
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

} // namespace Yard::Ui
