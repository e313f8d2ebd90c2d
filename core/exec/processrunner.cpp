// SPDX-License-Identifier: GPL-3.0-or-later
#include "processrunner.h"

#include "runcontext.h"

#include <QElapsedTimer>
#include <QProcess>

#include <csignal>
#include <sys/types.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace Yard {

namespace {

constexpr qsizetype kTailBytes = 1024 * 1024;

/// Splits output into lines for the log; keeps a partial last line for the next read.
class LineSplitter
{
public:
    LineSplitter(QString prefix, bool log)
        : m_prefix(std::move(prefix))
        , m_log(log)
    {}
    void feed(const QByteArray &bytes, RunContext &c)
    {
        if (!m_log)
            return;
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
    bool m_log;
    QByteArray m_partial;
};

void keepTail(QByteArray &into, const QByteArray &bytes, qsizetype max, bool *truncated = nullptr)
{
    into += bytes;
    if (into.size() > max) {
        into.remove(0, into.size() - max);
        if (truncated)
            *truncated = true;
    }
}

} // namespace

QString ProcessResult::lastLines(int count) const
{
    const QByteArray &tail = stderrTail.trimmed().isEmpty() ? stdoutBytes : stderrTail;
    QList<QByteArray> lines = tail.trimmed().split('\n');
    if (lines.size() > count)
        lines = lines.mid(lines.size() - count);
    return QString::fromUtf8(lines.join('\n')).right(4000);
}

ProcessResult runProcess(const ProcessSpec &spec, RunContext &context)
{
    ProcessResult r;
    QProcess process;
    process.setProgram(spec.program);
    process.setArguments(spec.args);
    process.setProcessEnvironment(spec.env);
    if (!spec.cwd.isEmpty())
        process.setWorkingDirectory(spec.cwd);
    // Its own process group, so a cancel reaches everything it started.
    process.setChildProcessModifier([] { ::setpgid(0, 0); });
    process.start();
    if (!process.waitForStarted(10'000)) {
        r.startError = process.errorString();
        return r;
    }
    const pid_t group = pid_t(process.processId());
    context.log(u"started %1 (pid %2)"_s.arg(spec.program).arg(group));
    if (!spec.stdinBytes.isEmpty())
        process.write(spec.stdinBytes);
    process.closeWriteChannel();

    LineSplitter out{QString(), spec.logStdout};
    LineSplitter err{u"stderr: "_s, true};
    QElapsedTimer clock;
    clock.start();
    qint64 lastBeat = 0;
    QElapsedTimer killClock;
    auto drain = [&] {
        const QByteArray o = process.readAllStandardOutput();
        out.feed(o, context);
        keepTail(r.stdoutBytes, o, spec.keepStdout, &r.stdoutTruncated);
        const QByteArray e = process.readAllStandardError();
        err.feed(e, context);
        keepTail(r.stderrTail, e, kTailBytes);
    };
    bool terminated = false;
    while (process.state() != QProcess::NotRunning) {
        process.waitForReadyRead(50);
        drain();
        if (!terminated && (context.isCancelled() || (spec.timeoutMs > 0 && clock.elapsed() >= spec.timeoutMs))) {
            terminated = true;
            r.end = context.isCancelled() ? ProcessResult::End::Cancelled : ProcessResult::End::TimedOut;
            killClock.start();
            context.log(u"%1: SIGTERM to process group %2"_s.arg(
                r.end == ProcessResult::End::Cancelled ? u"cancelled"_s : u"timed out after %1 ms"_s.arg(spec.timeoutMs))
                            .arg(group));
            ::kill(-group, SIGTERM);
        } else if (terminated && !r.killed && killClock.elapsed() >= spec.graceMs) {
            r.killed = true;
            context.log(u"still running after %1 ms: SIGKILL to process group %2"_s.arg(spec.graceMs).arg(group));
            ::kill(-group, SIGKILL);
        }
        if (clock.elapsed() - lastBeat >= 1000) {
            context.heartbeat(); // alive: its lease holds (SPEC D2)
            lastBeat = clock.elapsed();
        }
    }
    process.waitForFinished(1000);
    drain();
    out.flush(context);
    err.flush(context);
    if (terminated) {
        ::kill(-group, SIGKILL); // whatever of the group outlived its leader
        return r;
    }
    r.exitCode = process.exitCode();
    r.end = process.exitStatus() == QProcess::CrashExit ? ProcessResult::End::Crashed : ProcessResult::End::Exited;
    return r;
}

} // namespace Yard
