// SPDX-License-Identifier: GPL-3.0-or-later
#include "cyclesview.h"

#include "charts/cyclecharts.h"
#include "format.h"
#include "models/cyclesmodel.h"
#include "operatoractions.h"
#include "theme.h"
#include "widgets/listtable.h"

#include "engine/enginestatus.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QToolBar>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

namespace {

QString idList(const QVector<RunId> &ids, int of)
{
    if (ids.isEmpty())
        return {};
    QStringList parts;
    for (RunId id : ids)
        parts << u"<a href=\"run:%1\">#%1</a>"_s.arg(id);
    QString text = parts.join(u", "_s);
    if (of > ids.size())
        text += CyclesView::tr(" … and %1 more").arg(of - ids.size());
    return text;
}

} // namespace

CyclesView::CyclesView(const Console &console, QWidget *parent)
    : QWidget(parent)
    , m_console(console)
    , m_model(new CyclesModel(this))
    , m_charts(new CycleCharts)
    , m_table(new QTableView)
    , m_detail(new QTextBrowser)
    , m_summary(new QLabel)
    , m_errors(new QLabel)
    , m_interval(new QSpinBox)
    , m_follow(new QPushButton(tr("Follow newest")))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    auto *toolbar = new QToolBar;
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_runNow = toolbar->addAction(tr("Run cycle now"), this, [this] { m_console.actions->runCycleNow(); });
    m_runNow->setShortcut(QKeySequence(u"Ctrl+Shift+Y"_s));
    m_runNow->setToolTip(tr("Sweep expired leases, wake capable idle sessions and escalate starving tasks now "
                            "(Ctrl+Shift+Y); the next cycle follows one interval later"));
    toolbar->addSeparator();
    auto *intervalLabel = new QLabel(tr("&Interval:"));
    intervalLabel->setBuddy(m_interval);
    intervalLabel->setContentsMargins(6, 0, 4, 0);
    toolbar->addWidget(intervalLabel);
    m_interval->setRange(0, 3600);
    m_interval->setSuffix(tr(" s"));
    m_interval->setSpecialValueText(tr("on demand"));
    m_interval->setKeyboardTracking(false); // typing "30" must not set 3 s on the way
    m_interval->setAccessibleName(tr("Cycle interval in seconds"));
    m_interval->setToolTip(tr("Seconds between cycles; 0 runs them only on demand. Takes effect at once."));
    toolbar->addWidget(m_interval);
    connect(m_interval, &QSpinBox::valueChanged, this, &CyclesView::applyInterval);
    toolbar->addSeparator();
    m_follow->setFlat(true);
    m_follow->setEnabled(false);
    m_follow->setToolTip(tr("The charts stopped following when you dragged or zoomed them"));
    connect(m_follow, &QPushButton::clicked, m_charts, &CycleCharts::follow);
    connect(m_charts, &CycleCharts::followingChanged, m_follow, [this](bool following) {
        m_follow->setEnabled(!following);
    });
    toolbar->addWidget(m_follow);
    layout->addWidget(toolbar);

    m_summary->setWordWrap(true);
    m_summary->setAccessibleName(tr("Cycle totals"));
    layout->addWidget(m_summary);
    m_errors->setWordWrap(true);
    m_errors->setVisible(false);
    m_errors->setTextFormat(Qt::PlainText);
    m_errors->setAccessibleName(tr("Last cycle errors"));
    layout->addWidget(m_errors);

    m_table->setModel(m_model);
    setUpListTable(m_table, QAbstractItemView::SingleSelection, tr("Recent cycles"));
    m_table->horizontalHeader()->setStretchLastSection(true);
    // Numbers are short: each column is as wide as its title, so the note stays in view.
    for (int c = 0; c < CyclesModel::Note; ++c) {
        const QString title = m_model->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString();
        const int minimum = c == CyclesModel::Time ? fontMetrics().horizontalAdvance(u"00:00:00"_s)
                            : c == CyclesModel::Took ? fontMetrics().horizontalAdvance(u"000.0 ms"_s)
                            : c == CyclesModel::Wakes ? fontMetrics().horizontalAdvance(u"000 / 000"_s)
                                                      : 0;
        m_table->setColumnWidth(c, qMax(minimum, fontMetrics().horizontalAdvance(title)) + 18);
    }
    m_detail->setAccessibleName(tr("Selected cycle"));
    m_detail->setOpenLinks(false);
    m_detail->setPlaceholderText(tr("Select a cycle to see which runs it selected, recovered and escalated."));

    auto *lower = new QSplitter(Qt::Horizontal);
    lower->addWidget(m_table);
    lower->addWidget(m_detail);
    lower->setStretchFactor(0, 3);
    lower->setStretchFactor(1, 1);
    lower->setChildrenCollapsible(false);
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_charts);
    split->addWidget(lower);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setChildrenCollapsible(false);
    layout->addWidget(split, 1);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &CyclesView::showDetail);
    connect(m_detail, &QTextBrowser::anchorClicked, this, [this](const QUrl &url) {
        if (url.scheme() == u"run")
            Q_EMIT runActivated(url.path().toLongLong());
    });
    m_summary->setText(tr("No cycle has run yet."));
}

