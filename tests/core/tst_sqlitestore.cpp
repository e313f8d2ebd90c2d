// SPDX-License-Identifier: GPL-3.0-or-later
// SqliteStore: schema and migrations, file validation, group commit, and restart recovery.
#include "tempdatabase.h"
#include "testengine.h"

#include "engine/sessionmanager.h"
#include "engine/submission.h"

#include "store/schema.h"
#include "store/sqlitestore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QScopeGuard>
#include <QSysInfo>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

#include <unistd.h>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

namespace {

QByteArray fingerprint(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256)
           + QByteArray::number(QFileInfo(path).lastModified().toMSecsSinceEpoch());
}

void execOn(const QString &path, const QStringList &statements)
{
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"raw"_s);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        for (const QString &s : statements)
            QVERIFY2(q.exec(s), qPrintable(s));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"raw"_s);
}

std::unique_ptr<TestEngine> engineOn(const QString &path, EngineOptions options = TestEngine::defaultOptions())
{
    auto store = SqliteStore::open(path);
    if (!store)
        qFatal("%s", qPrintable(store.error().toString()));
    return std::make_unique<TestEngine>(options, std::move(store).value());
}

} // namespace

class tst_SqliteStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void createsSchemaAndMarksTheFile();
    void badFilesAreRefusedUntouched_data();
    void badFilesAreRefusedUntouched();
    void groupCommitCoalescesRunRows();
    void aSecondOwnerIsRefusedAndNamesTheFirst();
    void aLockLeftByADeadProcessIsTakenOver();
    void aDeviceIsNotADatabase();
    void theEngineNeverWaitsForTheWriter();
    void statusUpdatesKeepIndexedKeysUnlessTheyChanged();
    void runsPersistQueuedRunningCompleted();
    void taskRowsRoundTripBesideTheirRun();
    void restartResumesQueuedRuns();
    void crashMidRunRecoversTheRun();
    void crashWithClaimedAndRunningTasksEndsEachOnce();
    void gracefulShutdownKeepsInFlightWork();
    void pauseAndLaneSettingsSurviveRestart();
};

void tst_SqliteStore::createsSchemaAndMarksTheFile()
{
    TempDatabase db;
    {
        auto store = SqliteStore::open(db.path());
        QVERIFY2(store, qPrintable(store.error().toString()));
    }
    QSqlDatabase raw = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"check"_s);
    raw.setDatabaseName(db.path());
    QVERIFY(raw.open());
    QSqlQuery q(raw);
    QVERIFY(q.exec(u"PRAGMA application_id"_s) && q.next());
    QCOMPARE(q.value(0).toInt(), Schema::kApplicationId);
    QVERIFY(q.exec(u"SELECT version FROM schema_version"_s) && q.next());
    QCOMPARE(q.value(0).toInt(), Schema::currentVersion());
    QVERIFY(q.exec(u"PRAGMA journal_mode"_s) && q.next());
    QCOMPARE(q.value(0).toString(), u"wal"_s);
    q = QSqlQuery();
    raw.close();
    raw = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"check"_s);
    // Reopening an up-to-date database is fine.
    QVERIFY(SqliteStore::open(db.path()));
}

void tst_SqliteStore::badFilesAreRefusedUntouched_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expect");
    QTest::newRow("text file") << u"text"_s << u"is not a SQLite database"_s;
    QTest::newRow("directory") << u"dir"_s << u"is a directory"_s;
    QTest::newRow("other SQLite database") << u"foreign"_s << u"not a Yardmaster one"_s;
    QTest::newRow("newer schema") << u"newer"_s << u"newer than this build supports"_s;
    QTest::newRow("unreadable") << u"unreadable"_s << u"cannot read database file"_s;
    QTest::newRow("a page overwritten") << u"scribbled"_s << u"is damaged"_s;
    QTest::newRow("runs table dropped") << u"dropped"_s << u"missing the table runs"_s;
    QTest::newRow("truncated") << u"truncated"_s << u"is damaged"_s;
    QTest::newRow("read-only folder") << u"rofolder"_s << u"is read-only: SQLite needs to create"_s;
}

