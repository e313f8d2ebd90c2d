// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cli.h"

namespace Yard::Ctl {

/// The commands that talk to a running scheduler through its local API.
QList<Command> remoteCommands();
/// The commands that work offline: cron next, simulate.
QList<Command> offlineCommands();

} // namespace Yard::Ctl
