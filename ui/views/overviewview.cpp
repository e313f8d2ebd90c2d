// SPDX-License-Identifier: GPL-3.0-or-later
#include "overviewview.h"

#include "charts/livecharts.h"
#include "operatoractions.h"
#include "theme.h"

#include "engine/enginestatus.h"
#include "store/storereader.h"

#include <QButtonGroup>
#include <QDateTime>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

OverviewView::OverviewView(const Console &console, QWidget *parent)
    : QWidget(parent)
    , m_console(console)
    , m_welcome(new QFrame)
    , m_charts(new LiveCharts)
    , m_windows(new QButtonGroup(this))
    , m_freeze(new QToolButton)
    , m_follow(new QPushButton(tr("Back to now")))
    , m_historyNote(new QLabel)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(8);

    // Welcome card (SPEC U14), shown while nothing has ever run.
    auto *welcome = static_cast<QFrame *>(m_welcome);
    welcome->setObjectName(u"welcomeCard"_s);
    welcome->setFrameShape(QFrame::StyledPanel);
    auto *wl = new QHBoxLayout(welcome);
    auto *wtext = new QLabel(tr("<b>Welcome to Yardmaster.</b> There are no sessions yet. Start the demo "
                                "workload to see simulated agents move through queues and lanes, or "
                                "send work to this scheduler from your agents."));
    wtext->setWordWrap(true);
    auto *demo = new QPushButton(tr("Start demo workload"));
    demo->setDefault(true);
    connect(demo, &QPushButton::clicked, this, &OverviewView::demoRequested);
    wl->addWidget(wtext, 1);
    wl->addWidget(demo);
    welcome->setVisible(false);
    layout->addWidget(welcome);

    auto *tiles = new QHBoxLayout;
    tiles->setSpacing(8);
    m_running = makeTile(tr("Running"), tr("Runs holding a lane slot now"));
    m_queued = makeTile(tr("Queued"), tr("Accepted runs waiting in session queues or for a lane slot"));
    m_done = makeTile(tr("Done / min"), tr("Runs completed in the last 60 seconds"));
    m_failed = makeTile(tr("Failed / min"), tr("Runs failed in the last 60 seconds"));
    m_attention = makeTile(tr("Needs attention"), tr("Tasks no session claimed after the whole starvation ladder, not yet acknowledged; see the Needs "
                              "attention tab (Ctrl+4)"));
    m_state = makeTile(tr("Scheduler"), tr("Running, paused or draining"));
    for (const Tile *t : {&m_running, &m_queued, &m_done, &m_failed, &m_attention, &m_state})
        tiles->addWidget(t->frame);
    layout->addLayout(tiles);

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Window:")));
    const QList<QPair<QString, int>> windows{{tr("1 min"), 60}, {tr("15 min"), 900},
                                             {tr("1 h"), 3600}, {tr("24 h"), 86400}};
    for (const auto &[label, secs] : windows) {
        auto *b = new QToolButton;
        b->setText(label);
        b->setCheckable(true);
        b->setAutoRaise(true);
        b->setAccessibleName(tr("Chart window %1").arg(label));
        m_windows->addButton(b, secs);
        bar->addWidget(b);
    }
    m_windows->button(60)->setChecked(true);
    connect(m_windows, &QButtonGroup::idClicked, this, &OverviewView::setWindow);
    bar->addSpacing(12);
    m_freeze->setText(tr("Freeze"));
    m_freeze->setCheckable(true);
    m_freeze->setToolTip(tr("Stop scrolling the charts (data keeps being collected)"));
    connect(m_freeze, &QToolButton::toggled, m_charts, &LiveCharts::setFrozen);
    bar->addWidget(m_freeze);
    m_follow->setVisible(false);
    m_follow->setToolTip(tr("You zoomed or dragged a chart; go back to following the newest data"));
    connect(m_follow, &QPushButton::clicked, m_charts, &LiveCharts::follow);
    connect(m_charts, &LiveCharts::followingChanged, m_follow, [this](bool f) { m_follow->setVisible(!f); });
    bar->addWidget(m_follow);
    bar->addStretch();
    m_historyNote->setForegroundRole(QPalette::PlaceholderText);
    bar->addWidget(m_historyNote);
    bar->addWidget(new QLabel(tr("Drag or scroll a chart to pan and zoom.")));
    layout->addLayout(bar);
    layout->addWidget(m_charts, 1);
    applyTheme();
}

