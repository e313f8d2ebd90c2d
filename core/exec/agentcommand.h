// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

namespace Yard {

/// How to run one agent (SPEC H3): from the config file's "agents" section, by agent name
/// ("*" serves agents not named).
struct AgentCommand
{
    QString program;
    QStringList args;
    QHash<QString, QString> env; ///< added to the scheduler's environment
    QString cwd;
    qint64 timeoutMs = 10 * 60'000; ///< a reply that takes longer fails the run (timeout)
    int graceMs = 2000;             ///< between SIGTERM and SIGKILL
};

using AgentCommands = QHash<QString, AgentCommand>;

} // namespace Yard
