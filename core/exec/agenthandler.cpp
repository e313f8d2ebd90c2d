// SPDX-License-Identifier: GPL-3.0-or-later
#include "agenthandler.h"

#include "processrunner.h"
#include "runcontext.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace Yard {

AgentHandler::AgentHandler(AgentCommands agents)
    : m_agents(std::move(agents))
{}

Outcome AgentHandler::run(RunContext &context)
{
    const QJsonObject transcript = QJsonDocument::fromJson(context.transcriptJson()).object();
    QString agent = transcript.value(u"session"_s).toObject().value(u"agent"_s).toString();
    if (!context.payloadJson().isEmpty()) {
        const QJsonValue named = QJsonDocument::fromJson(context.payloadJson()).object().value(u"agent"_s);
        if (named.isString() && !named.toString().isEmpty())
            agent = named.toString();
    }
    auto found = m_agents.constFind(agent);
    if (found == m_agents.cend())
        found = m_agents.constFind(u"*"_s);
    const AgentCommand *command = found != m_agents.cend() ? &*found : nullptr;
    if (!command || command->program.isEmpty())
        return Outcome::fatal(agent.isEmpty() ? u"agent: the session names no agent, and the config file has no \"*\" agent"_s
                                              : u"agent: no command for agent \"%1\" (set agents.%1.command in the config file)"_s.arg(agent),
                              ErrorCode::InvalidRequest);
    const QString who = agent.isEmpty() ? command->program : u"agent %1 (%2)"_s.arg(agent, command->program);

    ProcessSpec spec;
    spec.program = command->program;
    spec.args = command->args;
    for (auto it = command->env.cbegin(); it != command->env.cend(); ++it)
        spec.env.insert(it.key(), it.value());
    spec.env.insert(u"YARD_RUN"_s, QString::number(context.runId()));
    spec.env.insert(u"YARD_AGENT"_s, agent);
    spec.cwd = command->cwd;
    spec.stdinBytes = context.transcriptJson();
    spec.stdinBytes += '\n';
    spec.timeoutMs = command->timeoutMs;
    spec.graceMs = command->graceMs;
    spec.keepStdout = kMaxReplyBytes + 1;
    spec.logStdout = false; // the reply is the run's result; stderr is its log
    const ProcessResult r = runProcess(spec, context);
    const QString tail = r.stderrTail.trimmed().isEmpty() ? QString() : u"\n"_s + r.lastLines(10);
    switch (r.end) {
    case ProcessResult::End::NotStarted:
        return Outcome::fatal(u"%1 cannot be started: %2"_s.arg(who, r.startError));
    case ProcessResult::End::Cancelled:
        return Outcome::failure(u"cancelled: the agent was %1"_s.arg(r.killed ? u"killed"_s : u"stopped"_s), ErrorCode::RunCancelled);
    case ProcessResult::End::TimedOut:
        return Outcome::failure(u"%1 gave no reply within %2 s and was %3%4"_s.arg(who)
                                    .arg(double(command->timeoutMs) / 1000.0)
                                    .arg(r.killed ? u"killed"_s : u"stopped"_s, tail),
                                ErrorCode::Timeout);
    case ProcessResult::End::Crashed:
        return Outcome::failure(u"%1 was killed by a signal%2"_s.arg(who, tail));
    case ProcessResult::End::Exited:
        break;
    }
    if (r.exitCode != 0)
        return Outcome::failure(u"%1 exited with code %2%3"_s.arg(who).arg(r.exitCode).arg(tail));
    if (r.stdoutTruncated || r.stdoutBytes.size() > kMaxReplyBytes)
        return Outcome::failure(u"%1 replied with more than %2 MiB; the reply is not kept"_s.arg(who).arg(kMaxReplyBytes >> 20));
    QString reply = QString::fromUtf8(r.stdoutBytes);
    while (!reply.isEmpty() && reply.back().isSpace())
        reply.chop(1);
    if (reply.isEmpty())
        return Outcome::failure(u"%1 exited without a reply on standard output%2"_s.arg(who, tail));
    return Outcome::success(reply);
}

} // namespace Yard