OverviewView::Tile OverviewView::makeTile(const QString &title, const QString &tooltip)
{
    Tile t;
    t.frame = new QFrame;
    t.frame->setFrameShape(QFrame::StyledPanel);
    t.frame->setToolTip(tooltip);
    t.frame->setMinimumWidth(120);
    auto *l = new QVBoxLayout(t.frame);
    l->setContentsMargins(10, 6, 10, 6);
    l->setSpacing(0);
    auto *caption = new QLabel(title);
    caption->setForegroundRole(QPalette::PlaceholderText);
    t.value = new QLabel(u"—"_s);
    QFont f = t.value->font();
    f.setPointSizeF(f.pointSizeF() * 1.9);
    f.setBold(true);
    t.value->setFont(f);
    t.value->setAccessibleName(title);
    t.caption = caption;
    l->addWidget(caption);
    l->addWidget(t.value);
    return t;
}

void OverviewView::applyTheme()
{
    m_charts->applyTheme();
    m_welcome->setStyleSheet(u"#welcomeCard { background: %1; border-radius: 6px; }"_s.arg(
        Theme::color(Theme::Role::Running).name() + (Theme::isDark() ? u"33"_s : u"1f"_s)));
}

void OverviewView::setWindow(int seconds)
{
    if (auto *b = m_windows->button(seconds))
        b->setChecked(true);
    m_charts->setWindow(seconds);
    requestHistory();
}

void OverviewView::requestHistory()
{
    const int window = m_charts->window();
    if (window <= 60) {
        m_historyNote->clear();
        return;
    }
    if (!m_console.reader) {
        m_historyNote->setText(tr("History needs a database; showing what this session saw."));
        return;
    }
    const TimeMs now = QDateTime::currentMSecsSinceEpoch();
    const int resolution = window > 3600 ? 60'000 : 1000;
    m_historyNote->setText(tr("Loading history…"));
    m_historyRequest = m_console.reader->requestHistory(now - TimeMs(window) * 1000, now, resolution);
    connect(m_console.reader, &StoreReader::historyReady, this,
            [this](quint64 request, const StatsSeries &series) {
                if (request != m_historyRequest)
                    return;
                m_historyNote->setText(series.isEmpty() ? tr("No stored history for this window yet.")
                                                        : QString());
                m_charts->setHistory(series);
            },
            Qt::UniqueConnection);
}

void OverviewView::applySnapshot(const EngineSnapshot &s)
{
    m_welcome->setVisible(s.sessions == 0 && s.counters.accepted == 0);
    m_recent += s.newSamples;
    if (m_recent.size() > 60)
        m_recent.remove(0, m_recent.size() - 60);
    quint64 done = 0, failed = 0;
    for (const StatsSample &x : std::as_const(m_recent)) {
        done += x.completed;
        failed += x.failed;
    }
    m_running.value->setText(QString::number(s.running));
    m_queued.value->setText(QString::number(s.queued));
    m_done.value->setText(QString::number(done));
    m_failed.value->setText(QString::number(failed));
    m_attention.value->setText(QString::number(s.needsAttentionOpen));
    m_attention.value->setStyleSheet(
        s.needsAttentionOpen ? u"color: %1"_s.arg(Theme::color(Theme::Role::Warning).name()) : QString());
    QString state = tr("Running");
    QColor color = Theme::color(Theme::Role::Completed);
    if (s.draining) {
        state = s.running > 0 ? tr("Draining") : tr("Drained");
        color = Theme::color(Theme::Role::Paused);
    } else if (s.pause.paused) {
        state = tr("Paused");
        color = Theme::color(Theme::Role::Paused);
    }
    m_state.value->setText(state);
    m_state.value->setStyleSheet(u"color: %1"_s.arg(color.name()));
    m_failed.value->setStyleSheet(failed ? u"color: %1"_s.arg(Theme::color(Theme::Role::Failed).name()) : QString());
    m_charts->addSamples(s.newSamples);
}

} // namespace Yard::Ui
