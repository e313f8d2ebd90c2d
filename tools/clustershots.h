// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

/// Shoots the cluster console (nodes, runs, lanes, sessions, a lost node) into `out`.
int clusterShots(const QString &out, const QString &theme, int warmupSeconds);
