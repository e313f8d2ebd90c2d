// SPDX-License-Identifier: GPL-3.0-or-later
#include "clusterbench.h"

#include "cluster/clusterdb.h"
#include "cluster/clusternode.h"
#include "exec/handlerregistry.h"
#include "exec/outcome.h"

#include "pgserver.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlQuery>
#include <QThread>

#include <algorithm>

#include <sys/resource.h>
#include <cstdio>

using namespace Qt::StringLiterals;
using namespace Yard;

namespace {

double median(QVector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

qint64 scalar(ClusterDb &db, const QString &sql)
{
    QSqlQuery q(db.database());
    if (!q.exec(sql) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

qint64 processCpuNs()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return (qint64(u.ru_utime.tv_sec) + u.ru_stime.tv_sec) * 1000000000LL
           + (qint64(u.ru_utime.tv_usec) + u.ru_stime.tv_usec) * 1000LL;
}

struct Round
{
    double runsPerS = 0;
    double nodeCpuNsPerRun = 0; ///< this process (the nodes), not the server
    double submitsPerS = 0;
    bool exact = false;
};

Round measure(ClusterDb &db, const ClusterUrl &url, int nodes, const ClusterBenchOptions &o)
{
    Round round;
    db.exec(u"TRUNCATE runs, sessions, lanes, nodes, run_attempts, audit RESTART IDENTITY"_s);
    db.exec(u"VACUUM ANALYZE"_s);
    db.setControl(false, false, {}, u"bench"_s);
    db.setLane(u"bench"_s, 100000, false, u"bench"_s);
    QElapsedTimer submitTimer;
    submitTimer.start();
    QVector<ClusterRunSpec> batch;
    for (qint64 i = 0; i < o.runs; ++i) {
        ClusterRunSpec r;
        r.sessionKey = u"s%1"_s.arg(i % o.sessions);
        r.lane = u"bench"_s;
        r.handler = u"noop"_s;
        batch.push_back(std::move(r));
        if (batch.size() == 5000 || i == o.runs - 1) {
            if (auto ids = db.submit(batch); !ids) {
                std::fprintf(stderr, "yardbench: %s\n", qPrintable(ids.error().message));
                std::exit(1);
            }
            batch.clear();
        }
    }
    round.submitsPerS = double(o.runs) / (submitTimer.nsecsElapsed() / 1e9);
    db.exec(u"ANALYZE runs"_s);

    auto handlers = std::make_shared<HandlerRegistry>();
    handlers->add(u"noop"_s, [](RunContext &) { return Outcome::success(); });
    std::vector<std::unique_ptr<ClusterNode>> running;
    QElapsedTimer took;
    took.start();
    const qint64 cpuBefore = processCpuNs();
    for (int i = 0; i < nodes; ++i) {
        ClusterNodeOptions options;
        options.url = url;
        options.name = u"bench-%1"_s.arg(i + 1);
        options.capacity = 2048;
        options.claimBatch = 1024;
        options.workers = 2;
        options.leaseMs = 30000;
        options.cycleMs = 20;
        auto node = std::make_unique<ClusterNode>(options, handlers);
        if (Error e = node->start(); e.isError()) {
            std::fprintf(stderr, "yardbench: %s\n", qPrintable(e.message));
            std::exit(1);
        }
        running.push_back(std::move(node));
    }
    for (;;) {
        qint64 done = 0;
        for (const auto &node : running)
            done += node->stats().completed;
        if (done >= o.runs)
            break;
        QThread::msleep(2);
    }
    round.runsPerS = double(o.runs) / (took.nsecsElapsed() / 1e9);
    round.nodeCpuNsPerRun = double(processCpuNs() - cpuBefore) / double(o.runs);
    for (auto &node : running)
        node->stop(1000);
    round.exact = scalar(db, u"SELECT count(*) FROM runs WHERE state = 'completed'"_s) == o.runs
                  && scalar(db, u"SELECT count(*) FROM run_attempts WHERE outcome = 'completed'"_s) == o.runs
                  && scalar(db, u"SELECT count(DISTINCT run_id) FROM run_attempts"_s) == o.runs;
    return round;
}

} // namespace

int clusterBench(const ClusterBenchOptions &o, const std::function<double()> &sqliteRunsPerS)
{
    Test::PgServer server;
    QString url = o.url;
    if (url.isEmpty()) {
        if (const QString error = server.start(); !error.isEmpty()) {
            std::fprintf(stderr, "yardbench: %s\n", qPrintable(error));
            return 1;
        }
        url = server.url();
    }
    auto parsed = ClusterUrl::parse(url);
    if (!parsed) {
        std::fprintf(stderr, "yardbench: %s\n", qPrintable(parsed.error().message));
        return 2;
    }
    auto db = ClusterDb::open(parsed.value(), u"bench"_s);
    if (!db) {
        std::fprintf(stderr, "yardbench: %s\n", qPrintable(db.error().message));
        return 1;
    }
    std::printf("yardbench cluster: %lld empty runs over %d sessions on %s, PostgreSQL %s\n", qlonglong(o.runs),
                o.sessions, qPrintable(parsed.value().display()),
                qPrintable([&] {
                    QSqlQuery q(db.value()->database());
                    return q.exec(u"SHOW server_version"_s) && q.next() ? q.value(0).toString() : u"?"_s;
                }()));
    {
        QSqlQuery q(db.value()->database());
        q.exec(u"SELECT name, setting, coalesce(unit, '') FROM pg_settings WHERE name IN ('shared_buffers', "
               "'synchronous_commit', 'fsync', 'wal_level', 'max_wal_size', 'wal_buffers', 'checkpoint_timeout', "
               "'full_page_writes') ORDER BY name"_s);
        QStringList settings;
        while (q.next())
            settings << u"%1=%2%3"_s.arg(q.value(0).toString(), q.value(1).toString(), q.value(2).toString());
        std::printf("settings: %s\n", qPrintable(settings.join(u' ')));
    }
    std::fflush(stdout);
    bool exact = true;
    QVector<double> sqlite;
    QHash<int, QVector<double>> rates, submits, cpu;
    for (int r = 0; r < o.repeat; ++r) {
        const double s = sqliteRunsPerS();
        sqlite << s;
        QString line = u"round %1: sqlite runs/s=%2"_s.arg(r + 1).arg(s, 0, 'f', 0);
        for (int n : o.nodes) {
            const Round round = measure(*db.value(), parsed.value(), n, o);
            exact &= round.exact;
            rates[n] << round.runsPerS;
            submits[n] << round.submitsPerS;
            cpu[n] << round.nodeCpuNsPerRun;
            line += u"  %1 node(s) runs/s=%2%3"_s.arg(n).arg(round.runsPerS, 0, 'f', 0).arg(round.exact ? u""_s : u" (NOT EXACT)"_s);
        }
        std::printf("%s\n", qPrintable(line));
        std::fflush(stdout);
    }
    std::printf("median of %d:\n", o.repeat);
    std::printf("sqlite_runs_per_s=%.0f\n", median(sqlite));
    for (int n : o.nodes) {
        std::printf("nodes=%d runs_per_s=%.0f\n", n, median(rates[n]));
        std::printf("nodes=%d submits_per_s=%.0f\n", n, median(submits[n]));
        std::printf("nodes=%d node_cpu_ns_per_run=%.0f\n", n, median(cpu[n]));
    }
    std::printf("exactly_once=%s\n", exact ? "yes" : "NO");
    return exact ? 0 : 1;
}
