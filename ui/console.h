// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QString>

namespace Yard {
class Scheduler;
class StoreReader;
} // namespace Yard

namespace Yard::Ui {

class OperatorActions;
class RunHistory;

/// What every view needs: the scheduler to command, the reader for history (null when the
/// scheduler runs in memory), the operator's actions, recent runs' events, and who the operator
/// is.
struct Console
{
    Scheduler *scheduler = nullptr;
    StoreReader *reader = nullptr;
    OperatorActions *actions = nullptr;
    const RunHistory *history = nullptr;
    QString actor;
};

} // namespace Yard::Ui
