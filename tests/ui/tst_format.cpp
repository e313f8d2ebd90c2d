// SPDX-License-Identifier: GPL-3.0-or-later
// How the console writes durations, ages and paths.
#include "format.h"

#include <QDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Yard::Ui;

class tst_Format : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void duration_data();
    void duration();
    void age_data();
    void age();
    void homeRelative_data();
    void homeRelative();
    void timesInTheDisplayZone_data();
    void timesInTheDisplayZone();
};

void tst_Format::duration_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("expected");
    QTest::newRow("zero") << qint64(0) << u"0 ms"_s;
    QTest::newRow("ms") << qint64(999) << u"999 ms"_s;
    QTest::newRow("seconds") << qint64(12'345) << u"12.3 s"_s;
    QTest::newRow("minutes") << qint64(245'000) << u"4 min 5 s"_s;
    QTest::newRow("just under an hour") << qint64(3'599'999) << u"59 min 59 s"_s;
    QTest::newRow("hours") << qint64(4'530'000) << u"1 h 15 min"_s;
    QTest::newRow("days of hours") << qint64(100 * 3'600'000LL) << u"100 h 0 min"_s;
}

void tst_Format::duration()
{
    QFETCH(qint64, ms);
    QFETCH(QString, expected);
    QCOMPARE(Format::duration(ms), expected);
}

void tst_Format::age_data()
{
    QTest::addColumn<qint64>("ago");
    QTest::addColumn<QString>("expected");
    QTest::newRow("never") << qint64(-1) << u"—"_s;
    QTest::newRow("seconds") << qint64(12'000) << u"12 s ago"_s;
    QTest::newRow("minutes") << qint64(180'000) << u"3 min ago"_s;
    QTest::newRow("hours") << qint64(7'200'000) << u"2 h ago"_s;
    QTest::newRow("days") << qint64(3 * 86'400'000LL) << u"3 d ago"_s;
    QTest::newRow("clock skew") << qint64(-5'000) << u"0 s ago"_s;
}

void tst_Format::age()
{
    QFETCH(qint64, ago);
    QFETCH(QString, expected);
    const qint64 now = 1'800'000'000'000;
    QCOMPARE(Format::age(now, ago == -1 ? 0 : now - ago), expected);
}

void tst_Format::homeRelative_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("expected");
    const QString home = QDir::homePath();
    QTest::newRow("inside home") << home + u"/.local/share/yardmaster/yardmaster.db"_s
                                 << u"~/.local/share/yardmaster/yardmaster.db"_s;
    QTest::newRow("home itself") << home << u"~"_s;
    QTest::newRow("sibling with the same prefix") << home + u"x/db"_s << home + u"x/db"_s;
    QTest::newRow("elsewhere") << u"/var/lib/yard.db"_s << u"/var/lib/yard.db"_s;
    QTest::newRow("in memory") << u":memory:"_s << u":memory:"_s;
}

void tst_Format::homeRelative()
{
    QFETCH(QString, path);
    QFETCH(QString, expected);
    if (QDir::homePath() == u"/"_s)
        QSKIP("home is /, nothing to shorten");
    QCOMPARE(Format::homeRelative(path), expected);
}

void tst_Format::timesInTheDisplayZone_data()
{
    // 2026-07-01 12:34:56.789 UTC; the process runs in Europe/Berlin (CEST, +2) here.
    QTest::addColumn<int>("zone");
    QTest::addColumn<QString>("stamp");
    QTest::addColumn<QString>("clock");
    QTest::addColumn<QString>("tipFirstLine");
    QTest::addColumn<QString>("tipSecondLine");
    QTest::newRow("local") << int(Format::Zone::Local) << u"2026-07-01 14:34:56"_s << u"14:34:56"_s
                           << u"2026-07-01 14:34:56.789 CEST (local)"_s << u"2026-07-01 12:34:56.789 UTC"_s;
    QTest::newRow("utc") << int(Format::Zone::Utc) << u"2026-07-01 12:34:56 UTC"_s << u"12:34:56"_s
                         << u"2026-07-01 12:34:56.789 UTC"_s << u"2026-07-01 14:34:56.789 CEST (local)"_s;
}

void tst_Format::timesInTheDisplayZone()
{
    QFETCH(int, zone);
    QFETCH(QString, stamp);
    QFETCH(QString, clock);
    QFETCH(QString, tipFirstLine);
    QFETCH(QString, tipSecondLine);
    const qint64 t = 1'782'909'296'789; // 2026-07-01T12:34:56.789Z
    Format::setDisplayZone(Format::Zone(zone));
    QCOMPARE(Format::timestamp(t), stamp);
    QCOMPARE(Format::clock(t), clock);
    QCOMPARE(Format::clock(t, true), clock + u".789"_s);
    QCOMPARE(Format::bothZones(t), tipFirstLine + u'\n' + tipSecondLine);
    QCOMPARE(Format::timestamp(0), u"—"_s);
    Format::setDisplayZone(Format::Zone::Local);
}

int main(int argc, char **argv)
{
    qputenv("TZ", "Europe/Berlin"); // the zone the expected local times are written in
    QCoreApplication app(argc, argv);
    tst_Format t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_format.moc"
