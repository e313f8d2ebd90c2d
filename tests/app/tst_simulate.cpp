// SPDX-License-Identifier: GPL-3.0-or-later
// `yardctl simulate` (SPEC I6) as a user runs it: every example in docs/scenarios gives the same
// bytes twice and matches its committed golden trace; the summary agrees with the trace's own
// lines; every queued run ends exactly once; a scenario with an error exits 2 with one line
// naming the JSON path and the problem.
//
// After a deliberate change of behaviour, rewrite the goldens with
//     YARD_UPDATE_GOLDEN=1 ctest -R tst_simulate
// and review the diff like code.
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QString kScenarios = QStringLiteral(YARD_SOURCE_DIR "/docs/scenarios");

struct Result
{
    int code = -1;
    QByteArray out;
    QByteArray err;
};

Result simulate(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral(YARDCTL_BINARY), QStringList{u"simulate"_s} + args);
    if (!p.waitForFinished(120'000))
        qFatal("yardctl simulate did not finish");
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(), p.readAllStandardError()};
}

QStringList examples()
{
    return QDir(kScenarios).entryList({u"*.json"_s}, QDir::Files, QDir::Name);
}

} // namespace

class tst_Simulate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void examplesExist();
    void sameInputSameBytesAndGolden_data();
    void sameInputSameBytesAndGolden();
    void summaryAgreesWithTheTrace_data();
    void summaryAgreesWithTheTrace();
    void badScenariosAreRefused_data();
    void badScenariosAreRefused();
    void readsStandardInput();
};

void tst_Simulate::examplesExist()
{
    // SPEC I6 names what the examples reproduce.
    const QStringList want{u"drop-old"_s,         u"drop-new"_s,      u"interrupt"_s,   u"collect"_s,
                           u"debounce"_s,         u"cancel-all-stale"_s, u"reset"_s,     u"lane-deadlock"_s,
                           u"starvation-ladder"_s, u"preemption"_s,    u"cron-dst"_s,    u"retry-backoff"_s,
                           u"crash-misfire"_s};
    for (const QString &name : want)
        QVERIFY2(examples().contains(name + u".json"_s), qPrintable(name));
}

void tst_Simulate::sameInputSameBytesAndGolden_data()
{
    QTest::addColumn<QString>("name");
    for (const QString &f : examples())
        QTest::newRow(qPrintable(f)) << f.chopped(5);
}

void tst_Simulate::sameInputSameBytesAndGolden()
{
    QFETCH(QString, name);
    const QString scenario = kScenarios + u'/' + name + u".json"_s;
    const Result first = simulate({scenario});
    QCOMPARE(first.code, 0);
    QVERIFY(first.out.endsWith("}\n"));
    const Result second = simulate({scenario});
    QCOMPARE(second.code, 0);
    QVERIFY2(first.out == second.out, "two runs of the same scenario differ");

    const QString goldenPath = kScenarios + u'/' + name + u".trace.jsonl"_s;
    if (qEnvironmentVariableIsSet("YARD_UPDATE_GOLDEN")) {
        QFile g(goldenPath);
        QVERIFY(g.open(QIODevice::WriteOnly));
        g.write(first.out);
        return;
    }
    QFile g(goldenPath);
    QVERIFY2(g.open(QIODevice::ReadOnly), qPrintable(goldenPath + u" is missing (YARD_UPDATE_GOLDEN=1 writes it)"_s));
    const QList<QByteArray> want = g.readAll().split('\n');
    const QList<QByteArray> got = first.out.split('\n');
    for (qsizetype i = 0; i < qMin(want.size(), got.size()); ++i) {
        if (want[i] != got[i])
            QFAIL(qPrintable(u"%1 line %2 differs from its golden trace:\n  want %3\n  got  %4"_s.arg(name).arg(i + 1).arg(
                QString::fromUtf8(want[i]), QString::fromUtf8(got[i]))));
    }
    QCOMPARE(got.size(), want.size());
}

void tst_Simulate::summaryAgreesWithTheTrace_data()
{
    sameInputSameBytesAndGolden_data();
}

void tst_Simulate::summaryAgreesWithTheTrace()
{
    QFETCH(QString, name);
    const QString scenarioPath = kScenarios + u'/' + name + u".json"_s;
    const Result r = simulate({scenarioPath});
    QCOMPARE(r.code, 0);
    QFile f(scenarioPath);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const bool cutOff = QJsonDocument::fromJson(f.readAll()).object().contains(u"until_ms"_s);

    QHash<QString, qint64> lines;
    QSet<qint64> queued;
    QHash<qint64, int> ends;
    QJsonObject summary;
    QString lastTime;
    static const QStringList kEnds{u"run.completed"_s, u"run.failed"_s, u"run.cancelled"_s, u"run.dropped"_s,
                                   u"run.stale"_s,     u"run.merged"_s, u"run.needs_attention"_s};
    const QList<QByteArray> trace = r.out.trimmed().split('\n');
    for (qsizetype i = 0; i < trace.size(); ++i) {
        const QJsonObject o = QJsonDocument::fromJson(trace[i]).object();
        QVERIFY2(!o.isEmpty(), trace[i].constData());
        const QString event = o.value(u"event"_s).toString();
        if (event == u"summary") {
            QCOMPARE(i, trace.size() - 1); // the last line
            summary = o;
            continue;
        }
        // t: virtual time, ISO-8601 UTC with milliseconds, never going back.
        const QString t = o.value(u"t"_s).toString();
        QVERIFY2(t.size() == 24 && t.endsWith(u'Z'), qPrintable(t));
        QVERIFY2(t >= lastTime, qPrintable(t));
        lastTime = t;
        ++lines[event];
        const qint64 run = o.value(u"run"_s).toInteger();
        if (event == u"run.queued")
            queued.insert(run);
        if (kEnds.contains(event))
            ++ends[run];
        if (event == u"run.recovered") // a recovered needs_attention run gets a new attempt
            --ends[run];
    }
    QVERIFY(!summary.isEmpty());
    QCOMPARE(summary.value(u"runs"_s).toInteger(), qint64(queued.size()));
    const QList<QPair<QString, QString>> counted{
        {u"completed"_s, u"run.completed"_s},   {u"failed"_s, u"run.failed"_s},      {u"cancelled"_s, u"run.cancelled"_s},
        {u"dropped"_s, u"run.dropped"_s},       {u"rejected"_s, u"run.rejected"_s},  {u"stale"_s, u"run.stale"_s},
        {u"merged"_s, u"run.merged"_s},         {u"needs_attention"_s, u"run.needs_attention"_s},
        {u"cycles"_s, u"cycle.completed"_s},    {u"wakes"_s, u"wake.sent"_s},        {u"preemptions"_s, u"run.interrupted"_s},
        {u"recovered_leases"_s, u"lease.recovered"_s}, {u"retries"_s, u"run.retry_scheduled"_s}};
    for (const auto &[key, event] : counted)
        QVERIFY2(summary.value(key).toInteger() == lines.value(event), qPrintable(key));
    // Every queued run ends once; a scenario cut off by until_ms may leave some running.
    for (qint64 run : std::as_const(queued)) {
        QVERIFY2(ends.value(run) <= 1, qPrintable(u"run %1 ended twice"_s.arg(run)));
        if (!cutOff)
            QVERIFY2(ends.value(run) == 1, qPrintable(u"run %1 never ended"_s.arg(run)));
    }
}

