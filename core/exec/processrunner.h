// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace Yard {

class RunContext;

/// Runs one program for a handler (SPEC H2, H3) on the worker thread: no shell, its own process
/// group, output streamed to the run's log as it comes (stderr lines marked), heartbeats while
/// it runs. Cancelling the run, or passing `timeoutMs`, sends SIGTERM to the whole group, then
/// SIGKILL after `graceMs`: its children go too.
struct ProcessSpec
{
    QString program;
    QStringList args;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    QString cwd;
    QByteArray stdinBytes;
    int graceMs = 2000;
    qint64 timeoutMs = 0; ///< 0: none
    /// Standard output kept whole up to this many bytes (the newest are kept past it).
    qsizetype keepStdout = 1024 * 1024;
    /// Log stdout lines too (the command handler does; an agent's reply is logged once).
    bool logStdout = true;
};

struct ProcessResult
{
    enum class End : quint8 {
        Exited,    ///< see exitCode
        Crashed,   ///< killed by a signal it did not ask for
        Cancelled, ///< the run was cancelled
        TimedOut,  ///< it passed timeoutMs
        NotStarted ///< see startError
    };
    End end = End::NotStarted;
    int exitCode = -1;
    bool killed = false; ///< SIGKILL was needed after the grace period
    QString startError;
    QByteArray stdoutBytes; ///< the last `keepStdout` bytes
    bool stdoutTruncated = false;
    QByteArray stderrTail; ///< the last 1 MiB

    /// The last `count` lines of stderr (else of stdout), for an error message.
    QString lastLines(int count) const;
};

ProcessResult runProcess(const ProcessSpec &spec, RunContext &context);

} // namespace Yard
