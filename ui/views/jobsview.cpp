// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobsview.h"

#include "format.h"
#include "models/jobsmodel.h"
#include "models/runsmodel.h"
#include "operatoractions.h"
#include "theme.h"
#include "widgets/confirmdialog.h"
#include "widgets/jobdialog.h"
#include "widgets/listtable.h"
#include "widgets/sparklinedelegate.h"

#include "engine/enginestatus.h"
#include "jobs/cronexpression.h"
#include "store/storereader.h"

#include <QAction>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QToolBar>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

JobsView::JobsView(const Console &console, QWidget *parent)
    : QWidget(parent)
    , m_console(console)
    , m_model(new JobsModel(this))
    , m_runs(new RunsModel(console.reader, this))
    , m_table(new QTableView)
    , m_runTable(new QTableView)
    , m_detail(new QTextBrowser)
    , m_empty(new QLabel)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto *toolbar = new QToolBar;
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto add = [&](const QString &text, const QKeySequence &key, const QString &tip, auto fn) {
        QAction *a = toolbar->addAction(text, this, fn);
        a->setShortcut(key);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        a->setToolTip(u"%1 (%2)"_s.arg(tip, key.toString(QKeySequence::NativeText)));
        addAction(a);
        return a;
    };
    m_new = add(tr("New job…"), QKeySequence::New, tr("Define a job: cron, interval, once, immediate or after another job"),
                [this] { newJob(); });
    m_edit = add(tr("Edit…"), QKeySequence(u"Ctrl+E"_s), tr("Change the selected job"), [this] { editJob(); });
    m_enable = add(tr("Disable"), QKeySequence(u"Ctrl+Shift+E"_s),
                   tr("A disabled job keeps its definition and history and does not fire"), [this] { toggleEnabled(); });
    m_runNow = add(tr("Run now"), QKeySequence(u"Ctrl+Return"_s), tr("Fire the selected job now, whatever its schedule"),
                   [this] { runNow(); });
    m_delete = add(tr("Delete…"), QKeySequence::Delete, tr("Delete the selected job; its runs stay in the history"),
                   [this] { deleteJob(); });
    layout->addWidget(toolbar);

    m_table->setModel(m_model);
    setUpListTable(m_table, QAbstractItemView::SingleSelection, tr("Jobs"));
    m_table->setItemDelegateForColumn(JobsModel::Recent, new SparklineDelegate(JobsModel::RecentRole, m_table));
    m_table->horizontalHeader()->setSectionResizeMode(JobsModel::Name, QHeaderView::Stretch);
    for (auto [col, w] : {std::pair{JobsModel::Schedule, 300}, {JobsModel::Next, 200}, {JobsModel::Last, 170},
                          {JobsModel::Recent, 150}, {JobsModel::Counts, 100}, {JobsModel::Type, 90},
                          {JobsModel::Enabled, 80}})
        m_table->setColumnWidth(col, w);
    connect(m_table, &QTableView::doubleClicked, this, [this] { editJob(); });

    m_detail->setAccessibleName(tr("Selected job"));
    m_detail->setPlaceholderText(tr("Select a job to see its definition, status and runs."));
    m_runTable->setModel(m_runs);
    setUpListTable(m_runTable, QAbstractItemView::SingleSelection, tr("Runs of the selected job"));
    m_runTable->horizontalHeader()->setStretchLastSection(true);
    for (auto [col, w] : {std::pair{RunsModel::Id, 70}, {RunsModel::State, 90}, {RunsModel::Progress, 120},
                          {RunsModel::Attempt, 40}, {RunsModel::Queued, 75}, {RunsModel::Duration, 90}})
        m_runTable->setColumnWidth(col, w);
    for (int c : {int(RunsModel::Session), int(RunsModel::Lane), int(RunsModel::Priority), int(RunsModel::Handler)})
        m_runTable->hideColumn(c);
    connect(m_runTable, &QTableView::doubleClicked, this, [this](const QModelIndex &i) {
        if (const RunId id = m_runs->runAt(i.row()))
            Q_EMIT runActivated(id);
    });
    auto *lower = new QSplitter(Qt::Horizontal);
    lower->addWidget(m_detail);
    lower->addWidget(m_runTable);
    lower->setStretchFactor(0, 2);
    lower->setStretchFactor(1, 3);
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_table);
    split->addWidget(lower);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);
    layout->addWidget(split, 1);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->setText(tr("No jobs yet. A job fires runs on a schedule: cron (\"30 2 * * *\", in a time zone), an "
                        "interval, once, immediately, or after another job succeeds — with retries and a timeout. "
                        "New job… (Ctrl+N) defines one."));
    layout->addWidget(m_empty);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        updateActions();
        showDetail();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        if (m_pendingSelect)
            selectJob(m_pendingSelect);
        updateActions();
    });
    connect(m_console.actions, &OperatorActions::jobSaved, this, [this](JobId id) {
        m_pendingSelect = id;
        selectJob(id);
    });
    updateActions();
}

