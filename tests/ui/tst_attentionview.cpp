// SPDX-License-Identifier: GPL-3.0-or-later
// Needs attention (SPEC U5, D8) against a real scheduler (offscreen): what the ladder marked is
// listed with its badge; filters; bulk actions on everything the filter matches, confirmed with
// the exact count; acknowledge with a note; the in-memory path.
#include "tempdatabase.h"

#include "mainwindow.h"
#include "models/attentionmodel.h"
#include "views/attentionview.h"
#include "views/emptystateview.h"
#include "widgets/confirmdialog.h"

#include "engine/scheduler.h"
#include "store/storereader.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTest>
#include <QTimer>

using namespace Yard;
using namespace Yard::Test;
using namespace Yard::Ui;
using namespace Qt::StringLiterals;

class tst_AttentionView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void nothingMarkedShowsTheEmptyState();
    void listsWhatTheLadderMarkedWithTheBadge();
    void theWindowTitleCarriesTheBadgeWhileUnfocused();
    void bulkRequeueActsOnExactlyWhatTheFilterMatches();
    void acknowledgeKeepsTheRunAndClearsTheBadge();
    void worksWhenTheSchedulerKeepsNothing();

private:
    void open(bool inMemory);
    RunId submitTask(const QStringList &caps, const QString &workspace = {});
    /// Runs cycles on the engine until the ladder marks every unclaimable task.
    void climbTheLadder();
    AttentionView *view() const { return m_window->attentionView(); }
    AttentionModel *model() const { return view()->model(); }
    QLineEdit *field(const QString &accessibleName) const
    {
        for (QLineEdit *e : view()->findChildren<QLineEdit *>()) {
            if (e->accessibleName() == accessibleName)
                return e;
        }
        return nullptr;
    }
    QDockWidget *attentionDock() const { return m_window->findChild<QDockWidget *>(u"attention"_s); }

    std::unique_ptr<TempDatabase> m_dir;
    std::unique_ptr<Scheduler> m_scheduler;
    std::unique_ptr<StoreReader> m_reader;
    std::unique_ptr<MainWindow> m_window;
};

void tst_AttentionView::initTestCase()
{
    QCoreApplication::setOrganizationName(u"yardmaster-tests"_s);
    QCoreApplication::setApplicationName(u"tst_attentionview"_s);
}

void tst_AttentionView::open(bool inMemory)
{
    m_dir = std::make_unique<TempDatabase>();
    SchedulerOptions options;
    options.databasePath = inMemory ? QString() : m_dir->path();
    options.snapshotIntervalMs = 50;
    options.eventIntervalMs = 20;
    options.engine.cycle.intervalMs = 0; // cycles only when the test runs them
    options.engine.cycle.thresholds.minQueuedAgeMs = 1;
    m_scheduler = Scheduler::open(options).value();
    if (!inMemory)
        m_reader = std::make_unique<StoreReader>(m_dir->path());
    m_window = std::make_unique<MainWindow>(m_scheduler.get(), m_reader.get(), u"tester"_s);
    m_window->show();
    m_window->showView(u"attention"_s);
}

void tst_AttentionView::cleanup()
{
    m_window.reset();
    m_reader.reset();
    if (m_scheduler)
        m_scheduler->shutdown(1000);
    m_scheduler.reset();
    m_dir.reset();
}

RunId tst_AttentionView::submitTask(const QStringList &caps, const QString &workspace)
{
    RunId id = 0;
    bool done = false;
    m_scheduler->call(
        this,
        [caps, workspace](Engine &e) {
            TaskSubmission sub;
            sub.handler = u"noop"_s;
            sub.input = u"needs %1"_s.arg(caps.join(u"+"_s));
            sub.needs.capabilities = caps;
            sub.needs.workspace = workspace;
            Expected<RunId> r = e.submitTask(sub);
            return r ? r.value() : RunId(0);
        },
        [&](RunId r) {
            id = r;
            done = true;
        });
    if (!QTest::qWaitFor([&] { return done; }, 5000) || id == 0)
        qFatal("submitTask failed");
    return id;
}

void tst_AttentionView::climbTheLadder()
{
    QTest::qWait(5); // past the minimum queued age
    bool done = false;
    m_scheduler->call(
        this,
        [](Engine &e) {
            for (int i = 0; i < 10; ++i)
                e.runCycleNow();
            return e.needsAttentionOpen();
        },
        [&](int) { done = true; });
    QTRY_VERIFY(done);
}

void tst_AttentionView::nothingMarkedShowsTheEmptyState()
{
    open(false);
    auto *empty = view()->findChild<EmptyStateView *>();
    QVERIFY(empty);
    QTRY_VERIFY(empty->isVisible());
    QVERIFY(!view()->table()->isVisible());
    QCOMPARE(attentionDock()->windowTitle(), u"Needs attention"_s);
}

