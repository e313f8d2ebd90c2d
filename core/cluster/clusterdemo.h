// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clusterdb.h"

#include <QRandomGenerator>

namespace Yard {

/// The demo workload for a cluster (`yardmaster --headless --db postgresql://… --demo`): every
/// cycle a few simulated agent turns across 24 sessions and three lanes (default, gpu, io), with
/// durations of 0.3–3 s, 4 % failures that retry, and 1 % whose worker vanishes on the first
/// attempt, so the operator sees leases expire and runs recovered.
class ClusterDemo final
{
public:
    ClusterDemo();
    /// The runs to submit this cycle (may be empty).
    QVector<ClusterRunSpec> next();
    /// The lanes the demo uses, with their cluster-wide limits.
    static QVector<QPair<QString, int>> lanes();

private:
    QRandomGenerator m_random;
    qint64 m_tick = 0;
};

} // namespace Yard
