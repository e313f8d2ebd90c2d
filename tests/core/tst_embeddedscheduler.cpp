// SPDX-License-Identifier: GPL-3.0-or-later
// EmbeddedScheduler (SPEC I5), the public entry point of Yardmaster::Core: options are checked,
// work is acknowledged once durable and ends once, bad work and work after shutdown are refused
// with a reason, and queued work survives a restart.

#include "embed/embeddedscheduler.h"

#include "tempdatabase.h"

#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_EmbeddedScheduler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void badOptionsAreRefused_data();
    void badOptionsAreRefused();
    void workIsAcknowledgedThenEndsOnce();
    void badWorkIsRefusedWithAReason();
    void workAfterShutdownIsRefused();
    void queuedWorkSurvivesARestart();
    void endsRunNamesTheEndings();

private:
    static Work work(const QString &session, const QString &text, const QString &handler = u"echo"_s)
    {
        Work w;
        w.session = session;
        w.text = text;
        w.handler = handler;
        return w;
    }
};

void tst_EmbeddedScheduler::badOptionsAreRefused_data()
{
    QTest::addColumn<int>("workers");
    QTest::addColumn<QString>("lane");
    QTest::addColumn<int>("limit");
    QTest::addColumn<QString>("names");
    QTest::newRow("negative workers") << -1 << QString() << 0 << u"workerThreads"_s;
    QTest::newRow("lane limit 0") << 0 << u"main"_s << 0 << u"lane limit \"main\""_s;
    QTest::newRow("lane without a name") << 0 << u""_s << 3 << u"lane limit \"\""_s;
}

void tst_EmbeddedScheduler::badOptionsAreRefused()
{
    QFETCH(int, workers);
    QFETCH(QString, lane);
    QFETCH(int, limit);
    QFETCH(QString, names);
    EmbeddedOptions o;
    o.workerThreads = workers;
    if (limit != 0 || !lane.isEmpty())
        o.laneLimits.insert(lane, limit);
    auto opened = EmbeddedScheduler::open(o);
    QVERIFY(!opened);
    QCOMPARE(opened.error().code, ErrorCode::InvalidConfig);
    QVERIFY2(opened.error().message.contains(names), qPrintable(opened.error().message));
}

void tst_EmbeddedScheduler::workIsAcknowledgedThenEndsOnce()
{
    TempDatabase dir;
    EmbeddedOptions o;
    o.databasePath = dir.path();
    auto opened = EmbeddedScheduler::open(o);
    QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().toString()));
    EmbeddedScheduler &yard = *opened.value();
    yard.addHandler(u"echo"_s, [](RunContext &run) {
        if (run.input() == u"fail")
            return Outcome::failure(u"asked to fail"_s);
        return Outcome::success(u"echo: "_s + run.input());
    });
    QSignalSpy ended(&yard, &EmbeddedScheduler::runEnded);
    QList<RunId> accepted;
    yard.submit(work(u"a"_s, u"one"_s), [&](Expected<RunId> r) { QVERIFY(r); accepted << r.value(); });
    yard.submit(work(u"a"_s, u"fail"_s), [&](Expected<RunId> r) { QVERIFY(r); accepted << r.value(); });
    yard.submit(work(u"b"_s, u"two"_s), [&](Expected<RunId> r) { QVERIFY(r); accepted << r.value(); });
    QTRY_COMPARE(accepted.size(), 3);
    QTRY_COMPARE(ended.size(), 3);
    QHash<RunId, RunEnd> ends;
    for (const QList<QVariant> &args : std::as_const(ended)) {
        const RunEnd e = args.at(0).value<RunEnd>();
        QVERIFY2(!ends.contains(e.run), "a run ended twice");
        ends.insert(e.run, e);
    }
    QCOMPARE(ends.value(accepted[0]).how, EventType::RunCompleted);
    QCOMPARE(ends.value(accepted[0]).detail, u"echo: one"_s);
    QVERIFY(ends.value(accepted[0]).completed());
    QCOMPARE(ends.value(accepted[1]).how, EventType::RunFailed);
    QCOMPARE(ends.value(accepted[1]).code, ErrorCode::HandlerFailed);
    QCOMPARE(ends.value(accepted[1]).detail, u"asked to fail"_s);
    QCOMPARE(ends.value(accepted[2]).how, EventType::RunCompleted);
    // Nothing ends twice later either: after shutdown every event has been sent.
    QVERIFY(!yard.shutdown().isError());
    QCoreApplication::sendPostedEvents();
    QCOMPARE(ended.size(), 3);
}

