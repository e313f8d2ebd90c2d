// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QString>
#include <QVector>

#include <atomic>
#include <memory>
#include <thread>

namespace Yard::Bench {

/// Load on the local API (SPEC I2): `clients` threads, each on its own socket, keep `window`
/// submits in flight for `seconds`, then wait for every reply. Plain POSIX sockets and a
/// byte scan of the replies keep the clients' own cost small: the server is what is measured.
/// Shared by `yardbench api` and tst_apiload.
struct ApiLoadOptions
{
    QString socketPath;
    int clients = 16;
    int window = 32;
    double seconds = 10;
    int sessionsPerClient = 16;
    QString handler; ///< empty: the session's default
};

struct ApiLoadResult
{
    qint64 acked = 0;               ///< submits the server acknowledged (durable)
    qint64 refused = 0;             ///< submits it answered with an error
    QVector<qint64> runs;           ///< the acknowledged runs' ids
    QVector<double> latenciesMs;    ///< request written → reply read, per acknowledged submit
    double seconds = 0;             ///< from the first request to the last reply
    QString error;                  ///< a client could not connect, or lost its connection
};

ApiLoadResult runApiLoad(const ApiLoadOptions &options);

/// Follows the event stream on its own socket and counts terminal run events per run id
/// (run.completed, run.failed, run.cancelled, …), to show that every run ends exactly once.
class TerminalEventCounter
{
public:
    explicit TerminalEventCounter(const QString &socketPath);
    ~TerminalEventCounter();
    bool subscribed() const { return m_subscribed.load(); }
    /// Stops reading; then the counts may be read.
    QHash<qint64, int> stop();
    qint64 total() const { return m_total.load(); }

private:
    void loop();
    int m_fd = -1;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_subscribed{false};
    std::atomic<qint64> m_total{0};
    QHash<qint64, int> m_counts;
    std::unique_ptr<std::thread> m_thread;
};

double percentile(QVector<double> values, double p);

} // namespace Yard::Bench
