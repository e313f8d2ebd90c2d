// SPDX-License-Identifier: GPL-3.0-or-later
// The agent handler (SPEC H3) with the example agent from docs/examples: the transcript goes to
// the agent as JSON on stdin, its stdout becomes the assistant message; an agent that fails and
// one that hangs past its timeout fail the run with the tail of their stderr, and the hanging
// one's process is gone afterwards.
#include "tempdatabase.h"

#include "config/configfile.h"
#include "engine/scheduler.h"

#include <QFile>
#include <QSemaphore>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

#include <csignal>

using namespace Yard;
using namespace Qt::StringLiterals;

namespace {

const QString kAgent = QStringLiteral(YARD_SOURCE_DIR "/docs/examples/echo-agent.py");

struct RunView
{
    RunState state = RunState::Queued;
    ErrorCode code = ErrorCode::None;
    QString error;
    QString result;
    QStringList log;
};

} // namespace

class tst_AgentHandler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void replyBecomesTheAssistantMessage();
    void theTranscriptReachesTheAgent();
    void aFailingAgentFailsTheRunWithItsStderr();
    void aHangingAgentTimesOutAndIsKilled();
    void anUnknownAgentIsNamed();
    void configIsChecked_data();
    void configIsChecked();

private:
    SessionId session(const QString &key, const QString &agent);
    RunId submit(SessionId session, const QString &text);
    RunView waitForEnd(RunId run);
    QStringList transcript(SessionId session);

    std::unique_ptr<Test::TempDatabase> m_dir;
    std::unique_ptr<Scheduler> m_scheduler;
};

void tst_AgentHandler::initTestCase()
{
    QVERIFY2(QFile::exists(kAgent), qPrintable(kAgent));
}

void tst_AgentHandler::init()
{
    m_dir = std::make_unique<Test::TempDatabase>();
    SchedulerOptions options;
    options.databasePath = m_dir->path();
    AgentCommand echo;
    echo.program = kAgent;
    AgentCommand broken = echo;
    broken.args = {u"--fail"_s};
    AgentCommand slow = echo;
    slow.args = {u"--hang"_s};
    slow.timeoutMs = 600;
    slow.graceMs = 200;
    options.engine.agents = {{u"echo"_s, echo}, {u"broken"_s, broken}, {u"slow"_s, slow}};
    auto s = Scheduler::open(options);
    QVERIFY2(s, qPrintable(s.error().toString()));
    m_scheduler = std::move(s).value();
}

void tst_AgentHandler::cleanup()
{
    if (m_scheduler)
        m_scheduler->shutdown(5000);
    m_scheduler.reset();
    m_dir.reset();
}

SessionId tst_AgentHandler::session(const QString &key, const QString &agent)
{
    SessionId id = 0;
    QSemaphore done;
    m_scheduler->post([&](Engine &e) {
        SessionSpec spec;
        spec.key = key;
        spec.agent = agent;
        Expected<Session> s = e.createSession(spec);
        id = s ? s->id : 0;
        done.release();
    });
    done.acquire();
    return id;
}

RunId tst_AgentHandler::submit(SessionId session, const QString &text)
{
    RunId id = 0;
    QSemaphore done;
    m_scheduler->post([&](Engine &e) {
        MessageRequest m;
        m.sessionId = session;
        m.content = text;
        m.handler = u"agent"_s;
        Expected<SubmitReceipt> r = e.submitMessage(m);
        id = r ? r->runId : 0;
        done.release();
    });
    done.acquire();
    return id;
}

RunView tst_AgentHandler::waitForEnd(RunId run)
{
    // Read back from the file, as the console's history does.
    RunView v;
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"peek"_s);
    db.setDatabaseName(m_dir->path());
    if (db.open()) {
        (void)QTest::qWaitFor([&] { // the caller checks the state it returns
            QSqlQuery q(db);
            q.prepare(u"SELECT state, error_code, error, result, log FROM runs WHERE id = ?"_s);
            q.addBindValue(run);
            if (!q.exec() || !q.next())
                return false;
            v.state = runStateFromName(q.value(0).toString()).value_or(RunState::Queued);
            v.code = errorCodeFromName(q.value(1).toString()).value_or(ErrorCode::None);
            v.error = q.value(2).toString();
            v.result = q.value(3).toString();
            v.log = q.value(4).toString().split(u'\n');
            return isTerminal(v.state);
        }, 20'000);
        db.close();
    }
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"peek"_s);
    return v;
}

QStringList tst_AgentHandler::transcript(SessionId session)
{
    QStringList lines;
    QSemaphore done;
    m_scheduler->post([&](Engine &e) {
        if (Expected<MessageList> list = e.sessions().messages(session)) {
            for (const Message &m : list.value())
                lines << m.role + u": "_s + m.content;
        }
        done.release();
    });
    done.acquire();
    return lines;
}

