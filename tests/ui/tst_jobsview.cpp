// SPDX-License-Identifier: GPL-3.0-or-later
// Jobs (SPEC U6): the model under QAbstractItemModelTester, the dialog's live cron check and its
// DST-crossing preview, and the view against a real scheduler: create, run now, disable, delete.
#include "uitesthelpers.h"

#include "mainwindow.h"
#include "models/jobsmodel.h"
#include "operatoractions.h"
#include "views/jobsview.h"
#include "widgets/jobdialog.h"

#include "engine/scheduler.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Yard::Ui;
using namespace Qt::StringLiterals;

class tst_JobsView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void modelShowsScheduleNextAndRecent();
    void dialogChecksCronAsTyped();
    void dialogPreviewCrossesDst();
    void viewCreatesRunsDisablesAndDeletes();
};

namespace {
Job job(JobId id, const QString &name, const QString &cron, TimeMs next)
{
    Job j;
    j.id = id;
    j.spec.name = name;
    j.spec.schedule = Schedule::fromJson({{u"cron"_s, cron}, {u"tz"_s, u"UTC"_s}}).value();
    j.nextFireAt = next;
    return j;
}
} // namespace

void tst_JobsView::initTestCase()
{
    QCoreApplication::setOrganizationName(u"yardmaster-tests"_s);
    QCoreApplication::setApplicationName(u"tst_jobsview"_s);
}

void tst_JobsView::modelShowsScheduleNextAndRecent()
{
    JobsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const TimeMs now = 1'767'225'600'000; // 2026-01-01T00:00Z
    model.setJobs({job(1, u"a"_s, u"30 2 * * *"_s, now + 9'000'000), job(2, u"b"_s, u"*/5 * * * *"_s, now + 300'000)});
    model.setNow(now);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, JobsModel::Schedule).data().toString(), u"30 2 * * * · at 02:30 every day, UTC"_s);
    QCOMPARE(model.index(1, JobsModel::Next).data().toString(), u"00:05:00 UTC · in 5 min 0 s"_s);
    QVERIFY(model.index(1, JobsModel::Next).data(Qt::ToolTipRole).toString().contains(u"UTC"_s));
    // Outcomes of a job's runs feed its sparkline, in order.
    Event fired;
    fired.type = EventType::JobFired;
    fired.run = 77;
    fired.value = 2;
    Event done;
    done.type = EventType::RunCompleted;
    done.run = 77;
    model.applyEvents({fired, done});
    Event fired2 = fired;
    fired2.run = 78;
    Event failed;
    failed.type = EventType::RunFailed;
    failed.run = 78;
    model.applyEvents({fired2, failed});
    QCOMPARE(model.index(1, JobsModel::Recent).data(JobsModel::RecentRole).value<QList<int>>(),
             (QList<int>{int(RunState::Completed), int(RunState::Failed)}));
    // The same jobs again update in place; one more resets.
    model.setJobs({job(1, u"a"_s, u"30 2 * * *"_s, now), job(2, u"b2"_s, u"*/5 * * * *"_s, now)});
    QCOMPARE(model.index(1, JobsModel::Name).data().toString(), u"b2"_s);
}

void tst_JobsView::dialogChecksCronAsTyped()
{
    JobDialog dialog({});
    dialog.findChildren<QLineEdit *>().first()->setText(u"Backup"_s); // the name field comes first
    QLineEdit *cron = dialog.cronEdit();
    cron->setText(u"0 0 32 * *"_s);
    QVERIFY(!dialog.isValid());
    QCOMPARE(dialog.problem(), u"field day-of-month: \"32\" is out of range 1-31"_s);
    auto *save = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save);
    QVERIFY(!save->isEnabled());
    cron->setText(u"0 0 30 2 *"_s);
    QVERIFY(dialog.problem().contains(u"never fires"_s));
    cron->setText(u"0 0 1 * *"_s);
    QVERIFY2(dialog.isValid(), qPrintable(dialog.problem()));
    QVERIFY(save->isEnabled());
    QCOMPARE(dialog.spec().schedule.cron, u"0 0 1 * *"_s);
    dialog.zoneBox()->setCurrentText(u"Mars/Olympus"_s);
    QVERIFY(dialog.problem().contains(u"unknown time zone"_s));
}

void tst_JobsView::dialogPreviewCrossesDst()
{
    JobDialog dialog({});
    JobSpec s;
    s.name = u"nightly"_s;
    s.schedule = Schedule::fromJson({{u"cron"_s, u"30 2 * * *"_s}, {u"tz"_s, u"Europe/Berlin"_s}}).value();
    dialog.setSpec(s);
    dialog.setPreviewFrom(QDateTime::fromString(u"2026-03-27T12:00:00Z"_s, Qt::ISODate).toMSecsSinceEpoch());
    QCOMPARE(dialog.preview(), (QStringList{u"2026-03-28 02:30:00 CET"_s, u"2026-03-29 03:00:00 CEST"_s,
                                            u"2026-03-30 02:30:00 CEST"_s, u"2026-03-31 02:30:00 CEST"_s,
                                            u"2026-04-01 02:30:00 CEST"_s}));
    QCOMPARE(dialog.spec().schedule.timeZone, u"Europe/Berlin"_s);
}

void tst_JobsView::viewCreatesRunsDisablesAndDeletes()
{
    SchedulerOptions options;
    options.snapshotIntervalMs = 50;
    options.eventIntervalMs = 20;
    auto scheduler = Scheduler::open(options).value();
    MainWindow window(scheduler.get(), nullptr, u"tester"_s);
    window.show();
    window.showView(u"jobs"_s);
    JobsView *view = window.jobsView();
    JobSpec s;
    s.name = u"hourly report"_s;
    s.type = u"noop"_s;
    s.schedule = Schedule::fromJson({{u"cron"_s, u"0 * * * *"_s}}).value();
    window.actions()->createJob(s);
    QTRY_COMPARE(view->model()->rowCount(), 1);
    QTRY_VERIFY(view->currentJob()); // the new job is selected
    QCOMPARE(view->currentJob()->spec.name, u"hourly report"_s);
    view->runNow();
    QTRY_COMPARE(view->currentJob()->fires, 1u);
    QTRY_COMPARE(view->currentJob()->completed, 1u);
    QTRY_COMPARE(view->model()->index(0, JobsModel::Recent).data(JobsModel::RecentRole).value<QList<int>>().size(), 1);
    view->toggleEnabled();
    QTRY_VERIFY(!view->currentJob()->spec.enabled);
    QCOMPARE(view->model()->index(0, JobsModel::Next).data().toString(), u"— (disabled)"_s);
    confirmNextDialog(u"not needed any more"_s);
    view->deleteJob();
    QTRY_COMPARE(view->model()->rowCount(), 0);
    scheduler->shutdown(1000);
}

QTEST_MAIN(tst_JobsView)
#include "tst_jobsview.moc"
