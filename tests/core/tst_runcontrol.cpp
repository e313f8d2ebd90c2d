// SPDX-License-Identifier: GPL-3.0-or-later
// RunControl (SPEC Q9, D8, U4): an operator's actions on runs and session queues.
#include "partsfixture.h"

#include "engine/runrecord.h"

#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_RunControl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cancelRunWherever_data();
    void cancelRunWherever();
    void cancelOfAnEndedRunIsNamed();
    void retryMakesANewRunPointingBack();
    void retryRefusesWhatDidNotFinish();
    void requeueOnlyWhatTheTableAllows_data();
    void requeueOnlyWhatTheTableAllows();
};

void tst_RunControl::cancelRunWherever_data()
{
    QTest::addColumn<bool>("queuedInSession");
    QTest::newRow("queued in its session") << true;
    QTest::newRow("running in its session") << false;
}

void tst_RunControl::cancelRunWherever()
{
    QFETCH(bool, queuedInSession);
    PartsFixture f;
    const SessionId s = f.session(u"s"_s);
    const RunId first = f.submit(s);
    const RunId second = f.submit(s);
    const RunId target = queuedInSession ? second : first;
    QVERIFY(!f.turn([&] { return f.parts->control.cancelRun(target, {}); }).isError());
    const Event e = f.ofRun(target).last();
    QCOMPARE(e.type, EventType::RunCancelled);
    QCOMPARE(e.text, u"cancelled by operator"_s);
    QVERIFY(!f.parts->runs.find(target) || f.parts->runs.find(target)->stage == RunRecord::Stage::AwaitingReturn);
    if (!queuedInSession)
        QVERIFY(f.executor.isHeld(second)); // the session's place went to the next run
    QCOMPARE(f.parts->control.cancelRun(target, {}).code, ErrorCode::RunNotFound);
}

void tst_RunControl::cancelOfAnEndedRunIsNamed()
{
    PartsFixture f;
    const RunId id = f.submit(0);
    f.finish(id);
    const Error e = f.turn([&] { return f.parts->control.cancelRun(id, {}); });
    QCOMPARE(e.code, ErrorCode::RunNotFound);
    QCOMPARE(e.message, u"run %1 is not queued or running"_s.arg(id));
}

void tst_RunControl::retryMakesANewRunPointingBack()
{
    PartsFixture f;
    const SessionId s = f.session(u"s"_s, {}, u"team"_s);
    const RunId id = f.submit(s, u"noop"_s, u"again please"_s);
    f.finish(id, Outcome::failure(u"flaky"_s));
    const Expected<RunId> retry = f.turn([&] { return f.parts->control.retryRun(id); });
    QVERIFY(retry);
    QVERIFY(retry.value() > id);
    const Run row = f.store->runs.value(retry.value());
    QCOMPARE(row.retryOf, id);
    QCOMPARE(row.input, u"again please"_s);
    QCOMPARE(row.lane, u"team"_s);
    QCOMPARE(row.sessionId, s);
}

void tst_RunControl::retryRefusesWhatDidNotFinish()
{
    PartsFixture f;
    const RunId live = f.submit(0);
    QCOMPARE(f.turn([&] { return f.parts->control.retryRun(live); }).error().code,
             ErrorCode::InvalidTransition);
    QCOMPARE(f.turn([&] { return f.parts->control.retryRun(999); }).error().code, ErrorCode::RunNotFound);
}

void tst_RunControl::requeueOnlyWhatTheTableAllows_data()
{
    QTest::addColumn<RunState>("stored");
    QTest::addColumn<ErrorCode>("result");
    QTest::newRow("needs_attention -> queued") << RunState::NeedsAttention << ErrorCode::None;
    QTest::newRow("completed stays") << RunState::Completed << ErrorCode::InvalidTransition;
    QTest::newRow("failed stays") << RunState::Failed << ErrorCode::InvalidTransition;
}

void tst_RunControl::requeueOnlyWhatTheTableAllows()
{
    QFETCH(RunState, stored);
    QFETCH(ErrorCode, result);
    PartsFixture f;
    Run r;
    r.id = 77;
    r.handler = u"noop"_s;
    r.state = stored;
    r.error = u"starved"_s;
    f.store->runs.insert(r.id, r);
    QCOMPARE(f.turn([&] { return f.parts->control.requeueRun(77); }).code, result);
    if (result == ErrorCode::None) {
        QCOMPARE(f.ofRun(77).first().type, EventType::RunRecovered);
        QVERIFY(f.executor.isHeld(77));
        QCOMPARE(f.store->runs.value(77).error, QString());
    } else {
        QVERIFY(!f.parts->runs.find(77));
        QCOMPARE(f.store->runs.value(77).state, stored);
    }
    QCOMPARE(f.parts->counters.invalidTransitions, quint64(0)); // an operator error, not a bug
}

QTEST_GUILESS_MAIN(tst_RunControl)
#include "tst_runcontrol.moc"
