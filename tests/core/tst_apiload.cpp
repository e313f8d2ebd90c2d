// SPDX-License-Identifier: GPL-3.0-or-later
// The local API under load (SPEC I2): 16 clients submit concurrently for 10 s, each keeping
// submits in flight. Every acknowledged run is on disk when acknowledged (the file is read
// after the fact: every acknowledged id is there, and nothing else), and ends exactly once (one
// terminal event per run on the event stream, none twice; an end is `completed`, or `dropped`
// when a session's queue overflows).
#include "tempdatabase.h"

#include "apiload.h"

#include "api/apiserver.h"
#include "engine/scheduler.h"
#include "exec/handlerregistry.h"
#include "exec/outcome.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace Yard;
using namespace Qt::StringLiterals;

class tst_ApiLoad : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sixteenClientsForTenSeconds();
};

void tst_ApiLoad::sixteenClientsForTenSeconds()
{
    Test::TempDatabase dir;
    SchedulerOptions options;
    options.databasePath = dir.path();
    options.engine.retention.completedKept = 100'000'000; // retention must not prune what is checked
    options.registerHandlers = [](HandlerRegistry &r) {
        r.add(u"noop"_s, [](RunContext &) { return Outcome::success(); });
    };
    auto opened = Scheduler::open(options);
    QVERIFY2(opened, qPrintable(opened.error().toString()));
    std::unique_ptr<Scheduler> scheduler = std::move(opened).value();
    auto started = ApiServer::start(scheduler.get(), dir.path(u"api.sock"_s), dir.path());
    QVERIFY2(started, qPrintable(started.error().toString()));
    std::unique_ptr<ApiServer> server = std::move(started).value();

    Bench::TerminalEventCounter ends(server->path());
    QTRY_VERIFY(ends.subscribed());
    Bench::ApiLoadOptions load;
    load.socketPath = server->path();
    load.clients = 16;
    load.seconds = qEnvironmentVariableIntValue("YARD_API_LOAD_SECONDS") > 0 ? qEnvironmentVariableIntValue("YARD_API_LOAD_SECONDS") : 10;
    load.window = 8;
    load.handler = u"noop"_s;
    const Bench::ApiLoadResult r = Bench::runApiLoad(load);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QVERIFY(r.acked > 1000);
    QCOMPARE(r.refused, 0);
    qInfo("%lld submits acknowledged in %.1f s (%.0f/s), p99 %.1f ms", r.acked, r.seconds, double(r.acked) / r.seconds,
          Bench::percentile(r.latenciesMs, 0.99));

    // Every acknowledged run ends; wait for the last terminal events, then for a late duplicate.
    QTRY_VERIFY_WITH_TIMEOUT(ends.total() >= r.acked, 120'000);
    QTest::qWait(300);
    const QHash<qint64, int> counts = ends.stop();
    server.reset();
    QVERIFY(!scheduler->shutdown(10'000).isError());
    scheduler.reset();

    QSet<qint64> acked;
    for (qint64 run : r.runs) {
        QVERIFY2(!acked.contains(run), "one run acknowledged twice");
        acked.insert(run);
        QCOMPARE(counts.value(run), 1);
    }
    QCOMPARE(qint64(counts.size()), r.acked); // and no terminal event for a run nobody submitted
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"check"_s);
        db.setDatabaseName(dir.path());
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(u"SELECT id, state, error_code, error FROM runs"_s));
        qint64 rows = 0;
        while (q.next()) {
            ++rows;
            QVERIFY2(acked.contains(q.value(0).toLongLong()), "a run on disk that was never acknowledged");
            // It ended: done, or dropped when its session's queue overflowed (cap 10, drop old:
            // the clients outpace a session's one-at-a-time runs) — an end all the same.
            const QString state = q.value(1).toString();
            const bool ended = state == u"completed"_s || (state == u"cancelled"_s && q.value(2).toString() == u"queue_dropped"_s);
            QVERIFY2(ended, qPrintable(state + u": "_s + q.value(2).toString() + u" "_s + q.value(3).toString()));
        }
        QCOMPARE(rows, r.acked);
    }
    QSqlDatabase::removeDatabase(u"check"_s);
}

QTEST_GUILESS_MAIN(tst_ApiLoad)
#include "tst_apiload.moc"
