// SPDX-License-Identifier: GPL-3.0-or-later
#include "commandhandler.h"

#include "processrunner.h"
#include "runcontext.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace Yard {

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

    ProcessSpec spec;
    spec.program = program;
    spec.args = args;
    spec.env = env;
    spec.cwd = cwd;
    spec.graceMs = graceMs;
    spec.keepStdout = kTailBytes;
    if (p.contains(u"stdin"_s))
        spec.stdinBytes = p.value(u"stdin"_s).toString().toUtf8();
    const ProcessResult r = runProcess(spec, context);
    switch (r.end) {
    case ProcessResult::End::NotStarted:
        return Outcome::fatal(u"command: %1 cannot be started: %2"_s.arg(program, r.startError));
    case ProcessResult::End::Cancelled:
    case ProcessResult::End::TimedOut: // a job's timeout cancels the run: the engine says which
        return Outcome::failure(u"cancelled: the process group was %1"_s.arg(r.killed ? u"killed"_s : u"terminated"_s),
                                ErrorCode::RunCancelled);
    case ProcessResult::End::Crashed:
        return Outcome::failure(u"%1 was killed by a signal\n%2"_s.arg(program, r.lastLines(10)));
    case ProcessResult::End::Exited:
        break;
    }
    if (r.exitCode != 0)
        return Outcome::failure(u"%1 exited with code %2\n%3"_s.arg(program).arg(r.exitCode).arg(r.lastLines(10)));
    QList<QByteArray> lines = r.stdoutBytes.trimmed().split('\n');
    if (lines.size() > 20)
        lines = lines.mid(lines.size() - 20);
    return Outcome::success(QString::fromUtf8(lines.join('\n')).right(4000));
}

} // namespace Yard
