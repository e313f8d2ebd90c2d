// SPDX-License-Identifier: GPL-3.0-or-later
// Cycles (SPEC U8): the model of recent cycles under QAbstractItemModelTester, and the view
// against a real scheduler: run now, the live interval, the status bar's cycle fields (U10).
#include "tempdatabase.h"

#include "charts/cyclecharts.h"
#include "mainwindow.h"
#include "models/cyclesmodel.h"
#include "views/cyclesview.h"

#include "engine/scheduler.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QLabel>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableView>
#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Yard::Ui;
using namespace Qt::StringLiterals;

class tst_CyclesView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void modelListsNewestFirstAndSkipsWhatItHas();
    void modelKeepsTheNewestFiveHundred();
    void runNowAddsACycleToTableChartsAndStatusBar();
    void theIntervalIsLive();

private:
    std::unique_ptr<Scheduler> openScheduler(qint64 intervalMs);
    qint64 engineInterval(Scheduler *scheduler);
};

namespace {
CycleResult cycle(quint64 number, int wakes = 0, int attention = 0)
{
    CycleResult c;
    c.number = number;
    c.at = 1'700'000'000'000 + TimeMs(number) * 15'000;
    c.wakeAttempts = wakes;
    c.wakeSucceeded = wakes;
    c.needsAttention = attention;
    return c;
}
} // namespace

void tst_CyclesView::initTestCase()
{
    QCoreApplication::setOrganizationName(u"yardmaster-tests"_s);
    QCoreApplication::setApplicationName(u"tst_cyclesview"_s);
}

void tst_CyclesView::modelListsNewestFirstAndSkipsWhatItHas()
{
    CyclesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QCOMPARE(model.addCycles({cycle(1), cycle(2, 3), cycle(3, 1, 2)}).size(), 3);
    QCOMPARE(inserted.size(), 1); // one batch
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(0, CyclesModel::Number).data().toULongLong(), 3u);
    QCOMPARE(model.index(0, CyclesModel::NeedsAttention).data().toInt(), 2);
    QCOMPARE(model.index(1, CyclesModel::Wakes).data().toString(), u"3 / 3"_s);
    // A full snapshot repeats the history: only the new cycle is added.
    const QVector<CycleResult> fresh = model.addCycles({cycle(1), cycle(2), cycle(3), cycle(4)});
    QCOMPARE(fresh.size(), 1);
    QCOMPARE(fresh.first().number, 4u);
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.index(0, CyclesModel::Number).data().toULongLong(), 4u);
    // A paused cycle says so.
    CycleResult paused = cycle(5);
    paused.paused = true;
    model.addCycles({paused});
    QVERIFY(model.index(0, CyclesModel::Note).data().toString().contains(u"paused"_s));
}

void tst_CyclesView::modelKeepsTheNewestFiveHundred()
{
    CyclesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVector<CycleResult> many;
    for (quint64 n = 1; n <= 520; ++n)
        many.append(cycle(n));
    model.addCycles(many);
    QCOMPARE(model.rowCount(), CyclesModel::kKeep);
    QCOMPARE(model.index(0, CyclesModel::Number).data().toULongLong(), 520u);
    QCOMPARE(model.index(CyclesModel::kKeep - 1, CyclesModel::Number).data().toULongLong(), 21u);
}

std::unique_ptr<Scheduler> tst_CyclesView::openScheduler(qint64 intervalMs)
{
    SchedulerOptions options;
    options.snapshotIntervalMs = 50;
    options.engine.cycle.intervalMs = intervalMs;
    return Scheduler::open(options).value();
}

qint64 tst_CyclesView::engineInterval(Scheduler *scheduler)
{
    qint64 interval = -1;
    scheduler->call(this, [](Engine &e) { return e.cycleInterval(); }, [&](qint64 ms) { interval = ms; });
    if (!QTest::qWaitFor([&] { return interval >= 0; }, 5000))
        return -1;
    return interval;
}

void tst_CyclesView::runNowAddsACycleToTableChartsAndStatusBar()
{
    auto scheduler = openScheduler(0);
    MainWindow window(scheduler.get(), nullptr, u"tester"_s);
    window.show();
    window.showView(u"cycles"_s);
    CyclesView *view = window.cyclesView();
    QCOMPARE(view->model()->rowCount(), 0);
    view->runNowAction()->trigger();
    QTRY_COMPARE(view->model()->rowCount(), 1);
    QCOMPARE(view->charts()->plottedCycles(), 1);
    view->runNowAction()->trigger();
    QTRY_COMPARE(view->model()->rowCount(), 2);
    QCOMPARE(view->model()->index(0, CyclesModel::Number).data().toULongLong(), 2u);
    QCOMPARE(view->charts()->plottedCycles(), 2);
    // The status bar reads the count and the last cycle's age.
    const auto statusSays = [&window](const QString &prefix) {
        for (QLabel *l : window.statusBar()->findChildren<QLabel *>()) {
            if (l->text().startsWith(prefix))
                return true;
        }
        return false;
    };
    QTRY_VERIFY(statusSays(u"Cycles: 2 · last: "_s));
    // A second window opened later gets the history from its first (full) snapshot.
    MainWindow late(scheduler.get(), nullptr, u"tester"_s);
    QTRY_COMPARE(late.cyclesView()->model()->rowCount(), 2);
    scheduler->shutdown(1000);
}

void tst_CyclesView::theIntervalIsLive()
{
    auto scheduler = openScheduler(15'000);
    MainWindow window(scheduler.get(), nullptr, u"tester"_s);
    window.show();
    window.showView(u"cycles"_s);
    QSpinBox *box = window.cyclesView()->intervalBox();
    QTRY_COMPARE(box->value(), 15); // what the engine runs with
    box->setValue(7);
    QTRY_COMPARE(engineInterval(scheduler.get()), 7000);
    box->setValue(0);
    QTRY_COMPARE(engineInterval(scheduler.get()), 0);
    QCOMPARE(box->text(), u"on demand"_s);
    // Changed elsewhere (the API, another console): the box follows.
    scheduler->post([](Engine &e) { e.setCycleInterval(30'000); });
    QTRY_COMPARE(box->value(), 30);
    scheduler->shutdown(1000);
}

QTEST_MAIN(tst_CyclesView)
#include "tst_cyclesview.moc"
