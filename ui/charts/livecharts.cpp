// SPDX-License-Identifier: GPL-3.0-or-later
#include "livecharts.h"

#include "plotstyle.h"
#include "theme.h"

#include "model/lanenames.h"

#include <QGridLayout>
#include <QTimer>

#include <qcustomplot.h>

#include <map>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

namespace {
constexpr int kLiveKeep = 2 * 3600;

double seconds(TimeMs t)
{
    return double(t) / 1000.0;
}

QColor laneColor(int i)
{
    static const QColor dark[] = {QColor(0x5a, 0xa9, 0xff), QColor(0x4c, 0xd1, 0x8b), QColor(0xff, 0xb0, 0x3b),
                                  QColor(0xc4, 0xa0, 0xff), QColor(0xff, 0x6b, 0x6b), QColor(0x5e, 0xd8, 0xd8)};
    static const QColor light[] = {QColor(0x1f, 0x6f, 0xc5), QColor(0x1a, 0x7f, 0x4b), QColor(0xb4, 0x53, 0x09),
                                   QColor(0x6b, 0x46, 0xc1), QColor(0xc0, 0x26, 0x2d), QColor(0x0e, 0x74, 0x90)};
    return Theme::isDark() ? dark[i % 6] : light[i % 6];
}
} // namespace

LiveCharts::LiveCharts(QWidget *parent)
    : QWidget(parent)
    , m_throughput(new QCustomPlot)
    , m_depth(new QCustomPlot)
    , m_latency(new QCustomPlot)
    , m_lanes(new QCustomPlot)
{
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(6);
    grid->addWidget(m_throughput, 0, 0);
    grid->addWidget(m_depth, 0, 1);
    grid->addWidget(m_latency, 1, 0);
    grid->addWidget(m_lanes, 1, 1);
    setupPlot(m_throughput, tr("Throughput"), tr("runs/s"));
    setupPlot(m_depth, tr("Queue depth"), tr("runs"));
    setupPlot(m_latency, tr("Wait and run time"), tr("ms"));
    setupPlot(m_lanes, tr("Lane utilisation"), tr("%"));
    m_throughput->setAccessibleName(tr("Throughput chart: completed and failed runs per second"));
    m_depth->setAccessibleName(tr("Queue depth chart: queued and running runs"));
    m_latency->setAccessibleName(tr("Latency chart: wait and run time percentiles"));
    m_lanes->setAccessibleName(tr("Lane utilisation chart"));
    m_latency->yAxis->setScaleType(QCPAxis::stLogarithmic);
    m_latency->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    m_lanes->yAxis->setRange(0, 105);
    applyTheme();
    rebuild();
}

LiveCharts::~LiveCharts() = default;

void LiveCharts::setupPlot(QCustomPlot *plot, const QString &title, const QString &unit)
{
    PlotStyle::setup(plot, title, unit);
    connect(plot->xAxis, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), this,
            [this, plot](const QCPRange &range) {
                if (m_settingRange)
                    return;
                // The operator moved this chart: keep all four aligned and stop following.
                m_settingRange = true;
                for (QCustomPlot *p : {m_throughput, m_depth, m_latency, m_lanes}) {
                    if (p != plot) {
                        p->xAxis->setRange(range);
                        p->replot(QCustomPlot::rpQueuedReplot);
                    }
                }
                m_settingRange = false;
                if (m_following) {
                    m_following = false;
                    Q_EMIT followingChanged(false);
                }
            });
}

void LiveCharts::applyTheme()
{
    for (QCustomPlot *p : {m_throughput, m_depth, m_latency, m_lanes})
        PlotStyle::applyTheme(p, palette());
    rebuild();
}

void LiveCharts::setWindow(int seconds)
{
    m_windowSeconds = qMax(10, seconds);
    m_history.clear();
    m_following = true;
    Q_EMIT followingChanged(true);
    rebuild();
}

void LiveCharts::setFrozen(bool frozen)
{
    m_frozen = frozen;
    if (!frozen)
        rebuild();
}

void LiveCharts::follow()
{
    m_following = true;
    Q_EMIT followingChanged(true);
    rebuild();
}

void LiveCharts::addSamples(const StatsSeries &samples)
{
    if (samples.isEmpty())
        return;
    m_live += samples;
    if (m_live.size() > kLiveKeep)
        m_live.remove(0, m_live.size() - kLiveKeep);
    if (!m_frozen)
        rebuild();
}

void LiveCharts::setHistory(const StatsSeries &history)
{
    m_history = history;
    rebuild();
}

int LiveCharts::plottedPoints() const
{
    return m_throughput->graphCount() ? m_throughput->graph(0)->dataCount() : 0;
}

