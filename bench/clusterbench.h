// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>

#include <functional>

/// yardbench cluster (SPEC X1): N cluster nodes in this process, each with its own connection,
/// drain `runs` empty runs over `sessions` sessions from a shared PostgreSQL (a throwaway server
/// the bench starts, unless `url` names one). Prints, for each N, runs_per_s (durable: claimed,
/// executed and recorded as completed), the submit rate, the PostgreSQL settings in use, and the
/// SQLite figure of the embedded engine on the same workload, measured in the same run. Medians
/// of `repeat` rounds. Returns 1 if a run did not end exactly once.
struct ClusterBenchOptions
{
    QList<int> nodes{1, 2, 3};
    qint64 runs = 50000;
    int sessions = 5000;
    int repeat = 5;
    QString url; ///< empty: start a server
};
int clusterBench(const ClusterBenchOptions &options, const std::function<double()> &sqliteRunsPerS);
