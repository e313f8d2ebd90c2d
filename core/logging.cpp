// SPDX-License-Identifier: GPL-3.0-or-later
#include "logging.h"

Q_LOGGING_CATEGORY(lcEngine, "yard.engine", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStore, "yard.store", QtInfoMsg)
Q_LOGGING_CATEGORY(lcApi, "yard.api", QtInfoMsg)
Q_LOGGING_CATEGORY(lcExec, "yard.exec", QtInfoMsg)
Q_LOGGING_CATEGORY(lcLanes, "yard.lanes", QtInfoMsg)