void tst_AgentHandler::replyBecomesTheAssistantMessage()
{
    const SessionId s = session(u"support-17"_s, u"echo"_s);
    QVERIFY(s);
    const RunView first = waitForEnd(submit(s, u"hello there"_s));
    QCOMPARE(first.state, RunState::Completed);
    QCOMPARE(first.result, u"You said: hello there"_s);
    const RunView second = waitForEnd(submit(s, u"and again"_s));
    QCOMPARE(second.state, RunState::Completed);
    QCOMPARE(transcript(s), (QStringList{u"user: hello there"_s, u"assistant: You said: hello there"_s, u"user: and again"_s,
                                         u"assistant: You said: and again\n(I have answered 1 times in this session.)"_s}));
    // The agent's stderr is the run's log.
    QVERIFY2(second.log.join(u'\n').contains(u"stderr: echo-agent: run"_s), qPrintable(second.log.join(u'\n')));
}

void tst_AgentHandler::theTranscriptReachesTheAgent()
{
    // The session and every message reached the agent: its stderr line counts them.
    const SessionId s = session(u"counted"_s, u"echo"_s);
    waitForEnd(submit(s, u"one"_s));
    const RunView v = waitForEnd(submit(s, u"two"_s));
    QCOMPARE(v.state, RunState::Completed);
    QVERIFY2(v.log.join(u'\n').contains(u"of session 'counted', 3 messages"_s), qPrintable(v.log.join(u'\n')));
}

void tst_AgentHandler::aFailingAgentFailsTheRunWithItsStderr()
{
    const SessionId s = session(u"unlucky"_s, u"broken"_s);
    const RunView v = waitForEnd(submit(s, u"hello"_s));
    QCOMPARE(v.state, RunState::Failed);
    QCOMPARE(v.code, ErrorCode::HandlerFailed);
    QVERIFY2(v.error.contains(u"agent broken ("_s) && v.error.contains(u"exited with code 3"_s), qPrintable(v.error));
    QVERIFY2(v.error.contains(u"cannot reach the model"_s), qPrintable(v.error));
    QCOMPARE(transcript(s), QStringList{u"user: hello"_s}); // no assistant message from a failure
}

void tst_AgentHandler::aHangingAgentTimesOutAndIsKilled()
{
    const SessionId s = session(u"waiting"_s, u"slow"_s);
    QElapsedTimer clock;
    clock.start();
    const RunView v = waitForEnd(submit(s, u"hello"_s));
    QCOMPARE(v.state, RunState::Failed);
    QCOMPARE(v.code, ErrorCode::Timeout);
    QVERIFY2(v.error.contains(u"gave no reply within 0.6 s"_s), qPrintable(v.error));
    QVERIFY2(v.error.contains(u"thinking, and never done"_s), qPrintable(v.error));
    QVERIFY(clock.elapsed() < 10'000);
    // Its process is gone: the log names the pid, and nothing answers to it.
    const QString log = v.log.join(u'\n');
    const qsizetype at = log.indexOf(u"(pid "_s);
    QVERIFY2(at >= 0, qPrintable(log));
    const pid_t pid = pid_t(log.mid(at + 5, log.indexOf(u')', at) - at - 5).toInt());
    QVERIFY(pid > 0);
    QTRY_VERIFY(::kill(pid, 0) != 0);
}

void tst_AgentHandler::anUnknownAgentIsNamed()
{
    const SessionId s = session(u"nobody"_s, u"ghost"_s);
    const RunView v = waitForEnd(submit(s, u"hello"_s));
    QCOMPARE(v.state, RunState::Failed);
    QVERIFY2(v.error.contains(u"no command for agent \"ghost\" (set agents.ghost.command in the config file)"_s), qPrintable(v.error));
}

void tst_AgentHandler::configIsChecked_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");
    QTest::newRow("ok") << QByteArray(R"({"agents": {"coder": {"command": "/bin/true", "args": ["-x"], "env": {"A": "1"}, "timeout_ms": 1000}}})")
                        << QString();
    QTest::newRow("not an object") << QByteArray(R"({"agents": []})") << u"\"agents\" must be an object"_s;
    QTest::newRow("no command") << QByteArray(R"({"agents": {"coder": {}}})") << u"agents.coder.command must be the program"_s;
    QTest::newRow("args not strings") << QByteArray(R"({"agents": {"coder": {"command": "x", "args": [1]}}})")
                                      << u"agents.coder.args: 1 is not a string"_s;
    QTest::newRow("bad timeout") << QByteArray(R"({"agents": {"coder": {"command": "x", "timeout_ms": -5}}})")
                                 << u"agents.coder.timeout_ms must be a whole number"_s;
    QTest::newRow("unknown key") << QByteArray(R"({"agents": {"coder": {"command": "x", "model": "big"}}})")
                                 << u"unknown setting \"agents.coder.model\""_s;
}

void tst_AgentHandler::configIsChecked()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    Test::TempDatabase dir;
    QFile f(dir.path(u"config.json"_s));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(json);
    f.close();
    EngineOptions options;
    const Error e = ConfigFile::apply(f.fileName(), options, nullptr, true);
    if (message.isEmpty()) {
        QVERIFY2(!e.isError(), qPrintable(e.toString()));
        QCOMPARE(options.agents.value(u"coder"_s).args, QStringList{u"-x"_s});
        QCOMPARE(options.agents.value(u"coder"_s).timeoutMs, 1000);
    } else {
        QVERIFY2(e.message.contains(message), qPrintable(e.message));
    }
}

QTEST_GUILESS_MAIN(tst_AgentHandler)
#include "tst_agenthandler.moc"