void tst_SqliteStore::badFilesAreRefusedUntouched()
{
    QFETCH(QString, kind);
    QFETCH(QString, expect);
    TempDatabase db;
    const QString path = db.path(u"bad.db"_s);
    auto writableAgain = qScopeGuard([&] { // so the folder can be removed
        QFile::setPermissions(QFileInfo(path).absolutePath(),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    });
    if (kind == u"text") {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("these are my notes, not a database\n");
    } else if (kind == u"dir") {
        QVERIFY(QDir().mkpath(path));
    } else if (kind == u"foreign") {
        execOn(path, {u"CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)"_s,
                      u"INSERT INTO invoices VALUES (1, 9.5)"_s});
    } else if (kind == u"newer") {
        { QVERIFY(SqliteStore::open(path)); }
        execOn(path, {u"UPDATE schema_version SET version = 999"_s, u"PRAGMA wal_checkpoint(TRUNCATE)"_s});
    } else if (kind == u"scribbled" || kind == u"dropped" || kind == u"truncated") {
        {
            auto t = engineOn(path);
            const SessionId sid = t->session(u"s"_s);
            for (int i = 0; i < 200; ++i)
                t->send(sid, u"message %1 with some text to fill pages"_s.arg(i));
            t->store->flush();
        }
        // Self-contained, so a read-only look needs no -wal/-shm files next to it.
        execOn(path, {u"PRAGMA journal_mode = DELETE"_s});
        if (kind == u"dropped") {
            execOn(path, {u"DROP TABLE runs"_s});
        } else {
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadWrite));
            const qint64 size = f.size();
            QVERIFY(size > 5 * 4096);
            if (kind == u"truncated") {
                QVERIFY(f.resize(size / 2));
            } else {
                QByteArray noise(4096, Qt::Uninitialized);
                quint32 x = 12345;
                for (char &c : noise)
                    c = char((x = x * 1103515245 + 12345) >> 16);
                QVERIFY(f.seek(3 * 4096));
                f.write(noise);
            }
        }
    } else if (kind == u"rofolder") {
        if (::geteuid() == 0)
            QSKIP("root writes into read-only folders; the case cannot be produced");
        { QVERIFY(SqliteStore::open(path)); }
        execOn(path, {u"PRAGMA journal_mode = DELETE"_s});
        QVERIFY(QFile::setPermissions(QFileInfo(path).absolutePath(),
                                      QFileDevice::ReadOwner | QFileDevice::ExeOwner));
    } else if (kind == u"unreadable") {
        if (::geteuid() == 0)
            QSKIP("root reads every file; permission errors cannot be produced");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("x");
        f.close();
        QVERIFY(f.setPermissions(QFileDevice::Permissions()));
    }
    const QByteArray before = fingerprint(path);
    const QStringList filesBefore = QDir(QFileInfo(path).absolutePath()).entryList(QDir::Files);

    auto store = SqliteStore::open(path);
    QVERIFY(!store);
    QCOMPARE(store.error().code, ErrorCode::InvalidDatabase);
    QVERIFY2(store.error().message.contains(path), qPrintable(store.error().message));
    QVERIFY2(store.error().message.contains(expect), qPrintable(store.error().message));
    QCOMPARE(fingerprint(path), before);
    QCOMPARE(QDir(QFileInfo(path).absolutePath()).entryList(QDir::Files), filesBefore);
}

void tst_SqliteStore::aSecondOwnerIsRefusedAndNamesTheFirst()
{
    TempDatabase db;
    auto first = SqliteStore::open(db.path());
    QVERIFY(first);
    const QByteArray before = fingerprint(db.path());
    auto second = SqliteStore::open(db.path());
    QVERIFY(!second);
    QCOMPARE(second.error().code, ErrorCode::DatabaseInUse);
    const QString why = second.error().message;
    QVERIFY2(why.contains(db.path()) && why.contains(u"pid %1"_s.arg(QCoreApplication::applicationPid())),
             qPrintable(why));
    QCOMPARE(fingerprint(db.path()), before); // refused before touching anything
    first = Error{};                          // the owner goes away…
    QVERIFY(SqliteStore::open(db.path()));   // …and the file is free again
}

