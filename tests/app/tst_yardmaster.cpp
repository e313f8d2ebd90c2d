// SPDX-License-Identifier: GPL-3.0-or-later
// The yardmaster executable as a user runs it: bad input, no display, headless start and stop.
#include "tempdatabase.h"

#include "demo/demoworkload.h"

#include <QCryptographicHash>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_Yardmaster : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void badDatabaseIsRefusedUntouched();
    void noDisplayNamesHeadlessAndXvfb();
    void helpAndVersionNeedNoDisplay_data();
    void helpAndVersionNeedNoDisplay();
    void headlessStartsAndStopsGracefully();
    void badConfigIsReported();

private:
    static QProcessEnvironment withoutDisplay();
    static int runsOnDisk(const QString &path);
    static QString binary() { return QStringLiteral(YARDMASTER_BINARY); }
};

void tst_Yardmaster::badDatabaseIsRefusedUntouched()
{
    TempDatabase dir;
    const QString path = dir.path(u"notes.db"_s);
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("my shopping list: eggs, milk\n");
    }
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray before = f.readAll();
    f.close();
    QProcess p;
    p.start(binary(), {u"--headless"_s, u"--db"_s, path});
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QVERIFY(p.exitCode() != 0);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.contains(path) && err.contains(u"not a SQLite database"_s), qPrintable(err));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), before);
    QVERIFY(!QFile::exists(path + u"-wal"_s));
}

QProcessEnvironment tst_Yardmaster::withoutDisplay()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(u"DISPLAY"_s);
    env.remove(u"WAYLAND_DISPLAY"_s);
    env.remove(u"QT_QPA_PLATFORM"_s);
    return env;
}

/// Runs in the database a live process is writing (WAL: readers never block the writer).
int tst_Yardmaster::runsOnDisk(const QString &path)
{
    int count = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"peek"_s);
        db.setDatabaseName(path);
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(u"SELECT count(*) FROM runs"_s) && q.next())
                count = q.value(0).toInt();
        }
    }
    QSqlDatabase::removeDatabase(u"peek"_s);
    return count;
}

void tst_Yardmaster::noDisplayNamesHeadlessAndXvfb()
{
#ifndef YARD_WITH_UI
    // Built without the console (YARD_BUILD_UI=OFF): the scheduler is all there is, so it runs
    // headless without being asked.
    QProcess headless;
    headless.setProcessEnvironment(withoutDisplay());
    headless.start(binary(), {u"--in-memory"_s});
    QVERIFY(headless.waitForStarted());
    QByteArray said;
    QTRY_VERIFY_WITH_TIMEOUT((said += headless.readAllStandardOutput()).contains("headless scheduler running"),
                             10000);
    headless.terminate();
    QVERIFY(headless.waitForFinished(10000));
    QCOMPARE(headless.exitCode(), 0);
    return;
#endif
    QProcess p;
    p.setProcessEnvironment(withoutDisplay());
    p.start(binary(), {u"--in-memory"_s});
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 2);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.contains(u"--headless"_s) && err.contains(u"xvfb-run"_s), qPrintable(err));
}

void tst_Yardmaster::helpAndVersionNeedNoDisplay_data()
{
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("expected");
    QTest::newRow("--help") << u"--help"_s << u"--headless"_s;
    QTest::newRow("-h") << u"-h"_s << u"--in-memory"_s;
    QTest::newRow("--version") << u"--version"_s << u"yardmaster "_s;
}

void tst_Yardmaster::helpAndVersionNeedNoDisplay()
{
    QFETCH(QString, flag);
    QFETCH(QString, expected);
    QProcess p;
    p.setProcessEnvironment(withoutDisplay());
    p.start(binary(), {flag});
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 0);
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    QVERIFY2(out.contains(expected), qPrintable(out + QString::fromUtf8(p.readAllStandardError())));
}

void tst_Yardmaster::headlessStartsAndStopsGracefully()
{
    TempDatabase dir;
    const QString path = dir.path(u"y.db"_s);
    QProcess p;
    p.start(binary(), {u"--headless"_s, u"--db"_s, path, u"--demo"_s});
    QVERIFY(p.waitForStarted());
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).contains("headless scheduler running"),
                             10000);
    // Stop only once the demo's runs are on disk, so the shutdown has work to settle.
    QTRY_VERIFY_WITH_TIMEOUT(runsOnDisk(path) > 0, 15000);
    p.terminate(); // SIGTERM
    QVERIFY(p.waitForFinished(15000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 0);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"check"_s);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(u"PRAGMA integrity_check"_s) && q.next());
        QCOMPARE(q.value(0).toString(), u"ok"_s);
        QVERIFY(q.exec(u"SELECT count(*) FROM sessions"_s) && q.next());
        QCOMPARE(q.value(0).toInt(), Yard::DemoWorkload::Options().sessions);
        QVERIFY(q.exec(u"SELECT count(*) FROM runs WHERE state IN ('running', 'claimed')"_s) && q.next());
        QCOMPARE(q.value(0).toInt(), 0); // graceful: nothing left marked running
        QVERIFY(q.exec(u"SELECT count(*) FROM runs"_s) && q.next());
        QVERIFY(q.value(0).toInt() > 0);
    }
    QSqlDatabase::removeDatabase(u"check"_s);
}

void tst_Yardmaster::badConfigIsReported()
{
    TempDatabase dir;
    const QString path = dir.path(u"config.json"_s);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"lanes": {"main": -}})");
    f.close();
    QProcess p;
    p.start(binary(), {u"--headless"_s, u"--in-memory"_s, u"--config"_s, path});
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 1);
    QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains(path));
}

QTEST_GUILESS_MAIN(tst_Yardmaster)
#include "tst_yardmaster.moc"
