// SPDX-License-Identifier: GPL-3.0-or-later
// The command handler (SPEC H2) with real processes: no shell, env, cwd and stdin, the bounded
// output tail, exit codes, and a cancel that takes the whole process group (a child that
// spawned a grandchild: both must be gone).
#include "eventrecorder.h"
#include "tempdatabase.h"
#include "testengine.h"

#include "engine/enginestatus.h"
#include "exec/executor.h"
#include "store/sqlitestore.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <cerrno>
#include <sys/types.h>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_CommandHandler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void argumentsAreNotAShell();
    void envCwdAndStdin();
    void exitCodeDecidesTheOutcome_data();
    void exitCodeDecidesTheOutcome();
    void outputTailIsBounded();
    void cancelKillsTheWholeProcessGroup();
    void badPayloadsFailClearly_data();
    void badPayloadsFailClearly();
};

namespace {
std::unique_ptr<TestEngine> engine()
{
    return std::make_unique<TestEngine>(TestEngine::defaultOptions(), nullptr, std::make_unique<PoolExecutor>(4));
}

RunId submit(TestEngine &t, const QJsonObject &payload)
{
    RunSubmission sub;
    sub.handler = u"command"_s;
    sub.payloadJson = QJsonDocument(payload).toJson(QJsonDocument::Compact);
    return t.engine->submitRun(sub).value();
}

Event outcome(TestEngine &t, RunId id)
{
    if (!QTest::qWaitFor([&] { return !t.events->outcomesOf(id).isEmpty(); }, 20000))
        return {};
    return t.events->outcomesOf(id).first();
}

bool alive(pid_t pid)
{
    return ::kill(pid, 0) == 0 || errno != ESRCH;
}
} // namespace

void tst_CommandHandler::argumentsAreNotAShell()
{
    auto t = engine();
    const RunId id = submit(*t, {{u"program"_s, u"/bin/echo"_s}, {u"args"_s, QJsonArray{u"a;b"_s, u"$HOME"_s, u"`id`"_s}}});
    const Event e = outcome(*t, id);
    QCOMPARE(e.type, EventType::RunCompleted);
    QCOMPARE(e.text, u"a;b $HOME `id`"_s); // literally, word for word
}

void tst_CommandHandler::envCwdAndStdin()
{
    auto t = engine();
    QTemporaryDir dir;
    const QString script = u"echo \"FOO=$FOO\"; pwd; cat; echo oops >&2"_s;
    const RunId id = submit(*t, {{u"program"_s, u"/bin/sh"_s},
                                {u"args"_s, QJsonArray{u"-c"_s, script}},
                                {u"env"_s, QJsonObject{{u"FOO"_s, u"bar baz"_s}}},
                                {u"cwd"_s, dir.path()},
                                {u"stdin"_s, u"from stdin\nsecond line"_s}});
    const Event e = outcome(*t, id);
    QCOMPARE(e.type, EventType::RunCompleted);
    const QStringList lines = e.text.split(u'\n');
    QVERIFY2(lines.contains(u"FOO=bar baz"_s), qPrintable(e.text));
    QVERIFY2(lines.contains(QDir(dir.path()).canonicalPath()) || lines.contains(dir.path()), qPrintable(e.text));
    QVERIFY2(lines.contains(u"from stdin"_s) && lines.contains(u"second line"_s), qPrintable(e.text));
    // stderr reaches the log, marked.
    QTRY_VERIFY(t->engine->liveRun(id) == std::nullopt);
}

void tst_CommandHandler::exitCodeDecidesTheOutcome_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("text");
    QTest::newRow("0 is success") << u"exit 0"_s << int(EventType::RunCompleted) << QString();
    QTest::newRow("3 is a failure naming it") << u"echo why >&2; exit 3"_s << int(EventType::RunFailed)
                                              << u"/bin/sh exited with code 3\nwhy"_s;
    QTest::newRow("a signal") << u"kill -9 $$"_s << int(EventType::RunFailed) << u"killed by a signal"_s;
}

void tst_CommandHandler::exitCodeDecidesTheOutcome()
{
    QFETCH(QString, script);
    QFETCH(int, type);
    QFETCH(QString, text);
    auto t = engine();
    const RunId id = submit(*t, {{u"program"_s, u"/bin/sh"_s}, {u"args"_s, QJsonArray{u"-c"_s, script}}});
    const Event e = outcome(*t, id);
    QCOMPARE(int(e.type), type);
    QVERIFY2(e.text.contains(text), qPrintable(e.text));
}