void tst_EmbeddedScheduler::badWorkIsRefusedWithAReason()
{
    auto opened = EmbeddedScheduler::open();
    QVERIFY(opened);
    EmbeddedScheduler &yard = *opened.value();
    QCOMPARE(yard.storeLocation().isEmpty(), false);
    std::optional<Expected<RunId>> noSession, noText;
    yard.submit(work(u"  "_s, u"x"_s), [&](Expected<RunId> r) { noSession = r; });
    yard.submit(work(u"s"_s, QString()), [&](Expected<RunId> r) { noText = r; });
    QTRY_VERIFY(noSession && noText);
    QCOMPARE(noSession->error().code, ErrorCode::InvalidRequest);
    QCOMPARE(noText->error().code, ErrorCode::InvalidRequest);
    // A run type nobody handles is accepted and fails, naming the type.
    QSignalSpy ended(&yard, &EmbeddedScheduler::runEnded);
    yard.submit(work(u"s"_s, u"x"_s, u"nobody-handles-this"_s));
    QTRY_COMPARE(ended.size(), 1);
    const RunEnd e = ended.at(0).at(0).value<RunEnd>();
    QCOMPARE(e.how, EventType::RunFailed);
    QCOMPARE(e.code, ErrorCode::UnknownHandler);
    QVERIFY2(e.detail.contains(u"nobody-handles-this"_s), qPrintable(e.detail));
}

void tst_EmbeddedScheduler::workAfterShutdownIsRefused()
{
    auto opened = EmbeddedScheduler::open();
    QVERIFY(opened);
    EmbeddedScheduler &yard = *opened.value();
    QVERIFY(!yard.shutdown().isError());
    QVERIFY(!yard.shutdown().isError()); // idempotent
    std::optional<Expected<RunId>> after;
    yard.submit(work(u"s"_s, u"late"_s), [&](Expected<RunId> r) { after = r; });
    QTRY_VERIFY(after.has_value());
    QCOMPARE(after->error().code, ErrorCode::Stopped);
}

void tst_EmbeddedScheduler::queuedWorkSurvivesARestart()
{
    TempDatabase dir;
    EmbeddedOptions o;
    o.databasePath = dir.path();
    RunId run = 0;
    {
        auto opened = EmbeddedScheduler::open(o);
        QVERIFY(opened);
        EmbeddedScheduler &yard = *opened.value();
        yard.pause(u"maintenance"_s);
        yard.submit(work(u"s"_s, u"later"_s), [&](Expected<RunId> r) { run = r ? r.value() : -1; });
        QTRY_VERIFY(run != 0);
        QVERIFY(run > 0);
        QVERIFY(!yard.shutdown().isError());
    }
    auto opened = EmbeddedScheduler::open(o);
    QVERIFY(opened);
    EmbeddedScheduler &yard = *opened.value();
    yard.addHandler(u"echo"_s, [](RunContext &r) { return Outcome::success(r.input()); });
    QSignalSpy ended(&yard, &EmbeddedScheduler::runEnded);
    yard.resume(); // the pause was kept with the database
    QTRY_COMPARE(ended.size(), 1);
    QCOMPARE(ended.at(0).at(0).value<RunEnd>().run, run);
    QCOMPARE(ended.at(0).at(0).value<RunEnd>().detail, u"later"_s);
}

void tst_EmbeddedScheduler::endsRunNamesTheEndings()
{
    int ending = 0;
    for (int t = 0; t < int(EventType::Count); ++t)
        ending += endsRun(EventType(t)) ? 1 : 0;
    QCOMPARE(ending, 6);
    QVERIFY(endsRun(EventType::RunCompleted) && endsRun(EventType::RunMerged));
    QVERIFY(!endsRun(EventType::RunStarted) && !endsRun(EventType::RunNeedsAttention));
}

QTEST_GUILESS_MAIN(tst_EmbeddedScheduler)
#include "tst_embeddedscheduler.moc"
