// SPDX-License-Identifier: GPL-3.0-or-later
#include "apibench.h"

#include "apiload.h"

#include "api/apiserver.h"
#include "engine/scheduler.h"
#include "exec/handlerregistry.h"
#include "exec/outcome.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>

#include <cstdio>
#include <ctime>

using namespace Yard;
using namespace Qt::StringLiterals;

namespace {

struct Figures
{
    double submitsPerS = 0;
    double p50 = 0;
    double p99 = 0;
    double cpuNsPerSubmit = 0;
    qint64 acked = 0;
    qint64 lost = 0;       ///< acknowledged but not on disk
    qint64 unfinished = 0; ///< acknowledged but not ended
    qint64 twice = 0;      ///< ended more than once
};

double processCpuMs()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

bool once(double seconds, int window, Figures *f)
{
    QTemporaryDir dir;
    SchedulerOptions options;
    options.databasePath = dir.filePath(u"api.db"_s);
    options.engine.retention.completedKept = 100'000'000; // retention must not prune what is checked
    options.registerHandlers = [](HandlerRegistry &r) {
        r.add(u"noop"_s, [](RunContext &) { return Outcome::success(); });
    };
    auto opened = Scheduler::open(options);
    if (!opened) {
        std::fprintf(stderr, "yardbench: %s\n", qPrintable(opened.error().toString()));
        return false;
    }
    std::unique_ptr<Scheduler> scheduler = std::move(opened).value();
    auto started = ApiServer::start(scheduler.get(), dir.filePath(u"api.sock"_s), options.databasePath);
    if (!started) {
        std::fprintf(stderr, "yardbench: %s\n", qPrintable(started.error().toString()));
        return false;
    }
    std::unique_ptr<ApiServer> server = std::move(started).value();
    Bench::TerminalEventCounter ends(server->path());
    QElapsedTimer wait;
    wait.start();
    while (!ends.subscribed() && wait.elapsed() < 5000)
        QThread::msleep(5);

    Bench::ApiLoadOptions load;
    load.socketPath = server->path();
    load.seconds = seconds;
    load.handler = u"noop"_s;
    load.window = window;
    const double cpu0 = processCpuMs();
    const Bench::ApiLoadResult r = Bench::runApiLoad(load);
    const double cpu = processCpuMs() - cpu0;
    if (!r.error.isEmpty()) {
        std::fprintf(stderr, "yardbench: %s\n", qPrintable(r.error));
        return false;
    }
    // Every acknowledged run ends: wait for their terminal events (or give up after 60 s).
    wait.restart();
    while (ends.total() < r.acked && wait.elapsed() < 60'000)
        QThread::msleep(20);
    QThread::msleep(300); // a late duplicate would show up here
    const QHash<qint64, int> counts = ends.stop();
    server.reset();
    scheduler->shutdown(10'000);
    scheduler.reset();

    f->acked = r.acked;
    f->submitsPerS = double(r.acked) / r.seconds;
    f->p50 = Bench::percentile(r.latenciesMs, 0.50);
    f->p99 = Bench::percentile(r.latenciesMs, 0.99);
    f->cpuNsPerSubmit = r.acked ? cpu * 1e6 / double(r.acked) : 0;
    f->lost = f->unfinished = f->twice = 0;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"apibench"_s);
        db.setDatabaseName(options.databasePath);
        if (!db.open())
            return false;
        QSet<qint64> onDisk;
        QSqlQuery q(db);
        q.exec(u"SELECT id FROM runs"_s);
        while (q.next())
            onDisk.insert(q.value(0).toLongLong());
        for (qint64 run : r.runs) {
            if (!onDisk.contains(run))
                ++f->lost;
            const int n = counts.value(run);
            if (n == 0)
                ++f->unfinished;
            else if (n > 1)
                ++f->twice;
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(u"apibench"_s);
    return true;
}

double median(QVector<double> v)
{
    return Bench::percentile(std::move(v), 0.5);
}

} // namespace

int apiBench(int repeat, double seconds, int window)
{
    QVector<double> rate, p50, p99, cpu;
    qint64 acked = 0, lost = 0, unfinished = 0, twice = 0;
    for (int i = 0; i < repeat; ++i) {
        Figures f;
        if (!once(seconds, window, &f))
            return 1;
        std::fprintf(stderr, "  round %d: %.0f acknowledged submits/s, p99 %.2f ms\n", i + 1, f.submitsPerS, f.p99);
        rate << f.submitsPerS;
        p50 << f.p50;
        p99 << f.p99;
        cpu << f.cpuNsPerSubmit;
        acked += f.acked;
        lost += f.lost;
        unfinished += f.unfinished;
        twice += f.twice;
    }
    std::printf("api_clients=16\napi_window=%d\napi_seconds=%.0f\napi_rounds=%d\n", window, seconds, repeat);
    std::printf("api_submits_per_s=%.0f\napi_p50_ms=%.2f\napi_p99_ms=%.2f\n", median(rate), median(p50), median(p99));
    std::printf("api_cpu_ns_per_submit=%.0f\n", median(cpu));
    std::printf("api_acknowledged=%lld\napi_lost=%lld\napi_unfinished=%lld\napi_ended_twice=%lld\n", acked, lost, unfinished,
                twice);
    return lost || unfinished || twice ? 1 : 0;
}
