// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agentcommand.h"
#include "handler.h"

namespace Yard {

/// Hands a session's conversation to a command-line agent (SPEC H3). The run's session and
/// transcript go as one JSON object on the agent's standard input (see RunRequest::
/// transcriptJson and docs/api.md); what it writes on standard output is its reply, which
/// becomes the assistant message in the transcript. A non-zero exit, a signal, no reply or a
/// reply later than the agent's timeout fail the run, with the last lines of its standard
/// error in the run's error. The agent is the session's (`agent`), unless the payload names
/// one ({"agent": "reviewer"}); its command comes from the config file:
///
///     "agents": {"coder": {"command": "/usr/local/bin/coder-agent", "args": ["--fast"],
///                          "env": {"MODEL": "small"}, "cwd": "/srv/work", "timeout_ms": 600000}}
///
/// Any CLI agent plugs in this way; docs/examples/echo-agent.py is a tiny one.
class AgentHandler final : public Handler
{
public:
    explicit AgentHandler(AgentCommands agents);
    Outcome run(RunContext &context) override;
    bool preemptible() const override { return false; } // a reply half written cannot resume
    bool wantsTranscript() const override { return true; }

    /// The largest reply taken (standard output).
    static constexpr qsizetype kMaxReplyBytes = 4 * 1024 * 1024;

private:
    const AgentCommands m_agents;
};

} // namespace Yard
