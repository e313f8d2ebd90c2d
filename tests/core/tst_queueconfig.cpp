// SPDX-License-Identifier: GPL-3.0-or-later
// Queue configuration (SPEC Q2, Q4): defaults, overrides and bad input.
#include "model/queueconfig.h"

#include <QJsonDocument>
#include <QTest>

using namespace Yard;
using namespace Qt::StringLiterals;

class tst_QueueConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultsAreGoclaws();
    void overridesApplyOnTopOfDefaults();
    void badInputNamesTheField_data();
    void badInputNamesTheField();
    void unknownDropNameMeansOld();
};

void tst_QueueConfig::defaultsAreGoclaws()
{
    const QueueConfig c;
    QCOMPARE(c.mode, QueueMode::Queue);
    QCOMPARE(c.cap, 10);
    QCOMPARE(c.drop, DropPolicy::Old);
    QCOMPARE(c.debounceMs, 800);
    QCOMPARE(c.effectiveMaxConcurrent(), 1);
    QueueConfig zero;
    zero.maxConcurrent = 0;
    QCOMPARE(zero.effectiveMaxConcurrent(), 1);
}

void tst_QueueConfig::overridesApplyOnTopOfDefaults()
{
    const auto o = QueueConfigOverride::fromJson(
        QJsonDocument::fromJson(R"({"mode":"collect","cap":3})").object());
    QVERIFY(o);
    QueueConfig base;
    base.debounceMs = 100;
    const QueueConfig c = o->applyTo(base);
    QCOMPARE(c.mode, QueueMode::Collect);
    QCOMPARE(c.cap, 3);
    QCOMPARE(c.debounceMs, 100);
    QCOMPARE(QueueConfigOverride::fromJson(o->toJson()).value(), o.value());
}

void tst_QueueConfig::badInputNamesTheField_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("bad mode") << QByteArray(R"({"mode":"yolo"})") << u"yolo"_s;
    QTest::newRow("bad drop") << QByteArray(R"({"drop":"middle"})") << u"middle"_s;
    QTest::newRow("negative cap") << QByteArray(R"({"cap":-1})") << u"cap"_s;
    QTest::newRow("fractional cap") << QByteArray(R"({"cap":1.5})") << u"cap"_s;
    QTest::newRow("string debounce") << QByteArray(R"({"debounce_ms":"soon"})") << u"debounce_ms"_s;
    QTest::newRow("unknown field") << QByteArray(R"({"capacity":3})") << u"capacity"_s;
}

void tst_QueueConfig::badInputNamesTheField()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, mentions);
    const auto o = QueueConfigOverride::fromJson(QJsonDocument::fromJson(json).object());
    QVERIFY(!o);
    QCOMPARE(o.error().code, ErrorCode::InvalidRequest);
    QVERIFY2(o.error().message.contains(mentions), qPrintable(o.error().message));
}

void tst_QueueConfig::unknownDropNameMeansOld()
{
    bool known = true;
    QCOMPARE(dropPolicyFromName(u"whatever", &known), DropPolicy::Old);
    QVERIFY(!known);
    QCOMPARE(dropPolicyFromName(u"NEW", &known), DropPolicy::New);
    QVERIFY(known);
}

QTEST_GUILESS_MAIN(tst_QueueConfig)
#include "tst_queueconfig.moc"