const Job *JobsView::currentJob() const
{
    return m_model->jobAt(m_table->currentIndex().row());
}

void JobsView::selectJob(JobId id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        return;
    m_pendingSelect = 0;
    m_table->selectRow(row);
    m_table->setCurrentIndex(m_model->index(row, 0));
}

void JobsView::applySnapshot(const EngineSnapshot &s)
{
    if (s.jobsChanged) {
        const JobId current = currentJob() ? currentJob()->id : 0;
        m_model->setJobs(s.jobs);
        if (current && (!currentJob() || currentJob()->id != current))
            selectJob(current);
        m_empty->setVisible(s.jobs.isEmpty());
        if (!m_recentLoaded && !s.jobs.isEmpty())
            loadRecent();
        showDetail();
        updateActions();
    }
    m_model->setNow(s.time);
}

void JobsView::applyEvents(const EventBatch &events)
{
    m_model->applyEvents(events);
    m_runs->applyEvents(events);
}

void JobsView::loadRecent()
{
    // Recent runs of each job from the database, for the sparklines after a restart.
    m_recentLoaded = true;
    if (!m_console.reader)
        return;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const JobId id = m_model->jobAt(row)->id;
        RunFilter f;
        f.job = id;
        const quint64 request = m_console.reader->requestRuns(f, 0, JobsModel::kRecent);
        connect(m_console.reader, &StoreReader::runsReady, this,
                [this, request, id](const RunPage &page) {
                    if (page.request != request)
                        return;
                    QVector<RunState> states;
                    for (auto it = page.rows.crbegin(); it != page.rows.crend(); ++it) {
                        if (isTerminal(it->state) || it->state == RunState::NeedsAttention)
                            states << it->state;
                    }
                    m_model->setRecent(id, states);
                },
                Qt::SingleShotConnection);
    }
}

void JobsView::updateActions()
{
    const Job *j = currentJob();
    for (QAction *a : {m_edit, m_enable, m_runNow, m_delete})
        a->setEnabled(j);
    m_enable->setText(j && !j->spec.enabled ? tr("Enable") : tr("Disable"));
}

