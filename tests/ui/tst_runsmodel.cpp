// SPDX-License-Identifier: GPL-3.0-or-later
// RunsModel (SPEC U4): lazy pages from the database, live updates in place, no jumping rows.
#include "tempdatabase.h"
#include "testengine.h"

#include "models/runsmodel.h"

#include "store/sqlitestore.h"
#include "store/storereader.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Yard::Ui;
using namespace Qt::StringLiterals;

class tst_RunsModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pagesAsTheViewScrolls();
    void liveEventsUpdateLoadedRowsInPlace();
    void newRunsWaitUntilShown();
    void runningDurationCountsFromTheNewestEvent();
    void filterReloads();
};

namespace {
struct Fixture
{
    Fixture()
    {
        engine = std::make_unique<TestEngine>(TestEngine::defaultOptions(), SqliteStore::open(dir.path()).value());
        engine->engine->setLaneLimit(u"main"_s, 1000);
    }
    QVector<RunId> submit(int n, const QString &lane = {})
    {
        QVector<RunId> ids;
        for (int i = 0; i < n; ++i) {
            RunSubmission sub;
            sub.handler = u"noop"_s;
            sub.input = u"run %1"_s.arg(i);
            sub.lane = lane;
            ids << engine->engine->submitRun(sub).value();
        }
        engine->store->flush();
        return ids;
    }
    TempDatabase dir;
    std::unique_ptr<TestEngine> engine;
};

void waitIdle(RunsModel &model)
{
    QTRY_VERIFY(!model.isLoading());
}
} // namespace

void tst_RunsModel::pagesAsTheViewScrolls()
{
    Fixture f;
    const QVector<RunId> ids = f.submit(450);
    StoreReader reader(f.dir.path());
    RunsModel model(&reader);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.reload();
    waitIdle(model);
    QCOMPARE(model.rowCount(), RunsModel::kPageSize);
    QCOMPARE(model.runAt(0), ids.last()); // newest first
    QVERIFY(model.canFetchMore({}));
    model.fetchMore({});
    waitIdle(model);
    QCOMPARE(model.rowCount(), 2 * RunsModel::kPageSize);
    model.fetchMore({});
    waitIdle(model);
    QCOMPARE(model.rowCount(), 450);
    QVERIFY(!model.canFetchMore({}));
    QCOMPARE(model.runAt(449), ids.first());
}

void tst_RunsModel::liveEventsUpdateLoadedRowsInPlace()
{
    Fixture f;
    const QVector<RunId> ids = f.submit(5);
    StoreReader reader(f.dir.path());
    RunsModel model(&reader);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.reload();
    waitIdle(model);
    const int row = model.rowOf(ids[2]);
    QCOMPARE(model.stateAt(row), RunState::Running);
    model.setCancelling({ids[2]}, true);
    QCOMPARE(model.index(row, RunsModel::State).data().toString(), u"cancelling…"_s);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy moved(&model, &QAbstractItemModel::rowsInserted);
    Event e;
    e.type = EventType::RunCancelled;
    e.run = ids[2];
    e.code = ErrorCode::RunCancelled;
    e.text = u"by tester"_s;
    model.applyEvents({e});
    QCOMPARE(model.rowOf(ids[2]), row); // same place
    QCOMPARE(model.stateAt(row), RunState::Cancelled);
    QCOMPARE(model.index(row, RunsModel::State).data().toString(), u"cancelled"_s);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(moved.size(), 0);
}

void tst_RunsModel::runningDurationCountsFromTheNewestEvent()
{
    Fixture f;
    const QVector<RunId> ids = f.submit(3);
    StoreReader reader(f.dir.path());
    RunsModel model(&reader);
    model.reload();
    waitIdle(model);
    model.setNow(1'000'000);
    // A run (re)started after the last snapshot: its age comes from the events, not the snapshot.
    Event started;
    started.type = EventType::RunStarted;
    started.run = ids[1];
    started.time = 1'000'400;
    started.value = 2;
    model.applyEvents({started});
    const int row = model.rowOf(ids[1]);
    QCOMPARE(model.index(row, RunsModel::Duration).data().toString(), u"0 ms"_s);
    QCOMPARE(model.index(row, RunsModel::Attempt).data().toInt(), 2);
    Event later;
    later.type = EventType::RunStarted;
    later.run = ids[0];
    later.time = 1'000'650;
    model.applyEvents({later});
    QCOMPARE(model.index(row, RunsModel::Duration).data().toString(), u"250 ms"_s);
}

void tst_RunsModel::newRunsWaitUntilShown()
{
    Fixture f;
    f.submit(3);
    StoreReader reader(f.dir.path());
    RunsModel model(&reader);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.reload();
    waitIdle(model);
    const RunId top = model.runAt(0);
    const QVector<RunId> fresh = f.submit(4);
    EventBatch batch;
    for (RunId id : fresh) {
        Event e;
        e.type = EventType::RunQueued;
        e.run = id;
        batch.append(e);
    }
    QSignalSpy counted(&model, &RunsModel::newRunsChanged);
    model.applyEvents(batch);
    QCOMPARE(model.newRuns(), 4);
    QCOMPARE(model.runAt(0), top); // nothing moved
    QCOMPARE(model.rowCount(), 3);
    model.showNewRuns();
    QTRY_COMPARE(model.rowCount(), 7);
    QCOMPARE(model.runAt(0), fresh.last());
    QCOMPARE(model.newRuns(), 0);
}

void tst_RunsModel::filterReloads()
{
    Fixture f;
    f.submit(10, u"team"_s);
    f.submit(5, u"cron"_s);
    StoreReader reader(f.dir.path());
    RunsModel model(&reader);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    RunFilter filter;
    filter.lanes = {u"cron"_s};
    model.setFilter(filter);
    waitIdle(model);
    QCOMPARE(model.rowCount(), 5);
    filter.lanes = {u"team"_s};
    model.setFilter(filter);
    waitIdle(model);
    QCOMPARE(model.rowCount(), 10);
}

QTEST_MAIN(tst_RunsModel)
#include "tst_runsmodel.moc"
