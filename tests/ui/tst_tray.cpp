// SPDX-License-Identifier: GPL-3.0-or-later
// The tray (SPEC U13): state and counts in the tooltip, a menu that follows the state and emits
// what the window does, needs-attention notifications rate-limited and summarised, and a clear
// reason where no tray exists (offscreen).
#include "tray.h"

#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QSignalSpy>
#include <QTest>

using namespace Yard::Ui;
using namespace Qt::StringLiterals;

class tst_Tray : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tooltipAndMenuFollowTheState_data();
    void tooltipAndMenuFollowTheState();
    void menuEmitsWhatTheWindowDoes();
    void notificationsAreRateLimitedAndSummarised();
    void saysWhyThereIsNoTray();

private:
    static QAction *action(Tray &tray, const QString &startsWith);
};

QAction *tst_Tray::action(Tray &tray, const QString &startsWith)
{
    for (QAction *a : tray.menu()->actions()) {
        if (a->text().startsWith(startsWith))
            return a;
    }
    return nullptr;
}

void tst_Tray::tooltipAndMenuFollowTheState_data()
{
    QTest::addColumn<int>("state");
    QTest::addColumn<QString>("named");
    QTest::addColumn<QString>("pauseItem");
    QTest::addColumn<bool>("pauseEnabled");
    QTest::newRow("running") << int(Tray::State::Running) << u"running"_s << u"Pause…"_s << true;
    QTest::newRow("paused") << int(Tray::State::Paused) << u"paused"_s << u"Resume"_s << true;
    QTest::newRow("draining") << int(Tray::State::Draining) << u"draining"_s << u"Resume"_s << true;
    QTest::newRow("store failure") << int(Tray::State::StoreFailure) << u"cannot write its database"_s << u"Resume"_s << false;
}

void tst_Tray::tooltipAndMenuFollowTheState()
{
    QFETCH(int, state);
    QFETCH(QString, named);
    QFETCH(QString, pauseItem);
    QFETCH(bool, pauseEnabled);
    Tray tray;
    tray.setState(Tray::State(state), 12, 40, 3);
    QVERIFY2(tray.toolTip().contains(named), qPrintable(tray.toolTip()));
    QVERIFY(tray.toolTip().contains(u"12 running · 40 queued · 3 need attention"_s));
    QAction *pause = action(tray, pauseItem);
    QVERIFY2(pause, qPrintable(pauseItem));
    QCOMPARE(pause->isEnabled(), pauseEnabled);
    QVERIFY(action(tray, u"Needs attention (3)"_s));
}

void tst_Tray::menuEmitsWhatTheWindowDoes()
{
    Tray tray;
    QSignalSpy toggle(&tray, &Tray::toggleWindowRequested);
    QSignalSpy pause(&tray, &Tray::pauseRequested);
    QSignalSpy resume(&tray, &Tray::resumeRequested);
    QSignalSpy attention(&tray, &Tray::attentionRequested);
    QSignalSpy quit(&tray, &Tray::quitRequested);
    tray.setWindowVisible(true);
    action(tray, u"Hide window"_s)->trigger();
    QCOMPARE(toggle.size(), 1);
    tray.setWindowVisible(false);
    QVERIFY(action(tray, u"Show window"_s));
    tray.setState(Tray::State::Running, 0, 0, 0);
    action(tray, u"Pause…"_s)->trigger();
    tray.setState(Tray::State::Paused, 0, 0, 0);
    action(tray, u"Resume"_s)->trigger();
    QCOMPARE(pause.size(), 1);
    QCOMPARE(resume.size(), 1);
    action(tray, u"Needs attention"_s)->trigger();
    QCOMPARE(attention.size(), 1);
    action(tray, u"Quit"_s)->trigger();
    QCOMPARE(quit.size(), 1);
}

void tst_Tray::notificationsAreRateLimitedAndSummarised()
{
    Tray tray;
    tray.setNotifyIntervalMs(300);
    QSignalSpy notified(&tray, &Tray::notified);
    tray.runsNeedAttention(1, u"run #7: no session has gpu"_s);
    QCOMPARE(notified.size(), 1); // the first at once
    QCOMPARE(tray.lastNotificationTitle(), u"A run needs attention"_s);
    QVERIFY(tray.lastNotificationText().startsWith(u"run #7: no session has gpu"_s));
    tray.runsNeedAttention(2, u"run #8: no session has fpga"_s);
    tray.runsNeedAttention(3, u"run #9: …"_s);
    tray.runsNeedAttention(0, u"nothing"_s);
    QCOMPARE(notified.size(), 1); // the rest wait for the interval…
    QTRY_COMPARE(notified.size(), 2); // …and come as one
    QCOMPARE(tray.lastNotificationTitle(), u"5 runs need attention"_s);
    QVERIFY2(tray.lastNotificationText().contains(u"The first: run #8"_s), qPrintable(tray.lastNotificationText()));
    QCOMPARE(tray.pendingAttention(), 0); // nothing more is waiting to be told
    QCOMPARE(tray.notificationsShown(), 2);
}

void tst_Tray::saysWhyThereIsNoTray()
{
    Tray tray;
    if (tray.isAvailable())
        QSKIP("this desktop has a tray");
    QVERIFY(tray.unavailableReason().contains(u"No system tray"_s));
    QSignalSpy notified(&tray, &Tray::notified);
    tray.notify(u"t"_s, u"x"_s); // still reported, for the window to show
    QCOMPARE(notified.size(), 1);
}

QTEST_MAIN(tst_Tray)
#include "tst_tray.moc"