void JobsView::showDetail()
{
    const Job *j = currentJob();
    if (!j) {
        m_detail->clear();
        return;
    }
    auto esc = [](const QString &s) { return s.toHtmlEscaped(); };
    const Schedule &s = j->spec.schedule;
    QString reading = s.summary();
    if (s.kind == Schedule::Kind::Cron) {
        Expected<CronExpression> c = CronExpression::parse(s.cron, s.timeZone);
        if (c)
            reading = c->describe();
    }
    QString html = u"<p><b>%1</b> · #%2 · %3</p>"_s.arg(esc(j->spec.name)).arg(j->id).arg(j->spec.enabled ? tr("enabled") : tr("disabled"));
    html += s.kind == Schedule::Kind::Cron ? u"<p>%1 <code>%2</code><br>%3</p>"_s.arg(tr("Schedule"), esc(s.cron), esc(reading))
                                           : u"<p>%1 %2</p>"_s.arg(tr("Schedule"), esc(reading));
    html += u"<p>%1 <b>%2</b> · %3 %4 · %5 %6</p>"_s.arg(tr("Type"), esc(j->spec.type), tr("lane"), esc(j->spec.lane), tr("priority"),
                                                      priorityName(j->spec.priority));
    html += u"<p>%1: %2 attempts, %3 from %4 ms, up to %5 ms · %6: %7 · %8: %9</p>"_s
                .arg(tr("Retries"))
                .arg(j->spec.retry.maxAttempts)
                .arg(j->spec.retry.exponential ? tr("exponential") : tr("fixed"))
                .arg(j->spec.retry.initialMs)
                .arg(j->spec.retry.maxMs)
                .arg(tr("timeout"), j->spec.timeoutMs > 0 ? Format::duration(j->spec.timeoutMs) : tr("none"))
                .arg(tr("missed fires"), j->spec.misfire == Misfire::Skip ? tr("skipped") : tr("caught up once"));
    html += u"<p>%1: %2 · %3: %4</p>"_s.arg(tr("Next"), j->nextFireAt > 0 ? esc(JobsModel::when(j->nextFireAt, *j)) : tr("—"),
                                           tr("last fired"), j->lastFireAt > 0 ? esc(JobsModel::when(j->lastFireAt, *j)) : tr("never"));
    html += u"<p>%1 fires · %2 completed · %3 failed</p>"_s.arg(j->fires).arg(j->completed).arg(j->failed);
    if (!j->lastError.isEmpty())
        html += u"<p style='color:%1'><b>%2</b> %3</p>"_s.arg(Theme::color(Theme::Role::Failed).name(), tr("Last error:"), esc(j->lastError));
    if (!j->spec.payloadJson.isEmpty())
        html += u"<p>%1</p><pre>%2</pre>"_s.arg(tr("Payload"), esc(QString::fromUtf8(QJsonDocument::fromJson(j->spec.payloadJson).toJson(QJsonDocument::Indented))));
    m_detail->setHtml(html);
    RunFilter f;
    f.job = j->id;
    if (!(f == m_runs->filter()))
        m_runs->setFilter(f);
}

void JobsView::newJob()
{
    if (m_console.actions->refusedReadOnly())
        return;
    QVector<Job> others;
    for (int r = 0; r < m_model->rowCount(); ++r)
        others << *m_model->jobAt(r);
    JobDialog dialog(others, this);
    dialog.setWindowTitle(tr("New job"));
    if (dialog.exec() == QDialog::Accepted && dialog.isValid())
        m_console.actions->createJob(dialog.spec());
}

void JobsView::editJob()
{
    if (m_console.actions->refusedReadOnly())
        return;
    const Job *j = currentJob();
    if (!j)
        return;
    QVector<Job> others;
    for (int r = 0; r < m_model->rowCount(); ++r) {
        if (m_model->jobAt(r)->id != j->id)
            others << *m_model->jobAt(r);
    }
    const JobId id = j->id;
    JobDialog dialog(others, this);
    dialog.setWindowTitle(tr("Edit job #%1").arg(id));
    dialog.setSpec(j->spec);
    if (dialog.exec() == QDialog::Accepted && dialog.isValid())
        m_console.actions->updateJob(id, dialog.spec());
}

void JobsView::toggleEnabled()
{
    if (const Job *j = currentJob())
        m_console.actions->setJobEnabled(j->id, j->spec.name, !j->spec.enabled);
}

void JobsView::runNow()
{
    if (const Job *j = currentJob())
        m_console.actions->runJobNow(j->id, j->spec.name);
}

void JobsView::deleteJob()
{
    if (m_console.actions->refusedReadOnly())
        return;
    const Job *j = currentJob();
    if (!j)
        return;
    const JobId id = j->id;
    const QString name = j->spec.name;
    QString reason;
    if (ConfirmDialog::ask(this, tr("Delete job"),
                           tr("Delete job \"%1\" (#%2)? It will not fire again; its runs waiting for a retry are "
                              "cancelled. Its past runs stay in the history.")
                               .arg(name)
                               .arg(id),
                           tr("Delete job"), &reason))
        m_console.actions->deleteJob(id, name, reason);
}

} // namespace Yard::Ui
