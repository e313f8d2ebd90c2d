// SPDX-License-Identifier: GPL-3.0-or-later
// yardctl as a user runs it (SPEC I3): against a headless yardmaster on a temp database (the
// end-to-end path of the local API), exit codes, usage errors, help and the man page, and the
// offline `cron next`.
#include "tempdatabase.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
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
    void helpOnEveryCommand_data();
    void helpOnEveryCommand();
    void manPageHasEveryCommand();
    void cannotConnectExitsThree();
    void endToEndAgainstHeadless();
    void serverErrorsExitOne();
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
    p.setProcessChannelMode(QProcess::SeparateChannels);
    p.start(QStringLiteral(YARDCTL_BINARY), args);
    if (!p.waitForFinished(20000))
        qFatal("yardctl did not finish");
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}
/// A headless yardmaster on a temp database, serving the API on a socket of its own.
class Headless
{
public:
    Headless()
    {
        m_socket = m_dir.path(u"api.sock"_s);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start(QStringLiteral(YARDMASTER_BINARY),
                        {u"--headless"_s, u"--db"_s, db(), u"--socket"_s, m_socket});
    }
    ~Headless()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            m_process.waitForFinished(15000);
        }
    }
    /// Waits until the API answers.
    bool ready()
    {
        return QTest::qWaitFor([&] { return run({u"--socket"_s, m_socket, u"status"_s}).code == 0; }, 10'000);
    }
    Result ctl(QStringList args) const
    {
        args.prepend(m_socket);
        args.prepend(u"--socket"_s);
        return run(args);
    }
    /// --json output, one object.
    QJsonObject json(QStringList args) const
    {
        args.prepend(u"--json"_s);
        const Result r = ctl(args);
        if (r.code != 0)
            qWarning("yardctl %s: %d %s", qPrintable(args.join(u' ')), r.code, qPrintable(r.err));
        return QJsonDocument::fromJson(r.out.toUtf8()).object();
    }
    QString db() const { return m_dir.path(u"y.db"_s); }
    QString socket() const { return m_socket; }
    QProcess &process() { return m_process; }

private:
    Yard::Test::TempDatabase m_dir;
    QString m_socket;
    QProcess m_process;
};

QJsonArray runsOf(const Headless &h, const QString &session, const QString &state = {})
{
    QStringList args{u"runs"_s, u"list"_s, u"--session"_s, session};
    if (!state.isEmpty())
        args << u"--state"_s << state;
    return h.json(args).value(u"runs"_s).toArray();
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
    QVERIFY(r.out.contains(u"cron next"_s));
    QVERIFY(r.out.contains(u"runs cancel"_s));
    QVERIFY(r.out.contains(u"Exit codes"_s));
    QCOMPARE(run({u"cron"_s, u"next"_s, u"--help"_s}).code, 0);
}

namespace {
const QStringList kCommands{u"status"_s,      u"pause"_s,       u"resume"_s,       u"drain"_s,        u"submit"_s,
                            u"task create"_s, u"sessions list"_s, u"runs list"_s, u"runs cancel"_s,  u"runs retry"_s,
                            u"runs requeue"_s, u"runs recover"_s, u"runs ack"_s,  u"jobs list"_s,    u"jobs create"_s,
                            u"jobs update"_s, u"jobs enable"_s, u"jobs disable"_s, u"jobs run"_s,     u"jobs delete"_s,
                            u"lanes list"_s,  u"lanes set"_s,   u"events"_s,       u"cycles"_s,       u"cron next"_s};
}

void tst_Yardctl::helpOnEveryCommand_data()
{
    QTest::addColumn<QString>("command");
    for (const QString &c : kCommands)
        QTest::newRow(qPrintable(c)) << c;
}

void tst_Yardctl::helpOnEveryCommand()
{
    QFETCH(QString, command);
    QStringList args = command.split(u' ');
    const Result r = run(args + QStringList{u"--help"_s});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.startsWith(u"usage: yardctl "_s + command), qPrintable(r.out));
    QVERIFY(r.out.contains(u"Exit codes: 0 ok, 1 an error from the server, 2 usage or invalid input, 3 cannot connect."_s));
    QCOMPARE(run(QStringList{u"help"_s} + args).out, r.out); // `yardctl help runs cancel` says the same
}