void CyclesView::applyTheme()
{
    m_charts->applyTheme();
}

void CyclesView::applyInterval()
{
    const qint64 ms = qint64(m_interval->value()) * 1000;
    if (ms == m_engineInterval)
        return;
    m_engineInterval = ms; // until the engine says otherwise
    m_console.actions->setCycleInterval(ms);
}

void CyclesView::applySnapshot(const EngineSnapshot &s)
{
    const QVector<CycleResult> fresh = m_model->addCycles(s.newCycles);
    m_charts->addCycles(fresh);
    if (s.cycleIntervalMs != m_engineInterval && !m_interval->hasFocus()) {
        m_engineInterval = s.cycleIntervalMs;
        const QSignalBlocker block(m_interval);
        m_interval->setValue(int(s.cycleIntervalMs / 1000));
    }
    const CycleStats &st = s.cycleStats;
    QString next;
    if (s.nextCycleAt > 0)
        next = s.nextCycleAt > s.time ? tr("next in %1").arg(Format::duration(s.nextCycleAt - s.time)) : tr("next due now");
    else
        next = tr("no cycle scheduled (on demand only)");
    m_summary->setText(
        st.cycles == 0
            ? tr("No cycle has run yet; %1. %2 tasks wait for a claim, %3 are claimed or running.")
                  .arg(next)
                  .arg(s.waitingTasks)
                  .arg(s.claimedTasks)
            : tr("<b>%1</b> cycles since start, last %2, %3 · wakes: <b>%4</b> sent of %5, %6 failed · "
                 "<b>%7</b> leases recovered · %8 starved · %9 spawns · <b>%10</b> marked needs attention · "
                 "%11 tasks waiting, %12 claimed or running")
                  .arg(st.cycles)
                  .arg(Format::age(s.time, st.lastCycleAt), next)
                  .arg(st.wakeSucceeded)
                  .arg(st.wakeAttempts)
                  .arg(st.wakeFailed)
                  .arg(st.recoveredLeases)
                  .arg(st.starvedRuns)
                  .arg(st.spawnRequested)
                  .arg(st.needsAttention)
                  .arg(s.waitingTasks)
                  .arg(s.claimedTasks));
    QStringList errors;
    if (!st.lastWakeError.isEmpty())
        errors << tr("Last wake error: %1").arg(st.lastWakeError);
    if (!st.lastRecoveryError.isEmpty())
        errors << tr("Last lease recovery error: %1").arg(st.lastRecoveryError);
    m_errors->setVisible(!errors.isEmpty());
    if (!errors.isEmpty()) {
        m_errors->setText(errors.join(u"\n"_s));
        m_errors->setStyleSheet(u"color: %1"_s.arg(Theme::color(Theme::Role::Failed).name()));
    }
}

void CyclesView::showDetail()
{
    const CycleResult *c = m_model->cycleAt(m_table->currentIndex().row());
    if (!c) {
        m_detail->clear();
        return;
    }
    QString html = tr("<p><b>Cycle %1</b> at %2, took %3 µs</p>")
                       .arg(c->number)
                       .arg(Format::timestamp(c->at))
                       .arg(c->durationUs);
    if (c->paused)
        html += tr("<p>The scheduler was paused: leases were swept, nobody was woken.</p>");
    html += tr("<p>%1 tasks waiting, %2 claimed or running, %3 sessions considered.</p>")
                .arg(c->pendingRuns)
                .arg(c->activeRuns)
                .arg(c->sessionsScanned);
    auto section = [&](const QString &title, const QVector<RunId> &ids, int count) {
        if (count > 0)
            html += u"<p><b>%1 (%2)</b><br>%3</p>"_s.arg(title).arg(count).arg(idList(ids, count));
    };
    section(tr("Woken for"), c->selectedRunIds, int(c->selectedRunIds.size()));
    section(tr("No eligible session"), c->noMatchRunIds, c->noMatchRuns);
    section(tr("Leases recovered"), c->recoveredRunIds, c->recoveredLeases);
    section(tr("Starved"), c->starvedRunIds, c->starvedRuns);
    section(tr("Worker spawned for"), c->spawnRequestedRunIds, c->spawnRequested);
    section(tr("Marked needs attention"), c->needsAttentionRunIds, c->needsAttention);
    if (c->error.isError())
        html += u"<p style=\"color:%1\"><b>%2</b> %3</p>"_s.arg(Theme::color(Theme::Role::Failed).name(),
                                                                 tr("Errors (the pass went on):"),
                                                                 c->error.message.toHtmlEscaped());
    m_detail->setHtml(html);
}

} // namespace Yard::Ui
