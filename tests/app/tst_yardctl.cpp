// SPDX-License-Identifier: GPL-3.0-or-later
// yardctl as a user runs it (SPEC I3): `cron next` output and exit codes, usage errors.
#include <QProcess>
#include <QTest>

using namespace Qt::StringLiterals;

class tst_Yardctl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cronNext_data();
    void cronNext();
    void badExpressionExitsTwo();
    void usageErrors_data();
    void usageErrors();
    void help();
};

namespace {
struct Result
{
    int code = -1;
    QString out;
    QString err;
};

Result run(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral(YARDCTL_BINARY), args);
    if (!p.waitForFinished(20000))
        qFatal("yardctl did not finish");
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}
} // namespace

void tst_Yardctl::cronNext_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("out");
    QTest::newRow("DST gap in Berlin")
        << QStringList{u"cron"_s, u"next"_s, u"30 2 * * *"_s, u"--from"_s, u"2026-03-28T12:00:00Z"_s, u"--count"_s,
                       u"3"_s, u"--tz"_s, u"Europe/Berlin"_s}
        << u"2026-03-29T03:00:00+02:00\n2026-03-30T02:30:00+02:00\n2026-03-31T02:30:00+02:00\n"_s;
    QTest::newRow("UTC, equals form") << QStringList{u"cron"_s, u"next"_s, u"@hourly"_s, u"--from=2026-01-01T00:00:00Z"_s,
                                                     u"--count=2"_s, u"--tz=UTC"_s}
                                      << u"2026-01-01T01:00:00+00:00\n2026-01-01T02:00:00+00:00\n"_s;
    QTest::newRow("from without offset is a wall time in the zone")
        << QStringList{u"cron"_s, u"next"_s, u"0 9 * * *"_s, u"--from"_s, u"2026-07-01T08:59:00"_s, u"--count"_s, u"1"_s,
                       u"--tz"_s, u"America/New_York"_s}
        << u"2026-07-01T09:00:00-04:00\n"_s;
    QTest::newRow("unquoted fields are taken together")
        << QStringList{u"cron"_s, u"next"_s, u"0"_s, u"0"_s, u"1"_s, u"1"_s, u"*"_s, u"--from"_s, u"2026-01-01T00:00:00Z"_s,
                       u"--count"_s, u"1"_s, u"--tz"_s, u"UTC"_s}
        << u"2027-01-01T00:00:00+00:00\n"_s;
}

void tst_Yardctl::cronNext()
{
    QFETCH(QStringList, args);
    QFETCH(QString, out);
    const Result r = run(args);
    QCOMPARE(r.code, 0);
    QCOMPARE(r.out, out);
}

void tst_Yardctl::badExpressionExitsTwo()
{
    const Result r = run({u"cron"_s, u"next"_s, u"0 0 32 * *"_s});
    QCOMPARE(r.code, 2);
    QVERIFY(r.out.isEmpty());
    QCOMPARE(r.err.trimmed(), u"invalid_cron: field day-of-month: \"32\" is out of range 1-31"_s);
    const Result zone = run({u"cron"_s, u"next"_s, u"@daily"_s, u"--tz"_s, u"Nowhere/Land"_s});
    QCOMPARE(zone.code, 2);
    QVERIFY(zone.err.startsWith(u"invalid_cron: unknown time zone"_s));
}

void tst_Yardctl::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("no command") << QStringList{} << u"a command is needed"_s;
    QTest::newRow("unknown command") << QStringList{u"frobnicate"_s} << u"unknown command \"frobnicate\""_s;
    QTest::newRow("no expression") << QStringList{u"cron"_s, u"next"_s} << u"cron next needs an expression"_s;
    QTest::newRow("bad count") << QStringList{u"cron"_s, u"next"_s, u"@daily"_s, u"--count"_s, u"0"_s}
                               << u"--count must be a whole number from 1 to 1000"_s;
    QTest::newRow("bad from") << QStringList{u"cron"_s, u"next"_s, u"@daily"_s, u"--from"_s, u"yesterday"_s}
                              << u"is not an ISO-8601 time"_s;
    QTest::newRow("unknown option") << QStringList{u"cron"_s, u"next"_s, u"@daily"_s, u"--soon"_s}
                                    << u"unknown option \"--soon\""_s;
}

void tst_Yardctl::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Result r = run(args);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
}

void tst_Yardctl::help()
{
    const Result r = run({u"--help"_s});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(u"cron next EXPR"_s));
    QVERIFY(r.out.contains(u"Exit codes"_s));
    QCOMPARE(run({u"cron"_s, u"next"_s, u"--help"_s}).code, 0);
}

QTEST_GUILESS_MAIN(tst_Yardctl)
#include "tst_yardctl.moc"
