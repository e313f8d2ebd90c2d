// SPDX-License-Identifier: GPL-3.0-or-later
// English plurals without a .qm file: "(s)" and the verb after a count agree with the count.
#include "plurals.h"

#include <QCoreApplication>
#include <QTest>

using namespace Yard::Ui;
using namespace Qt::StringLiterals;

class tst_Plurals : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pluralise_data();
    void pluralise();
    void trUsesItOnceInstalled();
};

void tst_Plurals::pluralise_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<int>("n");
    QTest::addColumn<QString>("expected");
    QTest::newRow("one run") << u"%n run(s)"_s << 1 << u"%n run"_s;
    QTest::newRow("no runs") << u"%n run(s)"_s << 0 << u"%n runs"_s;
    QTest::newRow("many runs") << u"%n run(s)"_s << 7 << u"%n runs"_s;
    QTest::newRow("verb agrees with one") << u"%n run(s) need attention"_s << 1 << u"%n run needs attention"_s;
    QTest::newRow("verb stays with many") << u"%n run(s) need attention"_s << 3 << u"%n runs need attention"_s;
    QTest::newRow("match") << u"%n run(s) match the filter"_s << 1 << u"%n run matches the filter"_s;
    QTest::newRow("a later verb is not the count's")
        << u"%n lease(s) recovered, nobody woken and they need a look"_s << 1
        << u"%n lease recovered, nobody woken and they need a look"_s;
    QTest::newRow("verb before the count untouched") << u"Requeued %n run(s): they wait for a claim again"_s << 1
                                                     << u"Requeued %n run: they wait for a claim again"_s;
}

void tst_Plurals::pluralise()
{
    QFETCH(QString, source);
    QFETCH(int, n);
    QFETCH(QString, expected);
    QCOMPARE(EnglishPlurals::pluralise(source, n), expected);
}

void tst_Plurals::trUsesItOnceInstalled()
{
    QCOMPARE(QCoreApplication::translate("ctx", "%n run(s) need attention", nullptr, 1), u"1 run(s) need attention"_s);
    installEnglishPlurals();
    installEnglishPlurals(); // once
    QCOMPARE(QCoreApplication::translate("ctx", "%n run(s) need attention", nullptr, 1), u"1 run needs attention"_s);
    QCOMPARE(QCoreApplication::translate("ctx", "%n run(s) need attention", nullptr, 2), u"2 runs need attention"_s);
    QCOMPARE(QCoreApplication::translate("ctx", "Pause…"), u"Pause…"_s);
}

QTEST_MAIN(tst_Plurals)
#include "tst_plurals.moc"
