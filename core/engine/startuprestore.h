// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/errors.h"

namespace Yard {

class LaneSet;
class PauseControl;
class RunControl;
class RunResolver;
class RunTable;
class JobBook;
class TaskBoard;
class SessionManager;
class Store;
struct EngineOptions;

/// Restore on start (SPEC S1, R1, Q12): sessions, lanes, pause and queue defaults from the
/// store, and every unfinished run back where it waited. A run that was running when the last
/// process stopped (its worker died with it) runs again with attempt + 1: at least once.
class StartupRestore final
{
    Q_DISABLE_COPY_MOVE(StartupRestore)

public:
    struct Parts
    {
        Store *store;
        SessionManager *sessions;
        LaneSet *lanes;
        PauseControl *pause;
        EngineOptions *options;
        RunControl *control;
        RunResolver *resolver;
        RunTable *runs;
        TaskBoard *board;
        JobBook *jobs;
    };
    explicit StartupRestore(const Parts &parts); ///< Not owning any of them.

    Error restore();

    static const QString kQueueDefaultsKey;

private:
    Parts m_p;
};

} // namespace Yard