void tst_SqliteStore::aLockLeftByADeadProcessIsTakenOver()
{
    TempDatabase db;
    { QVERIFY(SqliteStore::open(db.path())); }
    // What a killed process leaves: a lock file naming a pid that no longer runs.
    QProcess gone;
    gone.start(u"true"_s);
    QVERIFY(gone.waitForFinished());
    const qint64 deadPid = gone.processId() ? gone.processId() : 999999;
    QFile lock(db.path() + u".lock"_s);
    QVERIFY(lock.open(QIODevice::WriteOnly));
    lock.write(QByteArray::number(deadPid) + "\nyardmaster\n" + QSysInfo::machineHostName().toUtf8() + "\n");
    lock.close();
    auto store = SqliteStore::open(db.path());
    QVERIFY2(store, qPrintable(store.error().toString()));
}

void tst_SqliteStore::aDeviceIsNotADatabase()
{
    auto store = SqliteStore::open(u"/dev/null"_s);
    QVERIFY(!store);
    QCOMPARE(store.error().code, ErrorCode::InvalidDatabase);
    QVERIFY2(store.error().message.contains(u"not a regular file"_s), qPrintable(store.error().message));
}

void tst_SqliteStore::theEngineNeverWaitsForTheWriter()
{
    TempDatabase db;
    EngineOptions options = TestEngine::defaultOptions();
    options.sessionCacheCapacity = 1; // more active sessions than the cache holds
    auto t = engineOn(db.path(), options);
    QVector<SessionId> sessions;
    for (int i = 0; i < 3; ++i)
        sessions << t->session(u"s%1"_s.arg(i));
    const RunId done = t->send(sessions[0]);
    t->finish(done, Outcome::failure(u"flaky"_s));
    QVERIFY(!t->store->flush().isError());
    // Another connection holds the write lock: the writer now waits up to its busy timeout (5 s).
    QSqlDatabase blocker = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"blocker"_s);
    blocker.setDatabaseName(db.path());
    QVERIFY(blocker.open());
    QSqlQuery hold(blocker);
    QVERIFY(hold.exec(u"BEGIN IMMEDIATE"_s));
    QElapsedTimer timer;
    timer.start();
    for (int round = 0; round < 3; ++round) {
        for (SessionId s : std::as_const(sessions))
            QVERIFY(t->send(s, u"round %1"_s.arg(round)) != 0); // cache misses, every one
    }
    QVERIFY(t->engine->retryRun(done)); // reads the finished run
    QVERIFY2(timer.elapsed() < 1000, qPrintable(u"%1 ms"_s.arg(timer.elapsed())));
    QVERIFY(hold.exec(u"ROLLBACK"_s));
    hold = QSqlQuery();
    blocker.close();
    blocker = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"blocker"_s);
}

void tst_SqliteStore::groupCommitCoalescesRunRows()
{
    TempDatabase db;
    auto store = SqliteStore::open(db.path()).value();
    SqliteStore *raw = store.get();
    TestEngine t(TestEngine::defaultOptions(), std::move(store));
    const SessionId s = t.session(u"s"_s);
    // 200 runs queued, started and completed before anything is handed to the writer.
    QVector<RunId> ids;
    for (int i = 0; i < 200; ++i) {
        RunSubmission sub;
        sub.handler = u"noop"_s;
        sub.input = u"r%1"_s.arg(i);
        ids << t.engine->submitRun(sub).value();
    }
    while (t.manual()->finishAll() > 0)
        t.runUntilIdle();
    QVERIFY(!raw->flush().isError());
    const WriterStats stats = raw->writerStats();
    QVERIFY2(stats.statements < stats.mutations,
             qPrintable(u"%1 statements for %2 mutations"_s.arg(stats.statements).arg(stats.mutations)));
    for (RunId id : {ids.first(), ids.last()}) {
        const Run r = raw->loadRun(id).value();
        QCOMPARE(r.state, RunState::Completed);
        QVERIFY(r.startedAt > 0 && r.finishedAt >= r.startedAt);
    }
    Q_UNUSED(s);
}

