// SPDX-License-Identifier: GPL-3.0-or-later
// StoreHealth (SPEC R5): when writes fail the scheduler pauses with the reason and refuses new
// work; nothing accepted is dropped; it says so once, not once per retry; when writes succeed
// again everything kept is written and the operator resumes. A file that vanishes is a failure.
// A shutdown while writes fail says how many accepted runs were not written.
#include "logcapture.h"
#include "tempdatabase.h"
#include "testengine.h"

#include "store/sqlitestore.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;


class tst_StoreHealth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_log = std::make_unique<LogCapture>(); }
    void cleanup() { m_log.reset(); }

    void fullDiskPausesAndRecovers();
    void shutdownWhileFullSaysWhatWasLost();
    void aVanishedFileIsAFailure();
    void durableMeansOnDisk();

private:
    std::unique_ptr<LogCapture> m_log;
    struct Rig
    {
        explicit Rig(const QString &path)
        {
            auto opened = SqliteStore::open(path);
            if (!opened)
                qFatal("%s", qPrintable(opened.error().toString()));
            store = opened.value().get();
            t = std::make_unique<TestEngine>(TestEngine::defaultOptions(), std::move(opened).value());
            session = t->session(u"s"_s);
        }
        /// Submits `n` runs with `kb` KB of input each; returns how many were accepted.
        int submit(int n, int kb = 8)
        {
            int accepted = 0;
            for (int i = 0; i < n; ++i) {
                RunSubmission sub;
                sub.handler = u"noop"_s;
                sub.input = QString(kb * 1024, u'x');
                Expected<RunId> r = t->engine->submitRun(sub);
                if (r) {
                    ++accepted;
                    ids << r.value();
                } else {
                    lastError = r.error();
                }
            }
            return accepted;
        }
        SqliteStore *store;
        std::unique_ptr<TestEngine> t;
        SessionId session = 0;
        QVector<RunId> ids;
        Error lastError;
    };
};

void tst_StoreHealth::fullDiskPausesAndRecovers()
{
    TempDatabase db;
    Rig rig(db.path());
    rig.store->setMaxSize(1); // no room to grow: writes fail as on a full disk
    QCOMPARE(rig.submit(20), 20); // accepted before the first commit fails
    QTRY_VERIFY_WITH_TIMEOUT(rig.t->engine->isStoreFailing(), 10000);
    const PauseState pause = rig.t->engine->pauseState();
    QVERIFY(pause.paused);
    QVERIFY2(pause.reason.startsWith(u"store write failed: "_s) && pause.reason.contains(u"full"_s),
             qPrintable(pause.reason));
    QCOMPARE(pause.actor, u"store"_s);
    // New work is refused with store_failed, and said to be.
    QCOMPARE(rig.submit(1), 0);
    QCOMPARE(rig.lastError.code, ErrorCode::StoreFailed);
    QCOMPARE(rig.t->events->ofType(EventType::RunRejected).last().code, ErrorCode::StoreFailed);
    // It keeps retrying, and says so once, not once per retry.
    QTRY_VERIFY_WITH_TIMEOUT(rig.store->writerStats().failures >= 4, 10000);
    QCOMPARE(m_log->count(u"keeping the writes and retrying"_s), 1);
    QCOMPARE(rig.t->events->count(EventType::StoreFailed), 1);
    bool audited = false;
    for (const Event &e : rig.t->events->ofType(EventType::OperatorAction))
        audited |= e.text.startsWith(u"store: pause"_s);
    QVERIFY(audited);
    QCOMPARE(rig.store->unwrittenRuns(), 20);

    rig.store->setMaxSize(0); // space comes back
    QTRY_VERIFY_WITH_TIMEOUT(!rig.t->engine->isStoreFailing(), 10000);
    QCOMPARE(rig.t->events->count(EventType::StoreRecovered), 1);
    QVERIFY(!rig.store->flush().isError());
    QCOMPARE(rig.store->unwrittenRuns(), 0);
    for (RunId id : std::as_const(rig.ids))
        QVERIFY(rig.store->loadRun(id)); // nothing accepted was dropped
    QVERIFY(rig.t->engine->pauseState().paused); // the operator decides when to resume
    QVERIFY(rig.t->engine->pauseState().reason.contains(u"succeed again"_s));
    QVERIFY(rig.t->engine->pauseState().reason.contains(u"Resume when ready"_s));
    QCOMPARE(rig.submit(1), 1); // accepted again (it waits for the resume)
    rig.t->engine->resume(u"operator"_s);
    QVERIFY(rig.t->manual()->isHeld(rig.ids.first()));
}

void tst_StoreHealth::shutdownWhileFullSaysWhatWasLost()
{
    TempDatabase db;
    Rig rig(db.path());
    rig.store->setMaxSize(1);
    QCOMPARE(rig.submit(12), 12);
    QTRY_VERIFY_WITH_TIMEOUT(rig.t->engine->isStoreFailing(), 10000);
    bool done = false;
    rig.t->engine->shutdown(0, [&done] { done = true; });
    rig.t->runUntilIdle(); // the (virtual) deadline is now
    QTRY_VERIFY(done);
    const Error result = rig.t->engine->shutdownResult();
    QCOMPARE(result.code, ErrorCode::StoreFailed);
    QVERIFY2(result.message.startsWith(u"12 accepted runs were not written to "_s + db.path()),
             qPrintable(result.message));
    QCOMPARE(m_log->count(u"accepted runs were not written"_s), 1);
}

void tst_StoreHealth::aVanishedFileIsAFailure()
{
    TempDatabase db;
    Rig rig(db.path());
    QVERIFY(!rig.store->flush().isError());
    for (const QString &suffix : {u""_s, u"-wal"_s, u"-shm"_s})
        QFile::remove(db.path() + suffix); // deleted while open
    QCOMPARE(rig.submit(3, 1), 3);
    QTRY_VERIFY_WITH_TIMEOUT(rig.t->engine->isStoreFailing(), 10000);
    const QString reason = rig.t->engine->pauseState().reason;
    QVERIFY2(reason.contains(u"vanished"_s) && reason.contains(db.path()), qPrintable(reason));
    QCOMPARE(rig.submit(1, 1), 0);
}

void tst_StoreHealth::durableMeansOnDisk()
{
    TempDatabase db;
    Rig rig(db.path());
    QVector<RunId> durable;
    QCOMPARE(rig.submit(5, 1), 5);
    rig.t->engine->whenDurable([&] { durable = rig.ids; });
    QVERIFY(durable.isEmpty()); // not before the commit
    QTRY_COMPARE(durable.size(), 5);
    // What was said to be durable is on disk for anyone who opens the file.
    QSqlDatabase peek = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"peek"_s);
    peek.setDatabaseName(db.path());
    QVERIFY(peek.open());
    QSqlQuery q(peek);
    QVERIFY(q.exec(u"SELECT count(*) FROM runs"_s) && q.next());
    QCOMPARE(q.value(0).toInt(), 5);
    q = QSqlQuery();
    peek.close();
    peek = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"peek"_s);
}

QTEST_GUILESS_MAIN(tst_StoreHealth)
#include "tst_storehealth.moc"
