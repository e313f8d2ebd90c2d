// SPDX-License-Identifier: GPL-3.0-or-later
// Console models (SPEC U3, U7, U9) under QAbstractItemModelTester.
#include "models/eventsmodel.h"
#include "models/lanesmodel.h"
#include "models/sessionsmodel.h"

#include "engine/enginestatus.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Yard;
using namespace Yard::Ui;
using namespace Qt::StringLiterals;

class tst_UiModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sessionsModelBatchesAndUpdatesInPlace();
    void lanesModelEditsAndUpdates();
    void eventsModelKeepsTheNewestAndFilters();
    void csvEscapes();
};

namespace {
SessionStatus status(SessionId id, const QString &key, int active, int queued)
{
    SessionStatus s;
    s.id = id;
    s.key = key;
    s.active = active;
    s.queued = queued;
    return s;
}
} // namespace

void tst_UiModels::sessionsModelBatchesAndUpdatesInPlace()
{
    SessionsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

    EngineSnapshot full;
    full.fullSessionList = true;
    full.changedSessions = {status(1, u"a"_s, 0, 0), status(2, u"b"_s, 1, 2)};
    model.applySnapshot(full);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(reset.size(), 1);

    EngineSnapshot delta;
    delta.changedSessions = {status(2, u"b"_s, 1, 5), status(3, u"c"_s, 0, 1), status(4, u"d"_s, 0, 0)};
    model.applySnapshot(delta);
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(inserted.size(), 1); // one batch for both new sessions
    QCOMPARE(changed.size(), 1);
    const QList<int> roles = changed.first().at(2).value<QList<int>>();
    QVERIFY(roles.contains(Qt::DisplayRole) && !roles.isEmpty());
    QCOMPARE(model.index(1, SessionsModel::Queued).data().toInt(), 5);
    QCOMPARE(model.session(3)->key, u"c"_s);

    EngineSnapshot removal;
    removal.removedSessions = {1};
    model.applySnapshot(removal);
    QCOMPARE(model.rowCount(), 3);
    QVERIFY(!model.session(1));
    QCOMPARE(model.session(4)->key, u"d"_s);
    QCOMPARE(reset.size(), 1); // never reset for deltas
}

void tst_UiModels::lanesModelEditsAndUpdates()
{
    LanesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    LaneStats main;
    main.name = u"main"_s;
    main.limit = 30;
    main.active = 15;
    model.applyLanes({main});
    QCOMPARE(model.index(0, LanesModel::Utilisation).data(LanesModel::UtilisationRole).toDouble(), 0.5);
    QVERIFY(model.flags(model.index(0, LanesModel::Limit)) & Qt::ItemIsEditable);
    QVERIFY(!(model.flags(model.index(0, LanesModel::Running)) & Qt::ItemIsEditable));
    QSignalSpy edited(&model, &LanesModel::limitEdited);
    QVERIFY(model.setData(model.index(0, LanesModel::Limit), 40, Qt::EditRole));
    QCOMPARE(edited.size(), 1);
    QCOMPARE(edited.first().at(1).toInt(), 40);
    QVERIFY(!model.setData(model.index(0, LanesModel::Limit), 0, Qt::EditRole)); // refused
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    main.active = 30;
    model.applyLanes({main});
    QCOMPARE(changed.size(), 1);
    QCOMPARE(model.index(0, LanesModel::Utilisation).data(LanesModel::UtilisationRole).toDouble(), 1.0);
}

void tst_UiModels::eventsModelKeepsTheNewestAndFilters()
{
    EventsModel model(100);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    EventsFilter filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester filterTester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    EventBatch batch;
    for (int i = 0; i < 150; ++i) {
        Event e;
        e.type = i % 10 == 0 ? EventType::RunFailed : i % 2 ? EventType::RunProgress : EventType::RunStarted;
        e.run = i;
        e.text = i == 149 ? u"the last one"_s : QString();
        batch.append(e);
    }
    model.appendEvents(batch.mid(0, 60));
    model.appendEvents(batch.mid(60));
    QCOMPARE(model.rowCount(), 100);
    QCOMPARE(model.eventAt(0).run, RunId(50)); // the oldest were dropped
    QCOMPARE(model.eventAt(99).run, RunId(149));
    QCOMPARE(filter.rowCount(), 50); // progress hidden by default
    filter.setShowProgress(true);
    QCOMPARE(filter.rowCount(), 100);
    filter.setCategory(int(EventsModel::Category::Problem));
    QCOMPARE(filter.rowCount(), 10);
    filter.setCategory(-1);
    filter.setText(u"last one"_s);
    QCOMPARE(filter.rowCount(), 1);
    AuditLog log{{1, 5, u"alice"_s, u"pause"_s, u"scheduler"_s, u"maintenance"_s, {}}};
    model.addAuditHistory(log); // at capacity: history only fills free room
    QCOMPARE(model.rowCount(), 100);
}

void tst_UiModels::csvEscapes()
{
    Event e;
    e.type = EventType::OperatorAction;
    e.time = 0;
    e.text = u"alice: cancel \"runs\", then, more\nline"_s;
    const QByteArray csv = EventsModel::toCsv({e}, {});
    QVERIFY(csv.startsWith("time,event,run,session,lane,code,detail\r\n"));
    QVERIFY2(csv.contains("\"alice: cancel \"\"runs\"\", then, more\nline\""), csv.constData());
}

QTEST_MAIN(tst_UiModels)
#include "tst_uimodels.moc"