void tst_SqliteStore::statusUpdatesKeepIndexedKeysUnlessTheyChanged()
{
    TempDatabase db;
    auto store = SqliteStore::open(db.path()).value();
    Run r;
    r.id = 1;
    r.sessionId = 7;
    r.handler = u"noop"_s;
    r.lane = u"team"_s;
    r.priority = Priority::High;
    r.state = RunState::Queued;
    store->append(RunUpsert{r});
    QVERIFY(!store->flush().isError());
    // A status write (the engine's usual one) changes what changes and keeps the keys.
    Run status = r;
    status.state = RunState::Running;
    status.startedAt = 1234;
    status.lane = u"main"_s; // not a change the engine makes without saying so
    store->append(RunUpsert{status});
    QVERIFY(!store->flush().isError());
    Run stored = store->loadRun(1).value();
    QCOMPARE(stored.state, RunState::Running);
    QCOMPARE(stored.startedAt, TimeMs(1234));
    QCOMPARE(stored.lane, u"team"_s);
    // A revived run says its keys may have changed: the whole row is written.
    Run revived = status;
    revived.sessionId = 0;
    revived.priority = Priority::Low;
    store->append(RunUpsert{revived, true});
    QVERIFY(!store->flush().isError());
    stored = store->loadRun(1).value();
    QCOMPARE(stored.lane, u"main"_s);
    QCOMPARE(stored.sessionId, SessionId(0));
    QCOMPARE(stored.priority, Priority::Low);
}

void tst_SqliteStore::taskRowsRoundTripBesideTheirRun()
{
    TempDatabase db;
    {
        auto store = SqliteStore::open(db.path()).value();
        Run plain;
        plain.id = 1;
        plain.handler = u"noop"_s;
        plain.lane = u"main"_s;
        store->append(RunUpsert{plain});
        Run task = plain;
        task.id = 2;
        TaskInfo t;
        t.needs = TaskRequirements{{u"python"_s, u"gpu"_s}, u"/repo"_s, u"slack"_s, u"coder"_s};
        t.leaseOwner = 9;
        t.leaseExpiresAt = 5000;
        t.budget = RunStarvation{2, 3, true, false, 1200};
        t.escalatedWakes = 10;
        t.spawnUnresolvable = true;
        t.acknowledgedBy = u"ana"_s;
        t.acknowledgement = u"GPU pool is down"_s;
        t.acknowledgedAt = 7000;
        task.task = t;
        store->append(RunUpsert{task});
        QVERIFY(!store->loadRun(2).value().task->needs.capabilities.isEmpty()); // pending: as written
        QVERIFY(!store->flush().isError());
        QVERIFY(!store->loadRun(1)->task.has_value());
    }
    auto store = SqliteStore::open(db.path()).value();
    const Run stored = store->loadRun(2).value();
    QVERIFY(stored.task.has_value());
    const TaskInfo &t = *stored.task;
    QCOMPARE(t.needs.capabilities, (QStringList{u"python"_s, u"gpu"_s}));
    QCOMPARE(t.needs.workspace, u"/repo"_s);
    QCOMPARE(t.needs.channel, u"slack"_s);
    QCOMPARE(t.needs.owner, u"coder"_s);
    QCOMPARE(t.leaseOwner, SessionId(9));
    QCOMPARE(t.leaseExpiresAt, TimeMs(5000));
    QCOMPARE(t.budget.wakeCount, 3);
    QVERIFY(t.budget.spawnRequested);
    QVERIFY(!t.budget.starvedReported);
    QCOMPARE(t.budget.since, TimeMs(1200));
    QCOMPARE(t.escalatedWakes, 10);
    QVERIFY(t.spawnUnresolvable);
    QCOMPARE(t.acknowledgement, u"GPU pool is down"_s);
    QCOMPARE(t.acknowledgedAt, TimeMs(7000));
    const StoredState state = store->loadState().value();
    QCOMPARE(state.openRuns.size(), 2);
    QVERIFY(!state.openRuns[0].task && state.openRuns[1].task);
}