void tst_AttentionView::listsWhatTheLadderMarkedWithTheBadge()
{
    open(false);
    QAbstractItemModelTester tester(model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    const RunId lab = submitTask({u"fpga"_s}, u"lab"_s);
    submitTask({u"fpga"_s});
    submitTask({u"gpu"_s});
    climbTheLadder();
    QTRY_COMPARE_WITH_TIMEOUT(model()->total(), 3, 20000); // read back once durable; a loaded disk is slow
    QTRY_COMPARE(attentionDock()->windowTitle(), u"Needs attention (3)"_s);
    QVERIFY(view()->table()->isVisible());
    QCOMPARE(model()->rowCount(), 3);
    const int row = model()->rowOf(lab);
    QVERIFY(row >= 0);
    QCOMPARE(model()->index(row, AttentionModel::Workspace).data().toString(), u"lab"_s);
    QCOMPARE(model()->index(row, AttentionModel::Capabilities).data().toString(), u"fpga"_s);
    QCOMPARE(model()->index(row, AttentionModel::Wakes).data().toInt(), 10);
    QVERIFY(model()->index(row, AttentionModel::Diagnostic).data().toString().contains(u"escalation cycles"_s));
    QVERIFY(model()->index(row, AttentionModel::Tier).data().toString().contains(u"no template"_s));
    // Search by workspace.
    QLineEdit *workspace = field(u"Workspace filter"_s);
    QVERIFY(workspace);
    QTest::keyClicks(workspace, u"lab"_s);
    QTRY_COMPARE(model()->total(), 1);
    QCOMPARE(model()->rowCount(), 1);
    QCOMPARE(model()->index(0, 0).data(AttentionModel::RunIdRole).toLongLong(), lab);
}

void tst_AttentionView::theWindowTitleCarriesTheBadgeWhileUnfocused()
{
    open(false);
    submitTask({u"fpga"_s});
    submitTask({u"fpga"_s});
    climbTheLadder();
    QTRY_COMPARE(m_window->attentionBadge(), 2);
    QWidget other;
    other.show();
    other.activateWindow();
    QTRY_VERIFY(!m_window->isActiveWindow());
    QTRY_COMPARE(m_window->windowTitle(), u"(2) Yardmaster"_s);
    m_window->activateWindow();
    QTRY_VERIFY(m_window->isActiveWindow());
    QTRY_COMPARE(m_window->windowTitle(), u"Yardmaster"_s);
}

void tst_AttentionView::bulkRequeueActsOnExactlyWhatTheFilterMatches()
{
    open(false);
    for (int i = 0; i < 3; ++i)
        submitTask({u"gpu"_s});
    for (int i = 0; i < 2; ++i)
        submitTask({u"fpga"_s});
    climbTheLadder();
    QTRY_COMPARE_WITH_TIMEOUT(model()->total(), 5, 20000); // read back once durable; a loaded disk is slow
    QLineEdit *capability = field(u"Capability filter"_s);
    QVERIFY(capability);
    QTest::keyClicks(capability, u"gpu"_s);
    QTRY_COMPARE(model()->total(), 3);

    // The confirmation names the exact count; the operator gives a reason.
    QString asked;
    auto *answer = new QTimer(this);
    answer->setInterval(10);
    connect(answer, &QTimer::timeout, this, [&asked, answer] {
        auto *dialog = qobject_cast<ConfirmDialog *>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        for (QLabel *l : dialog->findChildren<QLabel *>())
            asked += l->text() + u'\n';
        dialog->setReason(u"GPU node is back"_s);
        dialog->actionButton()->click();
        answer->deleteLater();
    });
    answer->start();
    view()->resolve(AttentionAction::Requeue, true);
    QVERIFY2(asked.contains(u"all 3 runs matching the filter"_s), qPrintable(asked));
    QVERIFY2(asked.contains(u"capability gpu"_s), qPrintable(asked));
    QTRY_COMPARE(model()->total(), 0);
    capability->clear();
    QTRY_COMPARE(model()->total(), 2);
    QTRY_COMPARE(m_window->attentionBadge(), 2);
    int waiting = -1;
    m_scheduler->call(this, [](Engine &e) { return e.waitingTasks(); }, [&](int n) { waiting = n; });
    QTRY_COMPARE(waiting, 3);
}

void tst_AttentionView::acknowledgeKeepsTheRunAndClearsTheBadge()
{
    open(false);
    const RunId a = submitTask({u"fpga"_s});
    submitTask({u"fpga"_s});
    climbTheLadder();
    QTRY_COMPARE_WITH_TIMEOUT(model()->total(), 2, 20000); // read back once durable; a loaded disk is slow
    QTRY_COMPARE(m_window->attentionBadge(), 2);
    view()->table()->selectRow(model()->rowOf(a));
    QCOMPARE(view()->selectedRuns(), QVector<RunId>{a});
    view()->resolveWithNote(AttentionAction::Acknowledge, false, u"waiting for the FPGA board"_s);
    QTRY_COMPARE(m_window->attentionBadge(), 1);
    QTRY_COMPARE(model()->unacknowledged(), 1);
    QCOMPARE(model()->total(), 2); // acknowledged runs stay listed
    const int row = model()->rowOf(a);
    QVERIFY(model()->index(row, 0).data(AttentionModel::AcknowledgedRole).toBool());
    QVERIFY(model()->index(row, AttentionModel::Acknowledged).data().toString().contains(u"waiting for the FPGA board"_s));
    QTRY_COMPARE(attentionDock()->windowTitle(), u"Needs attention (1)"_s);
    // Hiding acknowledged runs leaves the other one.
    view()->findChild<QCheckBox *>()->setChecked(false);
    QTRY_COMPARE(model()->total(), 1);
    QVERIFY(model()->rowOf(a) < 0);
}

void tst_AttentionView::worksWhenTheSchedulerKeepsNothing()
{
    open(true);
    const RunId a = submitTask({u"fpga"_s});
    climbTheLadder();
    QTRY_COMPARE_WITH_TIMEOUT(model()->total(), 1, 20000); // read back once durable; a loaded disk is slow
    QCOMPARE(model()->index(0, 0).data(AttentionModel::RunIdRole).toLongLong(), a);
    view()->table()->selectRow(0);
    view()->resolveWithNote(AttentionAction::Cancel, false, u"no board"_s);
    QTRY_COMPARE(m_window->attentionBadge(), 0);
    QTRY_COMPARE(model()->total(), 0);
}

QTEST_MAIN(tst_AttentionView)
#include "tst_attentionview.moc"
