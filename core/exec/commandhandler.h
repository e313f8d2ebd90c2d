// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "handler.h"

namespace Yard {

/// Runs a program (SPEC H2). Payload:
///
///     {"program": "/usr/bin/make", "args": ["-C", "build"], "env": {"CI": "1"},
///      "cwd": "/srv/app", "stdin": "text for its standard input", "grace_ms": 2000}
///
/// No shell: the program gets exactly these arguments (a `;` stays a `;`); to use a shell,
/// name it as the program (`"program": "/bin/sh", "args": ["-c", "…"]`). `env` is added to
/// the scheduler's environment. Standard output and error go to the run's log as they come
/// (stderr lines marked), with the newest 1 MiB kept. Exit code 0 is success; any other code,
/// or a signal, is a failure that says which. Cancelling (or a job's timeout) sends SIGTERM to
/// the program's whole process group, then SIGKILL after `grace_ms` (default 2000): its
/// children go too. A program that cannot start is a final failure (retrying will not help).
class CommandHandler final : public Handler
{
public:
    Outcome run(RunContext &context) override;
    /// Stopping halfway is what cancel does; it cannot yield and resume.
    bool preemptible() const override { return false; }

    /// The most output kept (the run log's tail).
    static constexpr qsizetype kTailBytes = 1024 * 1024;
};

} // namespace Yard
