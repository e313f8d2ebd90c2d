// SPDX-License-Identifier: GPL-3.0-or-later
// Jobs (SPEC J1-J8) on a VirtualClock: schedules (once, immediate, anchored interval, cron,
// after_job), misfires across a restart, no double fire after a crash, retries with backoff and
// every attempt recorded, final failures, timeouts, deleting and disabling, retention.
#include "eventrecorder.h"
#include "tempdatabase.h"
#include "testengine.h"

#include "engine/statsticker.h"
#include "exec/runticket.h"
#include "store/sqlitestore.h"

#include <QJsonDocument>
#include <QTimeZone>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_JobBook : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void immediateAndOnceFireOnce();
    void cronFiresOnTheHour();
    void intervalKeepsItsAnchorAcrossDowntime();
    void misfireCatchUpOrSkipAcrossARestart_data();
    void misfireCatchUpOrSkipAcrossARestart();
    void noDoubleFireAfterACrashRightAfterAFire();
    void afterJobFollowsSuccessesOnly();
    void retriesWithBackoffAndRecordsEveryAttempt();
    void aRetryWaitsOutItsBackoffAcrossARestart_data();
    void aRetryWaitsOutItsBackoffAcrossARestart();
    void aFinalFailureIsNotRetried();
    void aTimeoutIsAFailedAttemptAndRetried();
    void disabledJobsWaitAndDeletedOnesCancelTheirRetries();
    void badSpecsAreRefused_data();
    void badSpecsAreRefused();
    void retentionPrunesOldFinishedRuns();

private:
    static JobSpec spec(const QString &name, const QJsonObject &schedule, const QString &type = u"noop"_s);
    static EngineOptions options();
};

namespace {
/// Fails every attempt (a fatal failure if asked).
class Failing final : public Handler
{
public:
    explicit Failing(bool fatal = false)
        : m_fatal(fatal)
    {}
    Outcome run(RunContext &) override
    {
        return m_fatal ? Outcome::fatal(u"bad input: cannot work"_s) : Outcome::failure(u"flaky backend"_s);
    }

private:
    bool m_fatal;
};

int fires(const EventRecorder &events)
{
    return events.count(EventType::JobFired);
}

JobId create(TestEngine &t, const JobSpec &s)
{
    Expected<Job> j = t.engine->createJob(s);
    if (!j)
        qFatal("createJob: %s", qPrintable(j.error().toString()));
    t.runUntilIdle();
    return j->id;
}
} // namespace

JobSpec tst_JobBook::spec(const QString &name, const QJsonObject &schedule, const QString &type)
{
    JobSpec s;
    s.name = name;
    s.type = type;
    s.schedule = Schedule::fromJson(schedule).value();
    s.lane = u"cron"_s;
    return s;
}

EngineOptions tst_JobBook::options()
{
    EngineOptions o = TestEngine::defaultOptions();
    o.cycle.intervalMs = 0;
    return o;
}

