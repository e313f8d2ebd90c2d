// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

// One category per area (enable with QT_LOGGING_RULES="yard.engine.debug=true").
Q_DECLARE_LOGGING_CATEGORY(lcEngine)
Q_DECLARE_LOGGING_CATEGORY(lcStore)
Q_DECLARE_LOGGING_CATEGORY(lcExec)
Q_DECLARE_LOGGING_CATEGORY(lcLanes)
Q_DECLARE_LOGGING_CATEGORY(lcApi)
