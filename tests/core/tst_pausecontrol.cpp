// SPDX-License-Identifier: GPL-3.0-or-later
// PauseControl (SPEC D7): the scheduler-wide pause holds every lane, is stored with its reason,
// actor and time, and comes back after a restart.
#include "partsfixture.h"

#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_PauseControl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pauseHoldsAdmissionAndIsStored();
    void resumeStartsAtOnce();
    void samePauseTwiceIsOneEvent();
    void storedPauseComesBack();
};

void tst_PauseControl::pauseHoldsAdmissionAndIsStored()
{
    PartsFixture f;
    f.turn([&] { return f.parts->pause.pause(u"maintenance"_s, u"alice"_s); });
    const RunId id = f.submit(0);
    QVERIFY(id != 0); // accepted…
    QVERIFY(!f.executor.isHeld(id)); // …but held
    QCOMPARE(f.parts->pause.state().actor, u"alice"_s);
    QCOMPARE(f.parts->pause.state().since, f.clock.now());
    QVERIFY(f.store->settings.value(PauseControl::kSettingKey).contains(u"maintenance"_s));
    QCOMPARE(f.count(EventType::SchedulerPaused), 1);
}

void tst_PauseControl::resumeStartsAtOnce()
{
    PartsFixture f;
    f.turn([&] { return f.parts->pause.pause(u"p"_s, u"a"_s); });
    const RunId id = f.submit(0);
    f.turn([&] {
        f.parts->pause.resume(u"bob"_s);
        return 0;
    });
    QVERIFY(f.executor.isHeld(id));
    QVERIFY(!f.store->settings.contains(PauseControl::kSettingKey));
    QCOMPARE(f.count(EventType::SchedulerResumed), 1);
}

void tst_PauseControl::samePauseTwiceIsOneEvent()
{
    PartsFixture f;
    QVERIFY(f.turn([&] { return f.parts->pause.pause(u"p"_s, u"a"_s); }));
    QVERIFY(!f.turn([&] { return f.parts->pause.pause(u"p"_s, u"a"_s); }));
    QVERIFY(f.turn([&] { return f.parts->pause.pause(u"other reason"_s, u"a"_s); }));
    QCOMPARE(f.count(EventType::SchedulerPaused), 2);
}

void tst_PauseControl::storedPauseComesBack()
{
    PartsFixture f(PartsFixture::defaultOptions(), [](RecordingStore &store) {
        store.state.settings.insert(PauseControl::kSettingKey,
                                    uR"({"reason":"disk swap","actor":"carol","since":1234})"_s);
    });
    QVERIFY(!f.restore().isError());
    QVERIFY(f.parts->pause.isPaused());
    QCOMPARE(f.parts->pause.state().reason, u"disk swap"_s);
    QCOMPARE(f.parts->pause.state().since, TimeMs(1234));
    QVERIFY(!f.executor.isHeld(f.submit(0)));
}

QTEST_GUILESS_MAIN(tst_PauseControl)
#include "tst_pausecontrol.moc"
