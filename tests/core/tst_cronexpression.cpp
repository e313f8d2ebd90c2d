// SPDX-License-Identifier: GPL-3.0-or-later
// Cron (SPEC J3): Vixie syntax, the DOM-or-DOW rule, month ends and leap years, DST gaps and
// repeats in Europe/Berlin, America/New_York and Australia/Lord_Howe (30-minute DST) like cronie,
// impossible expressions refused, and errors that name the field and the token.
#include "jobs/cronexpression.h"

#include <QDateTime>
#include <QTest>

using namespace Yard;
using namespace Qt::StringLiterals;

class tst_CronExpression : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nextFireTimes_data();
    void nextFireTimes();
    void errorsNameTheFieldAndToken_data();
    void errorsNameTheFieldAndToken();
    void describes_data();
    void describes();
    void fixedAndWildcard();
};

namespace {

TimeMs at(const QString &iso)
{
    const QDateTime t = QDateTime::fromString(iso, Qt::ISODate);
    if (!t.isValid())
        qFatal("bad test time %s", qPrintable(iso));
    return t.toMSecsSinceEpoch();
}

QString iso(TimeMs t, const CronExpression &c)
{
    return CronExpression::formatIso(t, c.zone());
}

} // namespace

void tst_CronExpression::nextFireTimes_data()
{
    QTest::addColumn<QString>("expr");
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QString>("from");
    QTest::addColumn<QStringList>("expected");

    // Syntax.
    QTest::newRow("every 15 minutes") << u"*/15 * * * *"_s << u"UTC"_s << u"2026-01-01T00:07:00Z"_s
        << QStringList{u"2026-01-01T00:15:00+00:00"_s, u"2026-01-01T00:30:00+00:00"_s, u"2026-01-01T00:45:00+00:00"_s,
                       u"2026-01-01T01:00:00+00:00"_s};
    QTest::newRow("list and range") << u"5,10-12 9 * * *"_s << u"UTC"_s << u"2026-01-01T09:06:00Z"_s
        << QStringList{u"2026-01-01T09:10:00+00:00"_s, u"2026-01-01T09:11:00+00:00"_s, u"2026-01-01T09:12:00+00:00"_s,
                       u"2026-01-02T09:05:00+00:00"_s};
    QTest::newRow("range with step") << u"10-30/10 0 * * *"_s << u"UTC"_s << u"2026-01-01T00:00:00Z"_s
        << QStringList{u"2026-01-01T00:10:00+00:00"_s, u"2026-01-01T00:20:00+00:00"_s, u"2026-01-01T00:30:00+00:00"_s,
                       u"2026-01-02T00:10:00+00:00"_s};
    QTest::newRow("value with step runs to the end") << u"50/5 0 * * *"_s << u"UTC"_s << u"2026-01-01T00:00:00Z"_s
        << QStringList{u"2026-01-01T00:50:00+00:00"_s, u"2026-01-01T00:55:00+00:00"_s, u"2026-01-02T00:50:00+00:00"_s};
    QTest::newRow("month and day names") << u"0 8 * jan,MAR mon-fri"_s << u"UTC"_s << u"2026-01-30T09:00:00Z"_s
        << QStringList{u"2026-03-02T08:00:00+00:00"_s, u"2026-03-03T08:00:00+00:00"_s};
    QTest::newRow("0 and 7 are Sunday") << u"0 0 * * 7"_s << u"UTC"_s << u"2026-01-01T00:00:00Z"_s
        << QStringList{u"2026-01-04T00:00:00+00:00"_s, u"2026-01-11T00:00:00+00:00"_s};
    QTest::newRow("FRI-SUN wraps to Sunday") << u"0 0 * * FRI-SUN"_s << u"UTC"_s << u"2026-01-01T00:00:00Z"_s
        << QStringList{u"2026-01-02T00:00:00+00:00"_s, u"2026-01-03T00:00:00+00:00"_s, u"2026-01-04T00:00:00+00:00"_s,
                       u"2026-01-09T00:00:00+00:00"_s};
    QTest::newRow("@hourly") << u"@hourly"_s << u"UTC"_s << u"2026-01-01T00:00:00Z"_s
        << QStringList{u"2026-01-01T01:00:00+00:00"_s, u"2026-01-01T02:00:00+00:00"_s};
    QTest::newRow("@daily") << u"@daily"_s << u"UTC"_s << u"2026-01-01T00:00:00Z"_s
        << QStringList{u"2026-01-02T00:00:00+00:00"_s};
    QTest::newRow("@midnight") << u"@midnight"_s << u"UTC"_s << u"2026-01-01T12:00:00Z"_s
        << QStringList{u"2026-01-02T00:00:00+00:00"_s};
    QTest::newRow("@weekly is Sunday") << u"@weekly"_s << u"UTC"_s << u"2026-01-01T00:00:00Z"_s
        << QStringList{u"2026-01-04T00:00:00+00:00"_s, u"2026-01-11T00:00:00+00:00"_s};
    QTest::newRow("@monthly") << u"@monthly"_s << u"UTC"_s << u"2026-01-15T00:00:00Z"_s
        << QStringList{u"2026-02-01T00:00:00+00:00"_s, u"2026-03-01T00:00:00+00:00"_s};
    QTest::newRow("@yearly") << u"@yearly"_s << u"UTC"_s << u"2026-01-01T00:00:00Z"_s
        << QStringList{u"2027-01-01T00:00:00+00:00"_s};
    QTest::newRow("@annually") << u"@annually"_s << u"UTC"_s << u"2026-06-01T00:00:00Z"_s
        << QStringList{u"2027-01-01T00:00:00+00:00"_s};
    // Day-of-month OR day-of-week when both are restricted; AND when one is *.
    QTest::newRow("DOM or DOW") << u"0 12 13 * FRI"_s << u"UTC"_s << u"2026-02-01T00:00:00Z"_s
        << QStringList{u"2026-02-06T12:00:00+00:00"_s, u"2026-02-13T12:00:00+00:00"_s, u"2026-02-20T12:00:00+00:00"_s,
                       u"2026-02-27T12:00:00+00:00"_s, u"2026-03-06T12:00:00+00:00"_s, u"2026-03-13T12:00:00+00:00"_s};
    QTest::newRow("DOW with * DOM") << u"0 12 * * FRI"_s << u"UTC"_s << u"2026-02-12T00:00:00Z"_s
        << QStringList{u"2026-02-13T12:00:00+00:00"_s, u"2026-02-20T12:00:00+00:00"_s};
    QTest::newRow("*/2 DOM counts as *") << u"0 0 */2 * MON"_s << u"UTC"_s << u"2026-02-01T00:00:00Z"_s
        << QStringList{u"2026-02-09T00:00:00+00:00"_s, u"2026-02-23T00:00:00+00:00"_s};
    // Month ends and leap years.
    QTest::newRow("31st skips short months") << u"0 0 31 * *"_s << u"UTC"_s << u"2026-01-31T00:00:00Z"_s
        << QStringList{u"2026-03-31T00:00:00+00:00"_s, u"2026-05-31T00:00:00+00:00"_s, u"2026-07-31T00:00:00+00:00"_s};
    QTest::newRow("Feb 29 in leap years") << u"0 0 29 2 *"_s << u"UTC"_s << u"2026-01-01T00:00:00Z"_s
        << QStringList{u"2028-02-29T00:00:00+00:00"_s, u"2032-02-29T00:00:00+00:00"_s};
    QTest::newRow("no Feb 29 in 2100") << u"0 0 29 2 *"_s << u"UTC"_s << u"2096-03-01T00:00:00Z"_s
        << QStringList{u"2104-02-29T00:00:00+00:00"_s};
    QTest::newRow("last days of February") << u"0 0 28,29 2 *"_s << u"UTC"_s << u"2027-01-01T00:00:00Z"_s
        << QStringList{u"2027-02-28T00:00:00+00:00"_s, u"2028-02-28T00:00:00+00:00"_s, u"2028-02-29T00:00:00+00:00"_s};

    // Europe/Berlin, spring forward 2026-03-29 02:00 CET -> 03:00 CEST.
    QTest::newRow("Berlin gap: fixed time fires once after it") << u"30 2 * * *"_s << u"Europe/Berlin"_s
        << u"2026-03-28T12:00:00+01:00"_s
        << QStringList{u"2026-03-29T03:00:00+02:00"_s, u"2026-03-30T02:30:00+02:00"_s};
    QTest::newRow("Berlin gap: two fixed times fire once") << u"0,30 2 * * *"_s << u"Europe/Berlin"_s
        << u"2026-03-28T12:00:00+01:00"_s
        << QStringList{u"2026-03-29T03:00:00+02:00"_s, u"2026-03-30T02:00:00+02:00"_s};
    QTest::newRow("Berlin gap: wildcard hour skips it") << u"30 * * * *"_s << u"Europe/Berlin"_s
        << u"2026-03-29T01:00:00+01:00"_s
        << QStringList{u"2026-03-29T01:30:00+01:00"_s, u"2026-03-29T03:30:00+02:00"_s};
    QTest::newRow("Berlin gap: 03:00 itself") << u"0 3 * * *"_s << u"Europe/Berlin"_s << u"2026-03-28T12:00:00+01:00"_s
        << QStringList{u"2026-03-29T03:00:00+02:00"_s, u"2026-03-30T03:00:00+02:00"_s};
    // Europe/Berlin, fall back 2026-10-25 03:00 CEST -> 02:00 CET.
    QTest::newRow("Berlin repeat: fixed time fires once") << u"30 2 * * *"_s << u"Europe/Berlin"_s
        << u"2026-10-24T12:00:00+02:00"_s
        << QStringList{u"2026-10-25T02:30:00+02:00"_s, u"2026-10-26T02:30:00+01:00"_s};
    QTest::newRow("Berlin repeat: from inside the second pass") << u"30 2 * * *"_s << u"Europe/Berlin"_s
        << u"2026-10-25T02:10:00+01:00"_s << QStringList{u"2026-10-26T02:30:00+01:00"_s};
    QTest::newRow("Berlin repeat: wildcard hour fires in both passes") << u"30 * * * *"_s << u"Europe/Berlin"_s
        << u"2026-10-25T01:00:00+02:00"_s
        << QStringList{u"2026-10-25T01:30:00+02:00"_s, u"2026-10-25T02:30:00+02:00"_s, u"2026-10-25T02:30:00+01:00"_s,
                       u"2026-10-25T03:30:00+01:00"_s};
    QTest::newRow("Berlin repeat: @hourly") << u"@hourly"_s << u"Europe/Berlin"_s << u"2026-10-25T01:30:00+02:00"_s
        << QStringList{u"2026-10-25T02:00:00+02:00"_s, u"2026-10-25T02:00:00+01:00"_s, u"2026-10-25T03:00:00+01:00"_s};
    // America/New_York: 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST.
    QTest::newRow("New York gap") << u"30 2 * * *"_s << u"America/New_York"_s << u"2026-03-07T12:00:00-05:00"_s
        << QStringList{u"2026-03-08T03:00:00-04:00"_s, u"2026-03-09T02:30:00-04:00"_s};
    QTest::newRow("New York repeat") << u"30 1 * * *"_s << u"America/New_York"_s << u"2026-10-31T12:00:00-04:00"_s
        << QStringList{u"2026-11-01T01:30:00-04:00"_s, u"2026-11-02T01:30:00-05:00"_s};
    // Australia/Lord_Howe: half-hour DST. 2026-10-04 02:00 -> 02:30 (+11:00);
    // 2026-04-05 02:00 (+11:00) -> 01:30 (+10:30).
    QTest::newRow("Lord Howe 30-minute gap") << u"15 2 * * *"_s << u"Australia/Lord_Howe"_s
        << u"2026-10-03T12:00:00+10:30"_s
        << QStringList{u"2026-10-04T02:30:00+11:00"_s, u"2026-10-05T02:15:00+11:00"_s};
    QTest::newRow("Lord Howe after the gap") << u"45 2 * * *"_s << u"Australia/Lord_Howe"_s
        << u"2026-10-03T12:00:00+10:30"_s << QStringList{u"2026-10-04T02:45:00+11:00"_s};
    QTest::newRow("Lord Howe 30-minute repeat") << u"45 1 * * *"_s << u"Australia/Lord_Howe"_s
        << u"2026-04-04T12:00:00+11:00"_s
        << QStringList{u"2026-04-05T01:45:00+11:00"_s, u"2026-04-06T01:45:00+10:30"_s};
    QTest::newRow("Lord Howe repeat, wildcard") << u"*/20 1 * * *"_s << u"Australia/Lord_Howe"_s
        << u"2026-04-05T01:25:00+11:00"_s
        << QStringList{u"2026-04-05T01:40:00+11:00"_s, u"2026-04-05T01:40:00+10:30"_s, u"2026-04-06T01:00:00+10:30"_s};
}

