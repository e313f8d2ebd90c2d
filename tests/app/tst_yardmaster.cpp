// SPDX-License-Identifier: GPL-3.0-or-later
// The yardmaster executable as a user runs it: bad input, no display, headless start and stop.
#include "tempdatabase.h"

#include "demo/demoworkload.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QDir>
#include <QScopeGuard>
#include <QStorageInfo>
#include <QTest>

#include <unistd.h>

using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_Yardmaster : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void badDatabaseIsRefusedUntouched();
    void noDisplayNamesHeadlessAndXvfb();
    void helpAndVersionNeedNoDisplay_data();
    void helpAndVersionNeedNoDisplay();
    void headlessStartsAndStopsGracefully();
    void badConfigIsReported();
    void badArgumentsAreNamed_data();
    void badArgumentsAreNamed();
    void aSecondProcessOnTheSameFileIsRefused();
    void aSecondServerOnTheSameSocketIsRefused();
    void headlessLogsForJournald();
    void inMemoryShutdownSaysRunsAreDiscarded();
    void fullDiskPausesThenShutdownReportsWhatWasLost();

private:
    QTemporaryDir m_sockets; ///< the API socket of every yardmaster started here (YARD_SOCKET)
    static QProcessEnvironment withoutDisplay();
    static int runsOnDisk(const QString &path);
    static QString binary() { return QStringLiteral(YARDMASTER_BINARY); }
};

void tst_Yardmaster::initTestCase()
{
    // Tests run side by side: each process's yardmasters serve on a socket of their own.
    QVERIFY(m_sockets.isValid());
    qputenv("YARD_SOCKET", m_sockets.filePath(u"api.sock"_s).toLocal8Bit());
}

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

void tst_Yardmaster::badArgumentsAreNamed_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expect");
    QTest::newRow("unknown option") << QStringList{u"--bogus"_s} << u"Unknown option 'bogus'"_s;
    QTest::newRow("stray argument") << QStringList{u"--headless"_s, u"oops"_s} << u"unexpected argument \"oops\""_s;
    QTest::newRow("empty --db") << QStringList{u"--headless"_s, u"--db"_s, u""_s} << u"--db needs a database file path"_s;
    QTest::newRow("--socket with --no-api") << QStringList{u"--headless"_s, u"--socket"_s, u"x"_s, u"--no-api"_s}
                                            << u"--socket and --no-api exclude each other"_s;
    QTest::newRow("empty --socket") << QStringList{u"--headless"_s, u"--socket"_s, u" "_s} << u"--socket needs a name or a path"_s;
    QTest::newRow("--db a device") << QStringList{u"--headless"_s, u"--db"_s, u"/dev/null"_s}
                                   << u"/dev/null is not a regular file"_s;
}

void tst_Yardmaster::badArgumentsAreNamed()
{
    QFETCH(QStringList, args);
    QFETCH(QString, expect);
    QProcess p;
    p.setProcessEnvironment(withoutDisplay()); // a mistyped option is not "no display"
    p.start(binary(), args);
    QVERIFY(p.waitForFinished(10000));
    QVERIFY(p.exitCode() != 0);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.contains(expect), qPrintable(err));
}

void tst_Yardmaster::aSecondProcessOnTheSameFileIsRefused()
{
    TempDatabase dir;
    const QString path = dir.path(u"y.db"_s);
    QProcess first;
    first.start(binary(), {u"--headless"_s, u"--db"_s, path});
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += first.readAllStandardOutput()).contains("headless scheduler running"),
                             10000);
    QProcess second;
    second.start(binary(), {u"--headless"_s, u"--db"_s, path});
    QVERIFY(second.waitForFinished(10000));
    QVERIFY(second.exitCode() != 0);
    const QString err = QString::fromUtf8(second.readAllStandardError());
    QVERIFY2(err.contains(u"database_in_use"_s) && err.contains(u"pid %1"_s.arg(first.processId())),
             qPrintable(err));
    first.terminate();
    QVERIFY(first.waitForFinished(15000));
    QCOMPARE(first.exitCode(), 0); // the first one was not disturbed
}

void tst_Yardmaster::aSecondServerOnTheSameSocketIsRefused()
{
    TempDatabase dir;
    const QString socket = dir.path(u"api.sock"_s);
    QProcess first;
    first.start(binary(), {u"--headless"_s, u"--in-memory"_s, u"--socket"_s, socket});
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += first.readAllStandardOutput()).contains("headless scheduler running"), 10000);
    QVERIFY2(out.contains(QByteArray("API ").append(socket.toLocal8Bit())), out.constData());
    QCOMPARE(QFileInfo(socket).permissions() & (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther),
             QFile::Permissions()); // mode 0600: this user only
    QProcess second;
    second.start(binary(), {u"--headless"_s, u"--in-memory"_s, u"--socket"_s, socket});
    QVERIFY(second.waitForFinished(10000));
    QCOMPARE(second.exitCode(), 1);
    const QString err = QString::fromUtf8(second.readAllStandardError());
    QVERIFY2(err.contains(u"another Yardmaster already serves the API on %1"_s.arg(socket)), qPrintable(err));
    QVERIFY(QFileInfo::exists(socket)); // and it left the first one's socket alone
    first.terminate();
    QVERIFY(first.waitForFinished(15000));
    QCOMPARE(first.exitCode(), 0);
    QVERIFY(!QFileInfo::exists(socket)); // removed on the way out

    // A socket file left by a killed server is taken over.
    QProcess third;
    third.start(binary(), {u"--headless"_s, u"--in-memory"_s, u"--socket"_s, socket});
    out.clear();
    QTRY_VERIFY_WITH_TIMEOUT((out += third.readAllStandardOutput()).contains("headless scheduler running"), 10000);
    third.kill();
    QVERIFY(third.waitForFinished(10000));
    QVERIFY(QFileInfo::exists(socket));
    QProcess fourth;
    fourth.start(binary(), {u"--headless"_s, u"--in-memory"_s, u"--socket"_s, socket});
    out.clear();
    QTRY_VERIFY_WITH_TIMEOUT((out += fourth.readAllStandardOutput()).contains("headless scheduler running"), 10000);
    fourth.terminate();
    QVERIFY(fourth.waitForFinished(15000));
    QCOMPARE(fourth.exitCode(), 0);
}

