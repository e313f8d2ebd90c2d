// SPDX-License-Identifier: GPL-3.0-or-later
// SettingsControl (SPEC Q2, L1, L2, U3, U7): live changes to sessions and lanes are applied,
// stored and reported; a bad name is refused with the names that exist.
#include "partsfixture.h"

#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_SettingsControl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void laneLimitIsLiveAndStored();
    void lanePauseHoldsOnlyThatLane();
    void unknownLaneNamesTheKnownOnes();
    void closingASessionEndsWhatWaits();
    void pausedSessionHoldsItsQueue();
    void sessionQueueConfigIsReported();
};

void tst_SettingsControl::laneLimitIsLiveAndStored()
{
    PartsFixture f;
    QVERIFY(!f.turn([&] { return f.parts->settings.setLaneLimit(u"main"_s, 1); }).isError());
    f.submit(0);
    const RunId second = f.submit(0);
    QVERIFY(!f.executor.isHeld(second));
    QVERIFY(!f.turn([&] { return f.parts->settings.setLaneLimit(u"main"_s, 2); }).isError());
    QVERIFY(f.executor.isHeld(second)); // the new slot is used at once
    QCOMPARE(f.store->lanes.value(u"main"_s).limit, 2);
    const Event changed = *std::find_if(f.events.crbegin(), f.events.crend(),
                                        [](const Event &e) { return e.type == EventType::LaneChanged; });
    QCOMPARE(changed.laneName(), u"main"_s);
    QCOMPARE(changed.value, 2);
    QCOMPARE(changed.text, u"limit 2"_s);
}

void tst_SettingsControl::lanePauseHoldsOnlyThatLane()
{
    PartsFixture f;
    QVERIFY(!f.turn([&] { return f.parts->settings.setLanePaused(u"cron"_s, true); }).isError());
    const RunId held = f.submit(0, u"noop"_s, {}, u"cron"_s);
    const RunId free = f.submit(0, u"noop"_s, {}, u"main"_s);
    QVERIFY(!f.executor.isHeld(held));
    QVERIFY(f.executor.isHeld(free));
    QVERIFY(!f.turn([&] { return f.parts->settings.setLanePaused(u"cron"_s, false); }).isError());
    QVERIFY(f.executor.isHeld(held));
}

void tst_SettingsControl::unknownLaneNamesTheKnownOnes()
{
    PartsFixture f;
    const Error e = f.turn([&] { return f.parts->settings.setLanePaused(u"gpu"_s, true); });
    QCOMPARE(e.code, ErrorCode::InvalidRequest);
    QCOMPARE(e.message, u"unknown lane \"gpu\"; known lanes: cron, main, subagent, team"_s);
    // A limit for a new name creates the lane (SPEC L1); a name that cannot be one is refused.
    QVERIFY(!f.turn([&] { return f.parts->settings.setLaneLimit(u"gpu"_s, 4); }).isError());
    QCOMPARE(f.parts->lanes.stats(u"gpu"_s).limit, 4);
    const Error bad = f.turn([&] { return f.parts->settings.setLaneLimit(u"my lane"_s, 4); });
    QCOMPARE(bad.code, ErrorCode::InvalidRequest);
    QVERIFY(bad.message.contains(u"is not a lane name"_s));
    QVERIFY(f.turn([&] { return f.parts->settings.setLaneLimit(u"zero"_s, 0); }).isError());
}

void tst_SettingsControl::closingASessionEndsWhatWaits()
{
    PartsFixture f;
    const SessionId s = f.session(u"s"_s);
    const RunId running = f.submit(s);
    const RunId waiting = f.submit(s);
    QVERIFY(!f.turn([&] { return f.parts->settings.closeSession(s); }).isError());
    QCOMPARE(f.ofRun(waiting).last().code, ErrorCode::SessionClosed);
    QVERIFY(f.executor.isHeld(running)); // what runs finishes
    QCOMPARE(f.parts->sessions.find(s)->state, SessionState::Closed);
    QCOMPARE(f.count(EventType::SessionClosed), 1);
}

void tst_SettingsControl::pausedSessionHoldsItsQueue()
{
    PartsFixture f;
    const SessionId s = f.session(u"s"_s);
    QVERIFY(!f.turn([&] { return f.parts->settings.setSessionPaused(s, true); }).isError());
    const RunId id = f.submit(s);
    QVERIFY(!f.executor.isHeld(id));
    QVERIFY(f.parts->sessions.find(s)->paused);
    QVERIFY(!f.turn([&] { return f.parts->settings.setSessionPaused(s, false); }).isError());
    QVERIFY(f.executor.isHeld(id));
    QCOMPARE(f.turn([&] { return f.parts->settings.setSessionPaused(404, true); }).code,
             ErrorCode::SessionNotFound);
}

void tst_SettingsControl::sessionQueueConfigIsReported()
{
    PartsFixture f;
    const SessionId s = f.session(u"s"_s);
    QueueConfigOverride o;
    o.cap = 4;
    o.drop = DropPolicy::New;
    QVERIFY(!f.turn([&] { return f.parts->settings.setSessionQueueConfig(s, o); }).isError());
    QCOMPARE(f.parts->settings.queueConfig(s).cap, 4);
    const Event e = f.events.last();
    QCOMPARE(e.type, EventType::QueueConfigChanged);
    QVERIFY2(e.text.contains(uR"("cap":4)"_s) && e.text.contains(uR"("drop":"new")"_s), qPrintable(e.text));
}

QTEST_GUILESS_MAIN(tst_SettingsControl)
#include "tst_settingscontrol.moc"