void LiveCharts::rebuild()
{
    // Data: stored history up to the first live sample, then the live samples.
    const TimeMs firstLive = m_live.isEmpty() ? std::numeric_limits<TimeMs>::max() : m_live.first().t;
    QVector<const StatsSample *> points;
    for (const StatsSample &s : std::as_const(m_history)) {
        if (s.t < firstLive)
            points.append(&s);
    }
    const TimeMs newest = m_live.isEmpty() ? (m_history.isEmpty() ? 0 : m_history.last().t) : m_live.last().t;
    const TimeMs oldest = newest - TimeMs(m_windowSeconds) * 1000 - 5000;
    for (const StatsSample &s : std::as_const(m_live)) {
        if (s.t >= oldest)
            points.append(&s);
    }

    auto series = [](QCustomPlot *plot, int index, const QString &name, const QColor &color) {
        while (plot->graphCount() <= index)
            plot->addGraph();
        QCPGraph *g = plot->graph(index);
        g->setName(name);
        g->setPen(QPen(color, 1.6));
        g->data()->clear();
        return g;
    };
    QCPGraph *completed = series(m_throughput, 0, tr("completed/s"), Theme::color(Theme::Role::Completed));
    QCPGraph *failed = series(m_throughput, 1, tr("failed/s"), Theme::color(Theme::Role::Failed));
    QCPGraph *queued = series(m_depth, 0, tr("queued"), Theme::color(Theme::Role::Queued));
    QCPGraph *running = series(m_depth, 1, tr("running"), Theme::color(Theme::Role::Running));
    QCPGraph *waitP50 = series(m_latency, 0, tr("wait p50"), Theme::color(Theme::Role::Queued));
    QColor waitColor = Theme::color(Theme::Role::Queued), runColor = Theme::color(Theme::Role::Running);
    waitColor.setAlpha(190);
    runColor.setAlpha(190);
    QCPGraph *waitP95 = series(m_latency, 1, tr("wait p95"), waitColor);
    QCPGraph *runP50 = series(m_latency, 2, tr("run p50"), Theme::color(Theme::Role::Running));
    QCPGraph *runP95 = series(m_latency, 3, tr("run p95"), runColor);
    waitP95->setPen(QPen(waitP95->pen().color(), 1.2, Qt::DashLine));
    runP95->setPen(QPen(runP95->pen().color(), 1.2, Qt::DashLine));

    std::map<QString, QVector<QCPGraphData>> laneData;
    QVector<QCPGraphData> c, f, q, r, w50, w95, r50, r95;
    for (const StatsSample *s : std::as_const(points)) {
        const double x = seconds(s->t);
        const double per = double(s->resolutionMs) / 1000.0;
        c.append({x, s->completed / per});
        f.append({x, s->failed / per});
        q.append({x, double(s->queued)});
        r.append({x, double(s->running)});
        // Log axis: zero means "no runs", drawn as a gap rather than a plunge.
        const double nan = std::numeric_limits<double>::quiet_NaN();
        w50.append({x, s->waitP50 ? double(s->waitP50) : nan});
        w95.append({x, s->waitP95 ? double(s->waitP95) : nan});
        r50.append({x, s->runP50 ? double(s->runP50) : nan});
        r95.append({x, s->runP95 ? double(s->runP95) : nan});
        for (const LaneUtilisation &l : s->lanes)
            laneData[LaneNames::name(l.lane)].append({x, double(l.utilisation) * 100.0});
    }
    completed->data()->set(c, true);
    failed->data()->set(f, true);
    queued->data()->set(q, true);
    running->data()->set(r, true);
    waitP50->data()->set(w50, true);
    waitP95->data()->set(w95, true);
    runP50->data()->set(r50, true);
    runP95->data()->set(r95, true);
    int i = 0;
    for (auto &[name, data] : laneData) {
        QCPGraph *g = series(m_lanes, i, name, laneColor(i));
        g->data()->set(data, true);
        ++i;
    }
    while (m_lanes->graphCount() > i)
        m_lanes->removeGraph(m_lanes->graphCount() - 1);

    if (m_following)
        setRange();
    for (QCustomPlot *p : {m_throughput, m_depth, m_latency})
        p->yAxis->rescale();
    auto pad = [](QCustomPlot *p, double minTop) {
        QCPRange range = p->yAxis->range();
        p->yAxis->setRange(0, qMax(minTop, range.upper * 1.15));
    };
    pad(m_throughput, 1);
    pad(m_depth, 5);
    QCPRange lat = m_latency->yAxis->range();
    m_latency->yAxis->setRange(qMax(1.0, lat.lower * 0.8), qMax(100.0, lat.upper * 1.5));
    scheduleReplot();
}

void LiveCharts::setRange()
{
    double newest = 0;
    if (!m_live.isEmpty())
        newest = seconds(m_live.last().t) + 1;
    else if (!m_history.isEmpty())
        newest = seconds(m_history.last().t) + 1;
    else
        newest = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    m_settingRange = true;
    for (QCustomPlot *p : {m_throughput, m_depth, m_latency, m_lanes}) {
        p->xAxis->setRange(newest - m_windowSeconds, newest);
        auto ticker = p->xAxis->ticker().dynamicCast<QCPAxisTickerDateTime>();
        if (ticker)
            ticker->setDateTimeFormat(m_windowSeconds > 6 * 3600 ? u"HH:mm"_s : u"HH:mm:ss"_s);
    }
    m_settingRange = false;
}

void LiveCharts::scheduleReplot()
{
    if (m_replotPending)
        return;
    m_replotPending = true;
    // At most four redraws a second, whatever the sample rate.
    QTimer::singleShot(250, this, [this] {
        m_replotPending = false;
        for (QCustomPlot *p : {m_throughput, m_depth, m_latency, m_lanes})
            p->replot(QCustomPlot::rpQueuedReplot);
    });
}

} // namespace Yard::Ui