void tst_CommandHandler::outputTailIsBounded()
{
    TempDatabase db;
    auto t = std::make_unique<TestEngine>(TestEngine::defaultOptions(), SqliteStore::open(db.path()).value(),
                                          std::make_unique<PoolExecutor>(4));
    // 3 MiB of output in lines of 1000 characters; only the newest 1 MiB is kept.
    const RunId id = submit(*t, {{u"program"_s, u"/bin/sh"_s},
                                {u"args"_s, QJsonArray{u"-c"_s, u"i=0; while [ $i -lt 3100 ]; do printf '%0999d\\n' $i; i=$((i+1)); done"_s}}});
    const Event e = outcome(*t, id);
    QCOMPARE(e.type, EventType::RunCompleted);
    QVERIFY(e.text.size() < 64 * 1024); // the result is the last lines, not the whole output
    QVERIFY2(e.text.endsWith(u"3099"_s), qPrintable(e.text.right(40)));
    // The run's log kept the newest 1 MiB (within a trimming step), ending with the last line.
    QVERIFY(!t->store->flush().isError());
    const std::optional<Run> run = t->store->loadRun(id);
    QVERIFY(run);
    QVERIFY2(run->log.size() <= 1024 * 1024 + 1024 * 1024 / 8, qPrintable(QString::number(run->log.size())));
    QVERIFY2(run->log.size() >= 1024 * 1024 - 2000, qPrintable(QString::number(run->log.size())));
    QVERIFY(run->log.trimmed().endsWith(u"3099"_s));
}

void tst_CommandHandler::cancelKillsTheWholeProcessGroup()
{
    auto t = engine();
    QTemporaryDir dir;
    const QString pids = dir.filePath(u"pids"_s);
    // The child starts a grandchild that ignores SIGTERM, writes both pids, and waits.
    const QString script = u"sh -c 'trap \"\" TERM; sleep 1000' & echo $$ $! > %1; wait"_s.arg(pids);
    const RunId id = submit(*t, {{u"program"_s, u"/bin/sh"_s}, {u"args"_s, QJsonArray{u"-c"_s, script}}, {u"grace_ms"_s, 300}});
    QTRY_VERIFY(QFile(pids).size() > 0);
    QFile f(pids);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> ids = f.readAll().trimmed().split(' ');
    QCOMPARE(ids.size(), 2);
    const pid_t child = ids[0].toInt(), grandchild = ids[1].toInt();
    QVERIFY(alive(child) && alive(grandchild));
    QVERIFY(!t->engine->cancelRun(id, u"test"_s).isError());
    QCOMPARE(t->events->outcomeOf(id), EventType::RunCancelled);
    // SIGTERM to the group, SIGKILL after 300 ms for the one that ignores it.
    QTRY_VERIFY_WITH_TIMEOUT(!alive(child) && !alive(grandchild), 10000);
    QTRY_COMPARE(t->engine->runningCount(), 0); // its worker returned and the slot is free
}

void tst_CommandHandler::badPayloadsFailClearly_data()
{
    QTest::addColumn<QString>("payload");
    QTest::addColumn<QString>("message");
    QTest::newRow("no program") << u"{}"_s << u"\"program\" is missing"_s;
    QTest::newRow("args not strings") << uR"({"program": "/bin/echo", "args": [1]})"_s << u"every argument must be a string"_s;
    QTest::newRow("missing cwd") << uR"({"program": "/bin/echo", "cwd": "/no/such/dir"})"_s
                                 << u"the working directory \"/no/such/dir\" does not exist"_s;
    QTest::newRow("cannot start") << uR"({"program": "/no/such/program"})"_s << u"/no/such/program cannot be started"_s;
}

void tst_CommandHandler::badPayloadsFailClearly()
{
    QFETCH(QString, payload);
    QFETCH(QString, message);
    auto t = engine();
    RunSubmission sub;
    sub.handler = u"command"_s;
    sub.payloadJson = payload.toUtf8();
    const RunId id = t->engine->submitRun(sub).value();
    const Event e = outcome(*t, id);
    QCOMPARE(e.type, EventType::RunFailed);
    QVERIFY2(e.text.contains(message), qPrintable(e.text));
}

QTEST_GUILESS_MAIN(tst_CommandHandler)
#include "tst_commandhandler.moc"
