// SPDX-License-Identifier: GPL-3.0-or-later
// Intake (SPEC S1, Q1–Q4, S3): where work enters. One set of checks for messages and runs; a
// refusal is counted and reported as run.rejected.
#include "partsfixture.h"

#include "engine/runrecord.h"

#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_Intake : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void closedSessionRejectsMessagesAndRunsAlike_data();
    void closedSessionRejectsMessagesAndRunsAlike();
    void unknownSessionIsNamed();
    void gatesRefuseInOrder();
    void messageCreatesSessionByKeyAndTranscript();
    void freeRunGoesStraightToItsLane();
    void namesAreResolvedOnce();
    void idsAreNeverReusedAfterACrash();
};

void tst_Intake::closedSessionRejectsMessagesAndRunsAlike_data()
{
    QTest::addColumn<bool>("message");
    QTest::newRow("message") << true;
    QTest::newRow("run") << false;
}

void tst_Intake::closedSessionRejectsMessagesAndRunsAlike()
{
    QFETCH(bool, message);
    PartsFixture f;
    const SessionId s = f.session(u"done"_s);
    QVERIFY(!f.turn([&] { return f.parts->settings.closeSession(s); }).isError());
    Error error;
    if (message) {
        MessageRequest m;
        m.sessionId = s;
        m.content = u"hi"_s;
        error = f.turn([&] { return f.parts->intake.submitMessage(m); }).error();
    } else {
        RunSubmission r;
        r.sessionId = s;
        r.handler = u"noop"_s;
        error = f.turn([&] { return f.parts->intake.submitRun(r); }).error();
    }
    QCOMPARE(error.code, ErrorCode::SessionClosed);
    QVERIFY2(error.message.contains(u"\"done\""_s), qPrintable(error.message));
    QCOMPARE(f.count(EventType::RunRejected), 1);
    QCOMPARE(f.parts->counters.rejected, quint64(1));
    QCOMPARE(f.parts->runs.size(), 0);
}

void tst_Intake::unknownSessionIsNamed()
{
    PartsFixture f;
    RunSubmission r;
    r.sessionId = 42;
    r.handler = u"noop"_s;
    const Error e = f.turn([&] { return f.parts->intake.submitRun(r); }).error();
    QCOMPARE(e.code, ErrorCode::SessionNotFound);
    QCOMPARE(e.message, u"session 42 does not exist"_s);
}

void tst_Intake::gatesRefuseInOrder()
{
    PartsFixture f;
    const SessionId s = f.session(u"s"_s);
    f.turn([&] {
        f.parts->drain.drain(60'000, u"alice"_s);
        return 0;
    });
    RunSubmission r;
    r.sessionId = s;
    r.handler = u"noop"_s;
    QCOMPARE(f.turn([&] { return f.parts->intake.submitRun(r); }).error().code, ErrorCode::Draining);
    f.turn([&] {
        f.parts->shutdown.begin(0, {});
        return 0;
    });
    // Shutting down is asked first: it says more than draining.
    QCOMPARE(f.turn([&] { return f.parts->intake.submitRun(r); }).error().code, ErrorCode::Stopped);
    QCOMPARE(f.count(EventType::RunRejected), 2);
}

void tst_Intake::messageCreatesSessionByKeyAndTranscript()
{
    PartsFixture f;
    MessageRequest m;
    m.sessionKey = u"  fresh  "_s;
    m.content = u"hello there"_s;
    const Expected<SubmitReceipt> r = f.turn([&] { return f.parts->intake.submitMessage(m); });
    QVERIFY(r);
    const Session *s = f.parts->sessions.find(r->sessionId);
    QVERIFY(s);
    QCOMPARE(s->key, u"fresh"_s);
    QVERIFY(r->messageId != 0);
    QCOMPARE(f.count(EventType::SessionCreated), 1);
    QCOMPARE(f.count(EventType::RunQueued), 1);
    QCOMPARE(f.store->runs.value(r->runId).input, u"hello there"_s);
    QCOMPARE(f.store->runs.value(r->runId).messageId, r->messageId);
    m.sessionKey.clear();
    QCOMPARE(f.turn([&] { return f.parts->intake.submitMessage(m); }).error().code, ErrorCode::InvalidRequest);
}

void tst_Intake::freeRunGoesStraightToItsLane()
{
    PartsFixture f;
    const RunId a = f.submit(0, u"noop"_s, {}, u"cron"_s);
    const RunId b = f.submit(0, u"noop"_s, {}, u"cron"_s);
    QVERIFY(f.executor.isHeld(a));
    QVERIFY(f.executor.isHeld(b)); // no session: nothing serialises them
    QCOMPARE(f.parts->lanes.stats(u"cron"_s).active, 2);
}

void tst_Intake::namesAreResolvedOnce()
{
    PartsFixture f;
    const SessionId s = f.session(u"s"_s, {}, u"team"_s);
    const RunId id = f.submit(s, u"simulate"_s, u"text"_s);
    const RunRecord *run = f.parts->runs.find(id);
    QVERIFY(run);
    QCOMPARE(f.parts->handlers.name(run->handler), u"simulate"_s);
    QCOMPARE(f.parts->lanes.at(run->lane).name(), u"team"_s); // the session's lane
    QCOMPARE(f.store->runs.value(id).lane, u"team"_s);
}

void tst_Intake::idsAreNeverReusedAfterACrash()
{
    QHash<QString, QString> survived;
    QVector<RunId> handedOut;
    {
        PartsFixture first(PartsFixture::defaultOptions(), [](RecordingStore &store) {
            store.state.maxRunId = 5000; // what an earlier process left
        });
        QVERIFY(!first.restore().isError());
        for (int i = 0; i < 3; ++i)
            handedOut << first.submit(0);
        QCOMPARE(handedOut.first(), RunId(5001));
        // The block was reserved on disk before its first id was handed out.
        QVERIFY(first.store->settings.value(Store::kReservedRunIdsKey).toLongLong() >= handedOut.last());
        survived = first.store->settings; // a crash now: the runs' rows never reached the disk
    }
    PartsFixture next(PartsFixture::defaultOptions(), [&survived](RecordingStore &store) {
        store.state.maxRunId = 5000;
        store.state.settings = survived;
    });
    QVERIFY(!next.restore().isError());
    const RunId fresh = next.submit(0);
    QVERIFY2(fresh > handedOut.last(), qPrintable(QString::number(fresh))); // never given twice
}

QTEST_GUILESS_MAIN(tst_Intake)
#include "tst_intake.moc"
