// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "scenario.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <functional>

namespace Yard::Sim {

/// What `yardctl simulate` prints at the end (SCENARIO.md), counted from the trace's own lines.
struct Summary
{
    qint64 runs = 0; ///< runs with a run.queued line (each counted once)
    qint64 completed = 0;
    qint64 failed = 0;
    qint64 cancelled = 0;
    qint64 dropped = 0;
    qint64 rejected = 0;
    qint64 stale = 0;
    qint64 merged = 0;
    qint64 needsAttention = 0;
    qint64 cycles = 0;
    qint64 wakes = 0;
    qint64 preemptions = 0;        ///< run.interrupted
    qint64 preemptionsRefused = 0; ///< the engine's counter (no event says it)
    qint64 recoveredLeases = 0;    ///< lease.recovered
    qint64 retries = 0;            ///< run.retry_scheduled

    QByteArray line() const;
};

/// Runs a scenario on the real engine (the production parts, an SQLite store in a temporary
/// folder so that a crash restarts on what was committed) on a virtual clock, with the
/// `simulate` handler executing inline: same input, same build, byte-identical trace
/// (SPEC I6). Lines go to `out` as they are made: one per event, then the summary.
/// Problems of single actions (cancelling a run that already ended) are not errors of the
/// scenario: they go to `notes`, one line each, and the run goes on.
class Simulator
{
public:
    using Sink = std::function<void(const QByteArray &line)>;

    explicit Simulator(Scenario scenario);
    ~Simulator();

    /// Runs to the end; an error only when the engine cannot run at all (its store).
    Error run(const Sink &out, QStringList *notes = nullptr);
    const Summary &summary() const;

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace Yard::Sim