void tst_Yardmaster::headlessLogsForJournald()
{
    // Under systemd every log line carries its syslog priority; elsewhere the level is spelled out.
    for (const bool journal : {true, false}) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"QT_LOGGING_RULES"_s, u"yard.*.info=true"_s);
        if (journal)
            env.insert(u"JOURNAL_STREAM"_s, u"8:12345"_s);
        else
            env.remove(u"JOURNAL_STREAM"_s);
        p.setProcessEnvironment(env);
        p.start(binary(), {u"--headless"_s, u"--in-memory"_s});
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).contains("headless scheduler running"), 10000);
        p.terminate();
        QVERIFY(p.waitForFinished(15000));
        QCOMPARE(p.exitCode(), 0);
        const QByteArray err = p.readAllStandardError();
        const QByteArray expect = journal ? "<6>yard.api: API listening on " : "info yard.api: API listening on ";
        QVERIFY2(err.contains(expect), err.constData());
        for (const QByteArray &line : err.split('\n')) {
            if (!line.isEmpty())
                QVERIFY2(journal ? line.startsWith('<') : !line.startsWith('<'), line.constData());
        }
    }
}

void tst_Yardmaster::inMemoryShutdownSaysRunsAreDiscarded()
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QT_LOGGING_RULES"_s, u"yard.*.info=true"_s);
    p.setProcessEnvironment(env);
    p.start(binary(), {u"--headless"_s, u"--in-memory"_s, u"--demo"_s});
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).contains("headless scheduler running"),
                             10000);
    QTest::qWait(1500); // let the demo queue some work
    p.terminate();
    QVERIFY(p.waitForFinished(15000));
    QCOMPARE(p.exitCode(), 0);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.contains(u"discarded (in memory"_s), qPrintable(err));
    QVERIFY2(!err.contains(u"stay queued"_s), qPrintable(err));
}

void tst_Yardmaster::fullDiskPausesThenShutdownReportsWhatWasLost()
{
    if (::geteuid() != 0)
        QSKIP("needs root to mount a small tmpfs (CI runs as root)");
    TempDatabase dir;
    const QString mount = dir.path(u"small"_s);
    QVERIFY(QDir().mkpath(mount));
    if (QProcess::execute(u"mount"_s, {u"-t"_s, u"tmpfs"_s, u"-o"_s, u"size=2m"_s, u"tmpfs"_s, mount}) != 0)
        QSKIP("cannot mount a tmpfs here");
    auto unmount = qScopeGuard([&] { QProcess::execute(u"umount"_s, {mount}); });
    const QString db = mount + u"/y.db"_s;
    // Fill the disk but for a little room, once the database exists.
    {
        QProcess p;
        p.start(binary(), {u"--headless"_s, u"--db"_s, db});
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).contains("headless scheduler running"), 10000);
        p.terminate();
        QVERIFY(p.waitForFinished(15000));
    }
    // Leave a little room: enough to start (the lock file), not enough for long.
    QFile filler(mount + u"/filler"_s);
    QVERIFY(filler.open(QIODevice::WriteOnly));
    const QByteArray block(16 * 1024, 'x');
    while (QStorageInfo(mount).bytesAvailable() > 160 * 1024 && filler.write(block) == block.size()
           && filler.flush()) {}
    filler.close();
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QT_LOGGING_RULES"_s, u"yard.*.info=true"_s);
    p.setProcessEnvironment(env);
    p.start(binary(), {u"--headless"_s, u"--db"_s, db, u"--demo"_s});
    QByteArray err;
    QTRY_VERIFY_WITH_TIMEOUT((err += p.readAllStandardError()).contains("scheduler paused: store write failed:"), 30000);
    // Take every byte left, so the writer's retries (which fold the WAL into the database and can
    // free a little room) cannot succeed before the shutdown: what was accepted stays unwritten.
    {
        QFile more(mount + u"/filler2"_s);
        QVERIFY(more.open(QIODevice::WriteOnly));
        const QByteArray small(512, 'x');
        while (more.write(small) == small.size() && more.flush()) {}
    }
    p.terminate();
    QVERIFY(p.waitForFinished(20000));
    err += p.readAllStandardError();
    QCOMPARE(p.exitCode(), 1); // not a clean exit: accepted work was lost
    QVERIFY2(err.contains("accepted runs were not written to"), err.constData());
}

QTEST_GUILESS_MAIN(tst_Yardmaster)
#include "tst_yardmaster.moc"