void tst_Simulate::badScenariosAreRefused_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("line");
    QTest::newRow("the contract's example")
        << QByteArray(R"({"actions": [{"at_ms": 0, "do": "pause"}, {"at_ms": 1, "do": "resume"}, {"at_ms": 2, "do": "run_cycle"},
                                      {"at_ms": "soon", "do": "run_cycle"}]})")
        << u"actions[3].at_ms: expected a number, got \"soon\""_s;
    QTest::newRow("not JSON") << QByteArray(R"({"actions": [)") << u"(the file): invalid JSON at byte 13"_s;
    QTest::newRow("no actions") << QByteArray(R"({"start": "2026-03-29T00:30:00Z"})") << u"actions: expected a list of objects, got nothing"_s;
    QTest::newRow("unknown verb") << QByteArray(R"({"actions": [{"at_ms": 0, "do": "explode"}]})")
                                  << u"actions[0].do: expected one of message, task, job"_s;
    QTest::newRow("unknown field") << QByteArray(R"({"actions": [{"at_ms": 0, "do": "pause", "resaon": "x"}]})")
                                   << u"actions[0].resaon: unknown field"_s;
    QTest::newRow("bad outcome") << QByteArray(R"({"actions": [{"at_ms": 0, "do": "message", "session": "s", "outcome": [{"result": "ok"}, {"steps": 0}]}]})")
                                 << u"actions[0].outcome[1].steps: expected a whole number from 1 to 1000, got 0"_s;
    QTest::newRow("ref used before it exists")
        << QByteArray(R"({"actions": [{"at_ms": 5, "do": "message", "ref": "m1", "session": "s"}, {"at_ms": 1, "do": "cancel", "run": "m1"}]})")
        << u"actions[1].run: no run with ref \"m1\" comes before this action"_s;
    QTest::newRow("bad cron") << QByteArray(R"({"actions": [{"at_ms": 0, "do": "job", "ref": "j", "schedule": {"cron": "* * * *"}}]})")
                              << u"actions[0].schedule.cron:"_s;
    QTest::newRow("bad zone") << QByteArray(R"({"config": {"timezone": "Mars/Olympus"}, "actions": []})")
                              << u"config.timezone: unknown time zone \"Mars/Olympus\""_s;
    QTest::newRow("bad queue") << QByteArray(R"({"sessions": [{"key": "s", "queue": {"mode": "lifo"}}], "actions": []})")
                               << u"sessions[0].queue: queue mode \"lifo\" is not one of queue, followup, interrupt, collect"_s;
    QTest::newRow("start without offset") << QByteArray(R"({"start": "2026-03-29T00:30:00", "actions": []})")
                                          << u"start: expected an ISO-8601 instant with its offset"_s;
}

void tst_Simulate::badScenariosAreRefused()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, line);
    QTemporaryDir dir;
    QFile f(dir.filePath(u"bad.json"_s));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(json);
    f.close();
    const Result r = simulate({f.fileName()});
    QCOMPARE(r.code, 2);
    QVERIFY(r.out.isEmpty()); // refused before anything ran
    const QString err = QString::fromUtf8(r.err);
    QCOMPARE(err.count(u'\n'), 1); // one line
    QVERIFY2(err.startsWith(f.fileName() + u": "_s + line), qPrintable(err));
}

void tst_Simulate::readsStandardInput()
{
    QProcess p;
    p.start(QStringLiteral(YARDCTL_BINARY), {u"simulate"_s, u"-"_s});
    p.write(R"({"actions": [{"at_ms": 0, "do": "message", "session": "s", "text": "hi", "outcome": {"duration_ms": 10}}]})");
    p.closeWriteChannel();
    QVERIFY(p.waitForFinished(20'000));
    QCOMPARE(p.exitCode(), 0);
    const QByteArray out = p.readAllStandardOutput();
    QVERIFY2(out.contains(R"("event":"run.completed")"), out.constData());
    QVERIFY(out.contains(R"({"event":"summary","runs":1,"completed":1,)"));
}

QTEST_GUILESS_MAIN(tst_Simulate)
#include "tst_simulate.moc"