void tst_Yardctl::manPageHasEveryCommand()
{
    const Result r = run({u"--man"_s});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.startsWith(u".TH YARDCTL 1"_s));
    for (const QString &c : kCommands)
        QVERIFY2(r.out.contains(u".SS \""_s + QString(c).replace(u'-', u"\\-"_s)), qPrintable(c));
    QVERIFY(r.out.contains(u".SH EXIT STATUS"_s));
}

void tst_Yardctl::cannotConnectExitsThree()
{
    Yard::Test::TempDatabase dir;
    const Result r = run({u"--socket"_s, dir.path(u"nobody.sock"_s), u"status"_s});
    QCOMPARE(r.code, 3);
    QVERIFY2(r.err.contains(u"cannot connect to Yardmaster at"_s) && r.err.contains(u"yardmaster --headless"_s), qPrintable(r.err));
    // Usage is checked before connecting: a bad option is 2 even with no server.
    QCOMPARE(run({u"--socket"_s, dir.path(u"nobody.sock"_s), u"runs"_s, u"list"_s, u"--limit"_s, u"x"_s}).code, 2);
}

void tst_Yardctl::endToEndAgainstHeadless()
{
    Headless h;
    QVERIFY(h.ready());
    const QString session = u"e2e"_s;
    const QString failing = uR"({"duration_ms": 20, "distribution": "fixed", "steps": 1, "fail_p": 1, "error": "boom"})"_s;
    const QString slow = uR"({"duration_ms": 600000, "distribution": "fixed", "steps": 600})"_s;

    // Paused: work is accepted (and on disk at once) but nothing starts.
    Result r = h.ctl({u"pause"_s, u"--reason"_s, u"e2e test"_s});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(u"Paused"_s));
    QList<qint64> runs;
    for (const QString &payload : {failing, failing, slow}) {
        const QJsonObject s = h.json({u"submit"_s, u"--session"_s, session, u"--text"_s, u"work"_s, u"--payload"_s, payload});
        QVERIFY(s.value(u"run"_s).toInteger() > 0);
        runs << s.value(u"run"_s).toInteger();
    }
    {
        // Acknowledged means on disk: read the file behind the server's back.
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"peek"_s);
        db.setDatabaseName(h.db());
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(u"SELECT count(*) FROM runs"_s) && q.next());
        QCOMPARE(q.value(0).toInt(), 3);
    }
    QSqlDatabase::removeDatabase(u"peek"_s);
    QTest::qWait(300); // a negative check: give a wrongly started run the chance to show
    QCOMPARE(runsOf(h, session, u"queued"_s).size(), 3);
    QCOMPARE(h.json({u"status"_s}).value(u"running"_s).toInt(), 0);
    QCOMPARE(h.json({u"status"_s}).value(u"pause_reason"_s).toString(), u"e2e test"_s);

    // Follow the session's events from here on.
    QProcess follow;
    follow.start(QStringLiteral(YARDCTL_BINARY), {u"--socket"_s, h.socket(), u"--json"_s, u"events"_s, u"--follow"_s,
                                                  u"--filter"_s, u"session="_s + session, u"--filter"_s, u"prefix=run."_s});
    QVERIFY(follow.waitForStarted());
    QByteArray followErr;
    QTRY_VERIFY2_WITH_TIMEOUT((followErr += follow.readAllStandardError()).contains("Following events"),
                              followErr.constData(), 10000);

    QCOMPARE(h.ctl({u"resume"_s}).code, 0);
    QTRY_COMPARE_WITH_TIMEOUT(runsOf(h, session, u"failed"_s).size(), 2, 15000);
    QTRY_COMPARE_WITH_TIMEOUT(runsOf(h, session, u"running"_s).size(), 1, 15000);

    // Cancel the slow one by id.
    r = h.ctl({u"runs"_s, u"cancel"_s, QString::number(runs[2]), u"--reason"_s, u"too slow"_s});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(u"cancel: 1 done"_s), qPrintable(r.out));
    QTRY_COMPARE_WITH_TIMEOUT(runsOf(h, session, u"cancelled"_s).size(), 1, 15000);

    // Bulk retry by filter: the dry run counts first, then the retry creates new runs.
    const QStringList filter{u"--filter"_s, u"state=failed"_s, u"--filter"_s, u"session="_s + session};
    const QJsonObject dry = h.json(QStringList{u"runs"_s, u"retry"_s, u"--dry-run"_s} + filter);
    QCOMPARE(dry.value(u"matches"_s).toInt(), 2);
    QCOMPARE(runsOf(h, session).size(), 3); // the dry run changed nothing
    const QJsonObject retried = h.json(QStringList{u"runs"_s, u"retry"_s, u"--yes"_s, u"--reason"_s, u"flaky"_s} + filter);
    QCOMPARE(retried.value(u"done"_s).toInt(), 2);
    QCOMPARE(retried.value(u"created"_s).toArray().size(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(runsOf(h, session, u"failed"_s).size(), 4, 15000);

    // Read it all back: five runs, each ended once, as the table shows them.
    const QJsonArray all = runsOf(h, session);
    QCOMPARE(all.size(), 5);
    r = h.ctl({u"runs"_s, u"list"_s, u"--session"_s, session});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.startsWith(u"ID"_s));
    QCOMPARE(r.out.count(u"handler_failed: boom"_s), 4);

    // The follower saw every terminal event of this session, once.
    QTRY_VERIFY_WITH_TIMEOUT(follow.bytesAvailable() > 0, 5000);
    QByteArray seen;
    QTRY_VERIFY_WITH_TIMEOUT((seen += follow.readAllStandardOutput()).count("\"run.failed\"") == 4, 10000);
    QCOMPARE(seen.count("\"run.cancelled\""), 1);
    QCOMPARE(seen.count("\"run.completed\""), 0);
    for (const QByteArray &line : seen.split('\n')) {
        if (!line.isEmpty())
            QCOMPARE(QJsonDocument::fromJson(line).object().value(u"session"_s).toString(), session);
    }
    follow.terminate();
    follow.waitForFinished(5000);

    // Every operator action is in the audit log with the client's user and reason.
    h.process().terminate();
    QVERIFY(h.process().waitForFinished(15000));
    QCOMPARE(h.process().exitCode(), 0);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"audit"_s);
        db.setDatabaseName(h.db());
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(u"SELECT actor, action, reason FROM audit_log ORDER BY id"_s));
        QStringList rows;
        while (q.next())
            rows << u"%1 %2 %3"_s.arg(q.value(0).toString(), q.value(1).toString(), q.value(2).toString());
        const QString user = qEnvironmentVariable("USER", u"root"_s);
        QVERIFY2(rows.join(u'\n').contains(u"pause e2e test"_s), qPrintable(rows.join(u'\n')));
        QVERIFY2(rows.join(u'\n').contains(u"retry_runs flaky"_s), qPrintable(rows.join(u'\n')));
        for (const QString &row : rows)
            QVERIFY2(row.startsWith(u"api:"_s), qPrintable(row));
        Q_UNUSED(user)
    }
    QSqlDatabase::removeDatabase(u"audit"_s);
}

void tst_Yardctl::serverErrorsExitOne()
{
    Headless h;
    QVERIFY(h.ready());
    Result r = h.ctl({u"jobs"_s, u"enable"_s, u"999"_s});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(u"999"_s), qPrintable(r.err));
    r = h.ctl({u"lanes"_s, u"set"_s, u"main"_s, u"--limit"_s, u"0"_s});
    QCOMPARE(r.code, 2); // checked before asking
    r = h.ctl({u"runs"_s, u"cancel"_s, u"424242"_s});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(u"424242"_s), qPrintable(r.err));
}

QTEST_GUILESS_MAIN(tst_Yardctl)
#include "tst_yardctl.moc"