void tst_CronExpression::nextFireTimes()
{
    QFETCH(QString, expr);
    QFETCH(QString, zone);
    QFETCH(QString, from);
    QFETCH(QStringList, expected);
    Expected<CronExpression> c = CronExpression::parse(expr, zone);
    QVERIFY2(c, qPrintable(c ? QString() : c.error().toString()));
    QStringList got;
    for (TimeMs t : c->next(at(from), int(expected.size())))
        got << iso(t, *c);
    QCOMPARE(got, expected);
}

void tst_CronExpression::errorsNameTheFieldAndToken_data()
{
    QTest::addColumn<QString>("expr");
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QString>("message");
    QTest::newRow("out of range") << u"0 0 32 * *"_s << QString()
                                  << u"invalid_cron: field day-of-month: \"32\" is out of range 1-31"_s;
    QTest::newRow("minute 60") << u"60 * * * *"_s << QString() << u"invalid_cron: field minute: \"60\" is out of range 0-59"_s;
    QTest::newRow("hour 24") << u"0 24 * * *"_s << QString() << u"invalid_cron: field hour: \"24\" is out of range 0-23"_s;
    QTest::newRow("month 13") << u"0 0 1 13 *"_s << QString() << u"invalid_cron: field month: \"13\" is out of range 1-12"_s;
    QTest::newRow("weekday 8") << u"0 0 * * 8"_s << QString()
                               << u"invalid_cron: field day-of-week: \"8\" is out of range 0-7"_s;
    QTest::newRow("not a number") << u"x * * * *"_s << QString() << u"invalid_cron: field minute: \"x\" is not a number"_s;
    QTest::newRow("bad name") << u"0 0 * FOO *"_s << QString()
                              << u"invalid_cron: field month: \"FOO\" is not a month name (use JAN–DEC or a number)"_s;
    QTest::newRow("negative") << u"-1 * * * *"_s << QString() << u"invalid_cron: field minute: a value is missing"_s;
    QTest::newRow("backwards range") << u"30-10 * * * *"_s << QString()
                                     << u"invalid_cron: field minute: \"30-10\" runs backwards (30 is after 10)"_s;
    QTest::newRow("step 0") << u"*/0 * * * *"_s << QString() << u"invalid_cron: field minute: \"*/0\": the step must be at least 1"_s;
    QTest::newRow("bad step") << u"*/x * * * *"_s << QString()
                              << u"invalid_cron: field minute: \"*/x\": the step \"x\" is not a number"_s;
    QTest::newRow("empty item") << u"1,,2 * * * *"_s << QString()
                                << u"invalid_cron: field minute: an empty item in the list \"1,,2\""_s;
    QTest::newRow("four fields") << u"* * * *"_s << QString()
                                 << u"invalid_cron: expected 5 fields (minute hour day-of-month month day-of-week) or a macro like @daily, got 4 in \"* * * *\""_s;
    QTest::newRow("six fields") << u"0 * * * * *"_s << QString() << u"got 6"_s;
    QTest::newRow("empty") << u"   "_s << QString() << u"invalid_cron: the expression is empty"_s;
    QTest::newRow("unknown macro") << u"@often"_s << QString() << u"unknown macro \"@often\""_s;
    QTest::newRow("@reboot") << u"@reboot"_s << QString() << u"@reboot is not a schedule"_s;
    QTest::newRow("Feb 30 never fires") << u"0 0 30 2 *"_s << QString()
        << u"invalid_cron: \"0 0 30 2 *\" never fires: field day-of-month \"30\" has no day that exists in field month \"2\""_s;
    QTest::newRow("31st of April and June") << u"0 0 31 4,6 *"_s << QString() << u"never fires"_s;
    QTest::newRow("unknown zone") << u"0 0 * * *"_s << u"Mars/Olympus"_s
                                  << u"invalid_cron: unknown time zone \"Mars/Olympus\""_s;
}