void tst_SqliteStore::runsPersistQueuedRunningCompleted()
{
    TempDatabase db;
    auto store = SqliteStore::open(db.path()).value();
    SqliteStore *raw = store.get();
    TestEngine t(TestEngine::defaultOptions(), std::move(store));
    const SessionId s = t.session(u"s"_s);
    const RunId a = t.send(s, u"first"_s);
    const RunId b = t.send(s, u"second"_s);
    QVERIFY(!raw->flush().isError());
    QCOMPARE(raw->loadRun(a)->state, RunState::Running);
    QCOMPARE(raw->loadRun(b)->state, RunState::Queued);
    QCOMPARE(raw->loadRun(b)->input, u"second"_s);
    t.finish(a, Outcome::success(u"answer"_s));
    QVERIFY(!raw->flush().isError());
    QCOMPARE(raw->loadRun(a)->state, RunState::Completed);
    QCOMPARE(raw->loadRun(a)->result, u"answer"_s);
    QCOMPARE(raw->loadRun(b)->state, RunState::Running);
    // The assistant's reply landed in the transcript.
    const MessageList msgs = raw->loadMessages(s).value();
    QCOMPARE(msgs.size(), 3);
    QCOMPARE(msgs.last().role, u"assistant"_s);
    QCOMPARE(msgs.last().content, u"answer"_s);
}

void tst_SqliteStore::restartResumesQueuedRuns()
{
    TempDatabase db;
    QVector<RunId> ids;
    SessionId s = 0;
    {
        auto t = engineOn(db.path());
        t->engine->pause(u"before restart"_s, u"test"_s);
        s = t->session(u"s"_s);
        for (int i = 0; i < 5; ++i)
            ids << t->send(s, u"m%1"_s.arg(i));
        const SessionId other = t->session(u"other"_s);
        ids << t->send(other, u"o"_s);
        QCOMPARE(t->engine->queuedCount(), 6);
        t->store->flush();
        // Process gone: nothing resolved these runs.
    }
    auto t = engineOn(db.path());
    QVERIFY(t->engine->pauseState().paused); // the pause survived too
    QCOMPARE(t->engine->pauseState().reason, u"before restart"_s);
    QCOMPARE(t->engine->queuedCount(), 6);
    QCOMPARE(t->engine->sessionStatus(s)->queued, 5);
    t->engine->resume(u"test"_s);
    while (!t->manual()->held().isEmpty())
        t->finish(t->manual()->held().first());
    // Each resumed exactly once, in order within the session.
    for (RunId id : ids)
        QCOMPARE(t->events->outcomesOf(id).size(), 1);
    QVector<RunId> order;
    for (RunId id : t->events->startOrder())
        if (ids.indexOf(id) < 5)
            order << id;
    QCOMPARE(order, ids.mid(0, 5));
    // New runs get fresh ids.
    QVERIFY(t->send(s) > ids.last());
}

void tst_SqliteStore::crashWithClaimedAndRunningTasksEndsEachOnce()
{
    TempDatabase db;
    RunId running = 0;
    RunId claimed = 0;
    EngineOptions o = TestEngine::defaultOptions();
    o.cycle.intervalMs = 0;
    o.laneLimits.insert(u"tasks"_s, 1);
    {
        auto t = engineOn(db.path(), o);
        SessionSpec spec;
        spec.key = u"worker"_s;
        spec.capabilities = {u"go"_s};
        const SessionId a = t->engine->createSession(spec)->id;
        spec.key = u"other"_s;
        const SessionId b = t->engine->createSession(spec)->id;
        TaskSubmission sub;
        sub.handler = u"noop"_s;
        sub.lane = u"tasks"_s;
        sub.needs.capabilities = {u"go"_s};
        running = t->engine->submitTask(sub).value();
        claimed = t->engine->submitTask(sub).value();
        QVERIFY(t->engine->claimTask(a, running));
        QVERIFY(t->engine->claimTask(b, claimed)); // claimed, waiting for the lane's one slot
        t->runUntilIdle();
        QVERIFY(t->manual()->isHeld(running));
        QVERIFY(!t->manual()->isHeld(claimed));
        t->store->flush();
        t->manual()->finishAll(); // reports nowhere: the process is gone
        t->engine.reset();        // no shutdown
    }
    auto t = engineOn(db.path(), o);
    QCOMPARE(t->events->count(EventType::LeaseRecovered), 2);
    QCOMPARE(t->engine->waitingTasks(), 2); // both back on the board, attempt 2
    QCOMPARE(t->engine->liveRun(running)->attempt, 2);
    QCOMPARE(t->engine->liveRun(claimed)->attempt, 2);
    SessionSpec spec;
    spec.key = u"new"_s;
    spec.capabilities = {u"go"_s};
    const SessionId s = t->engine->createSession(spec)->id;
    for (RunId id : {running, claimed}) {
        QVERIFY(t->engine->claimTask(s, id));
        t->runUntilIdle();
        t->finish(id);
        QCOMPARE(t->events->outcomesOf(id).size(), 1);
        QCOMPARE(t->events->outcomeOf(id), EventType::RunCompleted);
    }
}

