// SPDX-License-Identifier: GPL-3.0-or-later
// The run state table (SPEC D1) and the stable names of states, errors and events.
#include "model/errors.h"
#include "model/event.h"
#include "model/priority.h"
#include "model/runstate.h"

#include <QTest>

using namespace Yard;
using namespace Qt::StringLiterals;

class tst_RunState : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void transitions_data();
    void transitions();
    void terminalStatesAreFinal();
    void namesRoundTrip();
    void errorCodesAreStable();
    void priorityAliases();
};

void tst_RunState::transitions_data()
{
    QTest::addColumn<RunState>("from");
    QTest::addColumn<RunState>("to");
    QTest::addColumn<bool>("allowed");
    QTest::newRow("queued->running") << RunState::Queued << RunState::Running << true;
    QTest::newRow("queued->claimed") << RunState::Queued << RunState::Claimed << true;
    QTest::newRow("queued->merged") << RunState::Queued << RunState::Merged << true;
    QTest::newRow("claimed->running") << RunState::Claimed << RunState::Running << true;
    QTest::newRow("running->completed") << RunState::Running << RunState::Completed << true;
    QTest::newRow("running->retry_wait") << RunState::Running << RunState::RetryWait << true;
    QTest::newRow("running->queued (lease lost)") << RunState::Running << RunState::Queued << true;
    QTest::newRow("retry_wait->queued") << RunState::RetryWait << RunState::Queued << true;
    QTest::newRow("needs_attention->queued") << RunState::NeedsAttention << RunState::Queued << true;
    QTest::newRow("scheduled->queued") << RunState::Scheduled << RunState::Queued << true;
    QTest::newRow("completed->running") << RunState::Completed << RunState::Running << false;
    QTest::newRow("queued->completed") << RunState::Queued << RunState::Completed << false;
    QTest::newRow("scheduled->running") << RunState::Scheduled << RunState::Running << false;
    QTest::newRow("retry_wait->running") << RunState::RetryWait << RunState::Running << false;
    QTest::newRow("cancelled->queued") << RunState::Cancelled << RunState::Queued << false;
}

void tst_RunState::transitions()
{
    QFETCH(RunState, from);
    QFETCH(RunState, to);
    QFETCH(bool, allowed);
    QCOMPARE(canTransition(from, to), allowed);
}

void tst_RunState::terminalStatesAreFinal()
{
    for (int f = 0; f < int(RunState::Count); ++f) {
        const auto from = RunState(f);
        bool anyOut = false;
        for (int t = 0; t < int(RunState::Count); ++t)
            anyOut |= canTransition(from, RunState(t));
        QCOMPARE(!anyOut, isTerminal(from));
    }
}

void tst_RunState::namesRoundTrip()
{
    for (int i = 0; i < int(RunState::Count); ++i)
        QCOMPARE(runStateFromName(runStateName(RunState(i))), RunState(i));
    for (int i = 0; i < int(EventType::Count); ++i) {
        QVERIFY(!eventTypeName(EventType(i)).isEmpty());
        QCOMPARE(eventTypeFromName(eventTypeName(EventType(i))), EventType(i));
    }
    QCOMPARE(runStateName(RunState::NeedsAttention), u"needs_attention"_s);
    QCOMPARE(eventTypeName(EventType::RunStarted), u"run.started"_s);
    QCOMPARE(eventTypeName(EventType::LeaseRecovered), u"lease.recovered"_s);
}

void tst_RunState::errorCodesAreStable()
{
    // These strings are a public contract (UI, CLI, API).
    const QStringList spec{u"session_not_found"_s, u"session_closed"_s,     u"queue_full"_s,
                           u"queue_dropped"_s,     u"message_stale"_s,      u"lane_cleared"_s,
                           u"draining"_s,          u"run_not_found"_s,      u"run_cancelled"_s,
                           u"invalid_transition"_s, u"spawn_unresolvable"_s, u"timeout"_s,
                           u"invalid_cron"_s,      u"invalid_request"_s,    u"stopped"_s};
    for (const QString &name : spec) {
        const auto code = errorCodeFromName(name);
        QVERIFY2(code.has_value(), qPrintable(name));
        QCOMPARE(errorCodeName(*code), name);
        QVERIFY(!errorCodeDescription(*code).isEmpty());
    }
    const Error e = Error::make(ErrorCode::QueueFull, u"session \"a\" is full"_s);
    QCOMPARE(e.toString(), u"queue_full: session \"a\" is full"_s);
}

void tst_RunState::priorityAliases()
{
    QCOMPARE(priorityFromName(u"interactive"), Priority::Interactive);
    QCOMPARE(priorityFromName(u"UI"), Priority::Interactive);
    QCOMPARE(priorityFromName(u"last_effort"), Priority::Urgent);
    QCOMPARE(priorityFromName(u"critical"), Priority::Urgent);
    QCOMPARE(priorityFromName(u"medium"), Priority::Normal);
    QCOMPARE(priorityFromName(u"background"), Priority::Low);
    QVERIFY(!priorityFromName(u"whenever"));
    QVERIFY(Priority::Interactive < Priority::Urgent && Priority::High < Priority::Low);
}

QTEST_GUILESS_MAIN(tst_RunState)
#include "tst_runstate.moc"