void tst_CronExpression::errorsNameTheFieldAndToken()
{
    QFETCH(QString, expr);
    QFETCH(QString, zone);
    QFETCH(QString, message);
    Expected<CronExpression> c = CronExpression::parse(expr, zone);
    QVERIFY(!c);
    QCOMPARE(c.error().code, ErrorCode::InvalidCron);
    QVERIFY2(c.error().toString().contains(message), qPrintable(c.error().toString()));
}

void tst_CronExpression::describes_data()
{
    QTest::addColumn<QString>("expr");
    QTest::addColumn<QString>("reading");
    QTest::newRow("daily") << u"30 2 * * *"_s << u"at 02:30 every day, Europe/Berlin"_s;
    QTest::newRow("every 15") << u"*/15 * * * *"_s << u"every 15 minutes, Europe/Berlin"_s;
    QTest::newRow("hourly") << u"@hourly"_s << u"every hour, on the hour, Europe/Berlin"_s;
    QTest::newRow("weekdays") << u"0 9 * * 1-5"_s << u"at 09:00 on Monday–Friday, Europe/Berlin"_s;
    QTest::newRow("monthly") << u"0 0 1 * *"_s << u"at 00:00 on day 1 of every month, Europe/Berlin"_s;
}

void tst_CronExpression::describes()
{
    QFETCH(QString, expr);
    QFETCH(QString, reading);
    Expected<CronExpression> c = CronExpression::parse(expr, u"Europe/Berlin"_s);
    QVERIFY(c);
    QCOMPARE(c->describe(), reading);
}

void tst_CronExpression::fixedAndWildcard()
{
    QVERIFY(CronExpression::parse(u"30 2 * * *"_s, u"UTC"_s)->isFixedTime());
    QVERIFY(CronExpression::parse(u"0-59/5 2 * * *"_s, u"UTC"_s)->isFixedTime());
    QVERIFY(!CronExpression::parse(u"*/5 2 * * *"_s, u"UTC"_s)->isFixedTime());
    QVERIFY(!CronExpression::parse(u"30 * * * *"_s, u"UTC"_s)->isFixedTime());
    QVERIFY(!CronExpression::parse(u"@hourly"_s, u"UTC"_s)->isFixedTime());
    // Whitespace is forgiven; the expression keeps its words.
    QCOMPARE(CronExpression::parse(u"  0   0 * *  * "_s, u"UTC"_s)->expression(), u"0 0 * * *"_s);
}

QTEST_GUILESS_MAIN(tst_CronExpression)
#include "tst_cronexpression.moc"