void tst_SqliteStore::crashMidRunRecoversTheRun()
{
    TempDatabase db;
    RunId inFlight = 0;
    {
        auto t = engineOn(db.path());
        inFlight = t->send(t->session(u"s"_s), u"work"_s);
        QVERIFY(t->manual()->isHeld(inFlight));
        t->store->flush();
        t->manual()->finishAll(); // a worker that finishes after the "crash" reports nowhere
        // Simulated crash: drop the engine without shutdown and without settling.
        t->engine.reset();
    }
    auto t = engineOn(db.path());
    QCOMPARE(t->events->count(EventType::LeaseRecovered), 1);
    QCOMPARE(t->events->ofType(EventType::LeaseRecovered).first().run, inFlight);
    const std::optional<Run> run = t->engine->liveRun(inFlight);
    QVERIFY(run);
    QCOMPARE(run->attempt, 2);
    QVERIFY(t->manual()->isHeld(inFlight));
    t->finish(inFlight);
    QCOMPARE(t->events->outcomeOf(inFlight), EventType::RunCompleted);
}

void tst_SqliteStore::gracefulShutdownKeepsInFlightWork()
{
    TempDatabase db;
    RunId stepping = 0;
    {
        auto t = engineOn(db.path());
        RunSubmission sub;
        sub.sessionId = t->session(u"s"_s);
        sub.handler = u"simulate"_s;
        sub.payloadJson = R"({"duration_ms": 4000, "steps": 4, "distribution": "fixed"})";
        stepping = t->engine->submitRun(sub).value();
        QVERIFY(t->manual()->execute(stepping)); // step 1 done, waits 1 s for step 2
        t->runUntilIdle();
        QCOMPARE(t->engine->liveRun(stepping)->savedState, QByteArray(R"({"step":1})"));
        bool done = false;
        t->engine->shutdown(500, [&done] { done = true; });
        QVERIFY(!done); // in flight between steps: it gets the deadline to finish (SPEC Q12)
        t->advance(500);
        QVERIFY(done); // its next step was not due in time: interrupted with its saved state
        QCOMPARE(t->events->ofRun(stepping).last().type, EventType::RunInterrupted);
    }
    auto t = engineOn(db.path());
    // Resumed with its saved state: only the remaining three steps run.
    QVERIFY(t->manual()->isHeld(stepping));
    QCOMPARE(t->engine->liveRun(stepping)->savedState, QByteArray(R"({"step":1})"));
    int steps = 0;
    while (t->manual()->isHeld(stepping) && steps < 10) {
        t->manual()->execute(stepping);
        t->runUntilIdle();
        t->advance(1000);
        ++steps;
    }
    QCOMPARE(t->events->outcomeOf(stepping), EventType::RunCompleted);
    QCOMPARE(steps, 4); // steps 2, 3, 4 and the final report
}

void tst_SqliteStore::pauseAndLaneSettingsSurviveRestart()
{
    TempDatabase db;
    {
        auto t = engineOn(db.path());
        t->engine->setLaneLimit(u"team"_s, 7);
        t->engine->setLanePaused(u"cron"_s, true);
        QueueConfig defaults;
        defaults.cap = 42;
        t->engine->setDefaultQueueConfig(defaults);
    }
    auto t = engineOn(db.path());
    QCOMPARE(t->engine->laneStats(u"team"_s)->limit, 7);
    QVERIFY(t->engine->laneStats(u"cron"_s)->paused);
    QCOMPARE(t->engine->defaultQueueConfig().cap, 42);
}

QTEST_GUILESS_MAIN(tst_SqliteStore)
#include "tst_sqlitestore.moc"