void tst_JobBook::immediateAndOnceFireOnce()
{
    TestEngine t(options());
    create(t, spec(u"now"_s, {{u"immediate"_s, true}}));
    QCOMPARE(fires(*t.events), 1);
    const TimeMs at = t.clock.now() + 90'000;
    create(t, spec(u"later"_s, {{u"once"_s, QJsonObject{{u"at"_s, QDateTime::fromMSecsSinceEpoch(at, QTimeZone::utc()).toString(Qt::ISODate)}}}}));
    t.advance(89'000);
    QCOMPARE(fires(*t.events), 1);
    t.advance(1000);
    QCOMPARE(fires(*t.events), 2);
    t.advance(3'600'000);
    QCOMPARE(fires(*t.events), 2); // once is once
    const QVector<Event> fired = t.events->ofType(EventType::JobFired);
    QVERIFY(fired.last().run != 0);
    QCOMPARE(t.engine->liveRun(fired.last().run)->lane, u"cron"_s);
}

void tst_JobBook::cronFiresOnTheHour()
{
    TestEngine t(options()); // the clock starts at 2026-01-01T00:00Z
    JobSpec s = spec(u"hourly"_s, {{u"cron"_s, u"0 * * * *"_s}, {u"tz"_s, u"UTC"_s}});
    const JobId id = create(t, s);
    QCOMPARE(t.engine->job(id)->nextFireAt, t.clock.now() + 3'600'000);
    t.advance(3 * 3'600'000);
    QCOMPARE(fires(*t.events), 3);
    QCOMPARE(t.engine->job(id)->fires, 3u);
    QCOMPARE(t.engine->job(id)->nextFireAt, 1'767'225'600'000 + 4 * 3'600'000);
}

void tst_JobBook::intervalKeepsItsAnchorAcrossDowntime()
{
    TempDatabase dir;
    const TimeMs t0 = 1'767'225'600'000;
    JobId id = 0;
    {
        TestEngine t(options(), SqliteStore::open(dir.path()).value());
        id = create(t, spec(u"every minute"_s, {{u"interval"_s, QJsonObject{{u"every_ms"_s, 60'000}}}}));
        t.advance(60'000);
        QCOMPARE(fires(*t.events), 1);
        t.manual()->finishAll();
        t.runUntilIdle();
        t.store->flush();
        t.events.reset();
        t.engine.reset(); // down for three and a half minutes
    }
    // Back at t0 + 4.5 min: the fires at +2, +3 and +4 min were missed; one is caught up, and
    // the next keeps the anchor's offset (+5 min), not "one minute from now".
    TestEngine again(options(), SqliteStore::open(dir.path()).value(), {}, t0 + 270'000);
    QCOMPARE(fires(*again.events), 1);
    QCOMPARE(again.engine->job(id)->anchorAt, t0);
    QCOMPARE(again.engine->job(id)->nextFireAt, t0 + 300'000);
    again.advance(30'000);
    QCOMPARE(fires(*again.events), 2);
    QCOMPARE(again.engine->job(id)->nextFireAt, t0 + 360'000);
}

void tst_JobBook::misfireCatchUpOrSkipAcrossARestart_data()
{
    QTest::addColumn<QString>("misfire");
    QTest::addColumn<int>("firesAtStart");
    QTest::newRow("catch_up fires once") << u"catch_up"_s << 1;
    QTest::newRow("skip waits for the next time") << u"skip"_s << 0;
}

void tst_JobBook::misfireCatchUpOrSkipAcrossARestart()
{
    QFETCH(QString, misfire);
    QFETCH(int, firesAtStart);
    TempDatabase dir;
    JobId id = 0;
    TimeMs firstDue = 0;
    {
        TestEngine t(options(), SqliteStore::open(dir.path()).value());
        JobSpec s = spec(u"interval"_s, {{u"interval"_s, QJsonObject{{u"every_ms"_s, 60'000}}}});
        s.misfire = misfire == u"skip" ? Misfire::Skip : Misfire::CatchUp;
        id = create(t, s);
        firstDue = t.engine->job(id)->nextFireAt;
        t.store->flush();
        t.events.reset();
        t.engine.reset();
    }
    // Five fires were missed while it was down.
    TestEngine again(options(), SqliteStore::open(dir.path()).value(), {}, firstDue + 4 * 60'000 + 30'000);
    QCOMPARE(fires(*again.events), firesAtStart);
    const Job job = *again.engine->job(id);
    QCOMPARE(job.nextFireAt, firstDue + 5 * 60'000); // on its anchor either way
    again.advance(30'000);
    QCOMPARE(fires(*again.events), firesAtStart + 1);
}

void tst_JobBook::noDoubleFireAfterACrashRightAfterAFire()
{
    TempDatabase dir;
    JobId id = 0;
    RunId run = 0;
    {
        TestEngine t(options(), SqliteStore::open(dir.path()).value());
        id = create(t, spec(u"hourly"_s, {{u"cron"_s, u"0 * * * *"_s}, {u"tz"_s, u"UTC"_s}}));
        t.advance(3'600'000);
        QCOMPARE(fires(*t.events), 1);
        run = t.events->ofType(EventType::JobFired).first().run;
        t.store->flush(); // the fire's commit is on disk
        t.events.reset();
        t.engine.reset(); // killed right after
    }
    TestEngine again(options(), SqliteStore::open(dir.path()).value(), {}, 1'767'225'600'000 + 3'600'000 + 5000);
    QCOMPARE(fires(*again.events), 0); // its cursor already moved on
    QCOMPARE(again.engine->job(id)->nextFireAt, 1'767'225'600'000 + 2 * 3'600'000);
    QVERIFY(again.engine->liveRun(run)); // and the run it fired is still there
    QCOMPARE(again.engine->liveRun(run)->jobId, id);
}

void tst_JobBook::afterJobFollowsSuccessesOnly()
{
    TestEngine t(options());
    t.handlers.add(u"fail"_s, std::make_shared<Failing>(true));
    const JobId a = create(t, spec(u"build"_s, {{u"interval"_s, QJsonObject{{u"every_ms"_s, 60'000}}}}));
    const JobId b = create(t, spec(u"deploy"_s, {{u"after_job"_s, QJsonObject{{u"job"_s, a}, {u"delay_ms"_s, 10'000}}}}));
    QCOMPARE(t.engine->job(b)->nextFireAt, 0);
    t.advance(60'000);
    const RunId first = t.events->ofType(EventType::JobFired).last().run;
    t.finish(first); // succeeds
    QCOMPARE(t.engine->job(b)->nextFireAt, t.clock.now() + 10'000);
    t.advance(10'000);
    QCOMPARE(t.events->ofType(EventType::JobFired).last().value, b);
    // A failed run of the trigger does not fire it.
    JobSpec failing = t.engine->job(a)->spec;
    failing.type = u"fail"_s;
    QVERIFY(!t.engine->updateJob(a, failing).isError());
    const int before = fires(*t.events);
    t.advance(60'000);
    const RunId second = t.events->ofType(EventType::JobFired).last().run;
    QVERIFY(t.manual()->execute(second));
    t.runUntilIdle();
    QCOMPARE(t.events->outcomeOf(second), EventType::RunFailed);
    t.advance(20'000);
    QCOMPARE(fires(*t.events), before + 1); // only the trigger's own fire
    QCOMPARE(t.engine->job(a)->lastOutcome, u"failed"_s);
    QCOMPARE(t.engine->job(a)->failed, 1u);
    QCOMPARE(t.engine->job(a)->completed, 1u);
}

void tst_JobBook::retriesWithBackoffAndRecordsEveryAttempt()
{
    TempDatabase dir;
    TestEngine t(options(), SqliteStore::open(dir.path()).value());
    t.handlers.add(u"flaky"_s, std::make_shared<Failing>());
    JobSpec s = spec(u"flaky"_s, {{u"immediate"_s, true}}, u"flaky"_s);
    s.retry = RetryPolicy::fromJson({{u"max_attempts"_s, 3}, {u"initial_ms"_s, 100}, {u"factor"_s, 2}, {u"jitter"_s, 0.25}})
                  .value();
    create(t, s);
    const RunId run = t.events->ofType(EventType::JobFired).first().run;
    QVector<qint64> delays;
    for (int attempt = 1; attempt <= 3; ++attempt) {
        QVERIFY2(t.manual()->execute(run), qPrintable(u"attempt %1"_s.arg(attempt)));
        t.runUntilIdle();
        const QVector<Event> retries = t.events->ofType(EventType::RunRetryScheduled);
        if (attempt < 3) {
            QCOMPARE(retries.size(), attempt);
            QCOMPARE(t.engine->liveRun(run)->state, RunState::RetryWait);
            delays << retries.last().value;
            t.advance(retries.last().value);
            QCOMPARE(t.engine->liveRun(run)->attempt, attempt + 1);
        }
    }
    // Exponential from 100 ms, x2, within the ±25 % jitter.
    QVERIFY2(delays[0] >= 75 && delays[0] <= 125, qPrintable(QString::number(delays[0])));
    QVERIFY2(delays[1] >= 150 && delays[1] <= 250, qPrintable(QString::number(delays[1])));
    QCOMPARE(t.events->outcomeOf(run), EventType::RunFailed);
    QCOMPARE(t.events->outcomesOf(run).size(), 1); // one outcome, three attempts
    t.store->flush();
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"attempts"_s);
    db.setDatabaseName(dir.path());
    QVERIFY(db.open());
    {
        QSqlQuery q(db);
        QVERIFY(q.exec(u"SELECT attempt, outcome, error, started_at > 0, finished_at >= started_at FROM run_attempts "
                       "WHERE run_id = %1 ORDER BY attempt"_s.arg(run)));
        int n = 0;
        while (q.next()) {
            ++n;
            QCOMPARE(q.value(0).toInt(), n);
            QCOMPARE(q.value(1).toString(), u"failed"_s);
            QCOMPARE(q.value(2).toString(), u"flaky backend"_s);
            QVERIFY(q.value(3).toBool() && q.value(4).toBool());
        }
        QCOMPARE(n, 3);
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"attempts"_s);
}

void tst_JobBook::aRetryWaitsOutItsBackoffAcrossARestart_data()
{
    QTest::addColumn<qint64>("downMs"); // from the failure to the restart
    QTest::addColumn<qint64>("stillWaitsMs"); // of its 60 s backoff, after the restart
    QTest::newRow("restart inside the backoff") << qint64(20'000) << qint64(40'000);
    QTest::newRow("restart after it") << qint64(90'000) << qint64(0);
}

void tst_JobBook::aRetryWaitsOutItsBackoffAcrossARestart()
{
    QFETCH(qint64, downMs);
    QFETCH(qint64, stillWaitsMs);
    TempDatabase dir;
    RunId run = 0;
    TimeMs failedAt = 0;
    {
        TestEngine t(options(), SqliteStore::open(dir.path()).value());
        t.handlers.add(u"flaky"_s, std::make_shared<Failing>());
        JobSpec s = spec(u"flaky"_s, {{u"immediate"_s, true}}, u"flaky"_s);
        s.retry = RetryPolicy::fromJson({{u"max_attempts"_s, 3}, {u"initial_ms"_s, 60'000}, {u"jitter"_s, 0}}).value();
        create(t, s);
        run = t.events->ofType(EventType::JobFired).first().run;
        QVERIFY(t.manual()->execute(run));
        t.runUntilIdle();
        QCOMPARE(t.engine->liveRun(run)->state, RunState::RetryWait);
        failedAt = t.clock.now();
        t.store->flush();
        t.events.reset();
        t.engine.reset(); // stopped while it waits for attempt 2
    }
    TestEngine again(options(), SqliteStore::open(dir.path()).value(), {}, failedAt + downMs);
    again.handlers.add(u"flaky"_s, std::make_shared<Failing>());
    again.runUntilIdle();
    if (stillWaitsMs > 0) {
        QCOMPARE(again.engine->liveRun(run)->state, RunState::RetryWait);
        QCOMPARE(again.engine->liveRun(run)->attempt, 1);
        again.advance(stillWaitsMs - 1);
        QCOMPARE(again.engine->liveRun(run)->state, RunState::RetryWait);
        again.advance(1);
    }
    // Attempt 2 is under way (queued, or already handed to a worker).
    QCOMPARE(again.engine->liveRun(run)->attempt, 2);
    QVERIFY(again.engine->liveRun(run)->state == RunState::Queued
            || again.engine->liveRun(run)->state == RunState::Running);
}

void tst_JobBook::aFinalFailureIsNotRetried()
{
    TestEngine t(options());
    t.handlers.add(u"fatal"_s, std::make_shared<Failing>(true));
    create(t, spec(u"bad"_s, {{u"immediate"_s, true}}, u"fatal"_s));
    const RunId run = t.events->ofType(EventType::JobFired).first().run;
    QVERIFY(t.manual()->execute(run));
    t.runUntilIdle();
    QCOMPARE(t.events->count(EventType::RunRetryScheduled), 0);
    QCOMPARE(t.events->outcomeOf(run), EventType::RunFailed);
}

void tst_JobBook::aTimeoutIsAFailedAttemptAndRetried()
{
    TestEngine t(options());
    JobSpec s = spec(u"slow"_s, {{u"immediate"_s, true}});
    s.timeoutMs = 500;
    s.retry.maxAttempts = 2;
    s.retry.jitter = 0;
    create(t, s);
    const RunId run = t.events->ofType(EventType::JobFired).first().run;
    QVERIFY(t.manual()->isHeld(run));
    t.advance(499);
    QVERIFY(!t.manual()->isCancelled(run));
    t.advance(1);
    QVERIFY(t.manual()->isCancelled(run)); // the handler is told to stop
    t.finish(run, Outcome::success()); // it returns (even "successfully"): the attempt timed out
    const QVector<Event> retries = t.events->ofType(EventType::RunRetryScheduled);
    QCOMPARE(retries.size(), 1);
    QCOMPARE(retries.first().code, ErrorCode::Timeout);
    t.advance(retries.first().value);
    QVERIFY(t.manual()->isHeld(run)); // attempt 2
    t.advance(500);
    t.finish(run, Outcome::success());
    const QVector<Event> outcome = t.events->outcomesOf(run);
    QCOMPARE(outcome.size(), 1);
    QCOMPARE(outcome.first().type, EventType::RunFailed);
    QCOMPARE(outcome.first().code, ErrorCode::Timeout);
    QVERIFY(outcome.first().text.contains(u"timed out after 500 ms"_s));
}

void tst_JobBook::disabledJobsWaitAndDeletedOnesCancelTheirRetries()
{
    TestEngine t(options());
    t.handlers.add(u"flaky"_s, std::make_shared<Failing>());
    const JobId hourly = create(t, spec(u"hourly"_s, {{u"cron"_s, u"0 * * * *"_s}, {u"tz"_s, u"UTC"_s}}));
    QVERIFY(!t.engine->setJobEnabled(hourly, false).isError());
    t.advance(2 * 3'600'000);
    QCOMPARE(fires(*t.events), 0);
    QVERIFY(!t.engine->setJobEnabled(hourly, true).isError());
    QCOMPARE(fires(*t.events), 0); // what it missed while disabled is not caught up
    Expected<RunId> now = t.engine->runJobNow(hourly);
    QVERIFY(now);
    QCOMPARE(fires(*t.events), 1);
    // A job waiting to retry a run is deleted: the retry never happens.
    JobSpec s = spec(u"flaky"_s, {{u"immediate"_s, true}}, u"flaky"_s);
    s.retry.initialMs = 10'000;
    const JobId flaky = create(t, s);
    const RunId run = t.events->ofType(EventType::JobFired).last().run;
    QVERIFY(t.manual()->execute(run));
    t.runUntilIdle();
    QCOMPARE(t.engine->liveRun(run)->state, RunState::RetryWait);
    QVERIFY(!t.engine->deleteJob(flaky).isError());
    QCOMPARE(t.events->outcomeOf(run), EventType::RunCancelled);
    t.advance(60'000);
    QVERIFY(!t.manual()->isHeld(run));
    QVERIFY(!t.engine->job(flaky));
    QVERIFY(t.engine->deleteJob(flaky).isError());
}

void tst_JobBook::badSpecsAreRefused_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("message");
    QTest::newRow("no name") << uR"({"schedule": {"immediate": true}})"_s << u"a job needs a name"_s;
    QTest::newRow("bad cron") << uR"({"name": "x", "schedule": {"cron": "0 0 32 * *"}})"_s
                              << u"field day-of-month: \"32\" is out of range 1-31"_s;
    QTest::newRow("two kinds") << uR"({"name": "x", "schedule": {"immediate": true, "interval": {"every_ms": 1000}}})"_s
                               << u"only one of"_s;
    QTest::newRow("short interval") << uR"({"name": "x", "schedule": {"interval": {"every_ms": 10}}})"_s
                                    << u"every_ms must be a whole number from 1000"_s;
    QTest::newRow("bad retry") << uR"({"name": "x", "schedule": {"immediate": true}, "retry": {"backoff": "linear"}})"_s
                               << u"retry.backoff must be"_s;
    QTest::newRow("unknown key") << uR"({"name": "x", "schedule": {"immediate": true}, "colour": "red"})"_s
                                 << u"unknown key \"colour\""_s;
    QTest::newRow("once without offset") << uR"({"name": "x", "schedule": {"once": {"at": "2026-03-29T02:30:00"}}})"_s
                                         << u"with an offset"_s;
    QTest::newRow("after a job that does not exist") << uR"({"name": "x", "schedule": {"after_job": {"job": 99}}})"_s
                                                     << u"names job 99, which does not exist"_s;
}

void tst_JobBook::badSpecsAreRefused()
{
    QFETCH(QString, json);
    QFETCH(QString, message);
    TestEngine t(options());
    Expected<JobSpec> s = JobSpec::fromJson(QJsonDocument::fromJson(json.toUtf8()).object());
    QString error = s ? QString() : s.error().toString();
    if (s) {
        Expected<Job> j = t.engine->createJob(s.value());
        QVERIFY(!j);
        error = j.error().toString();
    }
    QVERIFY2(error.contains(message), qPrintable(error));
    QCOMPARE(t.engine->jobs().size(), 0);
}

void tst_JobBook::retentionPrunesOldFinishedRuns()
{
    TempDatabase dir;
    TestEngine t(options(), SqliteStore::open(dir.path()).value());
    QVector<RunId> runs;
    for (int i = 0; i < 4; ++i) {
        runs << t.engine->submitRun({0, u"noop"_s, {}, {}, {}, Priority::Normal}).value();
        t.runUntilIdle();
    }
    t.finish(runs[0]);                                              // completed, will be old
    QVERIFY(t.manual()->finish(runs[1], Outcome::failure(u"x"_s))); // failed, will be 8 days old
    t.runUntilIdle();
    t.advance(8 * 86'400'000LL);
    t.finish(runs[2]); // completed, fresh
    // runs[3] still running
    const RunRetention r;
    t.store->append(RunsPrune{t.clock.now() - r.completedMs, r.completedKept, t.clock.now() - r.failedMs, 100});
    t.store->flush();
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"retention"_s);
    db.setDatabaseName(dir.path());
    QVERIFY(db.open());
    {
        QSqlQuery q(db);
        QVERIFY(q.exec(u"SELECT id FROM runs ORDER BY id"_s));
        QVector<RunId> left;
        while (q.next())
            left << q.value(0).toLongLong();
        QCOMPARE(left, (QVector<RunId>{runs[1], runs[2], runs[3]})); // the old failure stays for 30 days
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"retention"_s);
}

QTEST_GUILESS_MAIN(tst_JobBook)
#include "tst_jobbook.moc"
