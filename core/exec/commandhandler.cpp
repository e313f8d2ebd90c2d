// SPDX-License-Identifier: GPL-3.0-or-later
#include "commandhandler.h"

#include "runcontext.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <csignal>
#include <sys/types.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace Yard {

namespace {

/// Splits output into lines for the log; keeps a partial last line for the next read.
class LineSplitter
{
public:
    explicit LineSplitter(QString prefix)
        : m_prefix(std::move(prefix))
    {}
    void feed(const QByteArray &bytes, RunContext &c, QByteArray &tail)
    {
        tail += bytes;
        if (tail.size() > CommandHandler::kTailBytes)
            tail.remove(0, tail.size() - CommandHandler::kTailBytes);
        m_partial += bytes;
        qsizetype start = 0;
        for (;;) {
            const qsizetype nl = m_partial.indexOf('\n', start);
            if (nl < 0)
                break;
            emitLine(m_partial.mid(start, nl - start), c);
            start = nl + 1;
        }
        m_partial.remove(0, start);
        // A very long line without a newline is logged in pieces, never held whole.
        while (m_partial.size() >= 64 * 1024) {
            emitLine(m_partial.left(64 * 1024), c);
            m_partial.remove(0, 64 * 1024);
        }
    }
    void flush(RunContext &c)
    {
        if (!m_partial.isEmpty())
            emitLine(m_partial, c);
        m_partial.clear();
    }

private:
    void emitLine(const QByteArray &line, RunContext &c)
    {
        QByteArray l = line;
        if (l.endsWith('\r'))
            l.chop(1);
        c.log(m_prefix + QString::fromUtf8(l));
    }
    QString m_prefix;
    QByteArray m_partial;
};

QString lastLines(const QByteArray &tail, int count)
{
    QList<QByteArray> lines = tail.trimmed().split('\n');
    if (lines.size() > count)
        lines = lines.mid(lines.size() - count);
    return QString::fromUtf8(lines.join('\n')).right(4000);
}

} // namespace

Outcome CommandHandler::run(RunContext &context)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(context.payloadJson(), &parseError);
    if (!doc.isObject())
        return Outcome::fatal(u"command: the payload must be a JSON object like {\"program\": \"/bin/echo\", "
                              "\"args\": [\"hi\"]}"_s,
                              ErrorCode::InvalidRequest);
    const QJsonObject p = doc.object();
    const QString program = p.value(u"program"_s).toString();
    if (program.isEmpty())
        return Outcome::fatal(u"command: \"program\" is missing (the path of what to run)"_s, ErrorCode::InvalidRequest);
    QStringList args;
    if (p.contains(u"args"_s)) {
        if (!p.value(u"args"_s).isArray())
            return Outcome::fatal(u"command: \"args\" must be a list of strings"_s, ErrorCode::InvalidRequest);
        for (const QJsonValue &a : p.value(u"args"_s).toArray()) {
            if (!a.isString())
                return Outcome::fatal(u"command: every argument must be a string"_s, ErrorCode::InvalidRequest);
            args << a.toString();
        }
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (p.contains(u"env"_s)) {
        if (!p.value(u"env"_s).isObject())
            return Outcome::fatal(u"command: \"env\" must be an object of names and values"_s, ErrorCode::InvalidRequest);
        const QJsonObject e = p.value(u"env"_s).toObject();
        for (auto it = e.begin(); it != e.end(); ++it) {
            if (!it.value().isString() || it.key().isEmpty() || it.key().contains(u'='))
                return Outcome::fatal(u"command: env \"%1\" must be a name without '=' with a string value"_s.arg(it.key()),
                                      ErrorCode::InvalidRequest);
            env.insert(it.key(), it.value().toString());
        }
    }
    const QString cwd = p.value(u"cwd"_s).toString();
    if (!cwd.isEmpty() && !QDir(cwd).exists())
        return Outcome::fatal(u"command: the working directory \"%1\" does not exist"_s.arg(cwd), ErrorCode::InvalidRequest);
    const int graceMs = qBound(0, p.value(u"grace_ms"_s).toInt(2000), 600'000);

    QProcess process;
    process.setProgram(program);
    process.setArguments(args);
    process.setProcessEnvironment(env);
    if (!cwd.isEmpty())
        process.setWorkingDirectory(cwd);
    // Its own process group, so a cancel reaches everything it started.
    process.setChildProcessModifier([] { ::setpgid(0, 0); });
    process.start();
    if (!process.waitForStarted(10'000))
        return Outcome::fatal(u"command: %1 cannot be started: %2"_s.arg(program, process.errorString()));
    const pid_t group = pid_t(process.processId());
    context.log(u"started %1 (pid %2)"_s.arg(program).arg(group));
    if (p.contains(u"stdin"_s))
        process.write(p.value(u"stdin"_s).toString().toUtf8());
    process.closeWriteChannel();

    QByteArray tail, errorTail; // stdout and stderr apart: a result is not interleaved with errors
    LineSplitter out{QString()};
    LineSplitter err{u"stderr: "_s};
    QElapsedTimer beat;
    beat.start();
    QElapsedTimer killClock;
    bool terminated = false;
    bool killed = false;
    auto drain = [&] {
        out.feed(process.readAllStandardOutput(), context, tail);
        err.feed(process.readAllStandardError(), context, errorTail);
    };
    while (process.state() != QProcess::NotRunning) {
        process.waitForReadyRead(50);
        drain();
        if (context.isCancelled() && !terminated) {
            terminated = true;
            killClock.start();
            context.log(u"cancelled: SIGTERM to process group %1"_s.arg(group));
            ::kill(-group, SIGTERM);
        } else if (terminated && !killed && killClock.elapsed() >= graceMs) {
            killed = true;
            context.log(u"still running after %1 ms: SIGKILL to process group %2"_s.arg(graceMs).arg(group));
            ::kill(-group, SIGKILL);
        }
        if (beat.elapsed() >= 1000) {
            context.heartbeat(); // alive: its lease holds (SPEC D2)
            beat.restart();
        }
    }
    process.waitForFinished(1000);
    drain();
    out.flush(context);
    err.flush(context);
    if (terminated) {
        ::kill(-group, SIGKILL); // whatever of the group outlived its leader
        return Outcome::failure(u"cancelled: the process group was %1"_s.arg(killed ? u"killed"_s : u"terminated"_s),
                                ErrorCode::RunCancelled);
    }
    const QString why = lastLines(errorTail.isEmpty() ? tail : errorTail, 10);
    if (process.exitStatus() == QProcess::CrashExit)
        return Outcome::failure(u"%1 was killed by a signal (%2)\n%3"_s.arg(program, process.errorString(), why));
    if (process.exitCode() != 0)
        return Outcome::failure(u"%1 exited with code %2\n%3"_s.arg(program).arg(process.exitCode()).arg(why));
    return Outcome::success(lastLines(tail, 20));
}

} // namespace Yard
