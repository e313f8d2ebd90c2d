#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A tiny command-line agent for Yardmaster's `agent` handler (SPEC H3).

Yardmaster starts the agent once per run and writes one JSON object on its standard input:

    {"run": 42, "attempt": 1,
     "session": {"id": 7, "key": "support-17", "agent": "echo", "workspace": "", "channel": ""},
     "input": "the message that started this run",
     "messages": [{"id": 1, "role": "user", "content": "hello", "at": "2026-12-06T01:00:00.000Z"}, ...]}

What the agent prints on standard output is its reply: it becomes the assistant message in the
session's transcript. Standard error goes to the run's log (and its last lines to the run's
error when the agent fails). A non-zero exit fails the run; so does taking longer than the
agent's timeout_ms (it is stopped with SIGTERM, then SIGKILL).

Configure it in ~/.config/yardmaster/config.json:

    {"agents": {"echo": {"command": "/path/to/echo-agent.py", "timeout_ms": 30000}}}

and talk to it:

    yardctl submit --session support-17 --text "hello" --handler agent

This one echoes the last user message. `--fail` and `--hang` show what failures look like.
"""
import json
import sys
import time


def main() -> int:
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    request = json.load(sys.stdin)
    messages = request.get("messages", [])
    session = request.get("session", {})
    print(f"echo-agent: run {request.get('run')} of session {session.get('key')!r}, "
          f"{len(messages)} messages", file=sys.stderr, flush=True)
    if mode == "--fail":
        print("echo-agent: cannot reach the model (this agent was told to fail)", file=sys.stderr)
        return 3
    if mode == "--hang":
        print("echo-agent: thinking, and never done (this agent was told to hang)", file=sys.stderr, flush=True)
        time.sleep(3600)
        return 0
    last = next((m["content"] for m in reversed(messages) if m.get("role") == "user"), request.get("input", ""))
    earlier = sum(1 for m in messages if m.get("role") == "assistant")
    print(f"You said: {last}")
    if earlier:
        print(f"(I have answered {earlier} times in this session.)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
