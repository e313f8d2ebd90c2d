// SPDX-License-Identifier: GPL-3.0-or-later
// yardbench ui-flood (issue 4): the console stays responsive while the core emits 50,000
// events per second. Measured: how long an event posted to the GUI thread waits before it runs
// (p50/p99/max), and peak RSS. The load is real: runs submitted to the engine, persisted in
// SQLite, events coalesced to the window, the runs list and the events tail following them.
#include "uiflood.h"

#include "mainwindow.h"

#include "engine/scheduler.h"
#include "store/storereader.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

qint64 peakRssKb()
{
    QFile f(u"/proc/self/status"_s);
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5))];
}

} // namespace

int runUiFlood(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(u"yardbench"_s);
    QCommandLineParser parser;
    parser.addPositionalArgument(u"ui-flood"_s, {});
    parser.addOption({u"rate"_s, u"Events per second (default 50000)."_s, u"n"_s, u"50000"_s});
    parser.addOption({u"seconds"_s, u"Duration (default 10)."_s, u"n"_s, u"10"_s});
    parser.addOption({u"view"_s, u"View in front: events, runs, overview (default events)."_s, u"name"_s, u"events"_s});
    parser.process(app);
    const int rate = parser.value(u"rate"_s).toInt();
    const int seconds = parser.value(u"seconds"_s).toInt();
    const int runsPerTick = qMax(1, rate / 3 / 100); // 3 events per run, 100 ticks per second

    QTemporaryDir dir;
    Yard::SchedulerOptions options;
    options.databasePath = dir.filePath(u"flood.db"_s);
    options.engine.laneLimits.insert(u"main"_s, 2000);
    auto scheduler = Yard::Scheduler::open(options).value();
    Yard::StoreReader reader(options.databasePath);
    Yard::Ui::MainWindow window(scheduler.get(), &reader, u"bench"_s);
    window.resize(1440, 900);
    window.show();
    window.showView(parser.value(u"view"_s) == u"runs" ? u"runs"_s
                    : parser.value(u"view"_s) == u"overview" ? u"overview"_s : u"events"_s);

    qint64 events = 0;
    QObject::connect(scheduler.get(), &Yard::Scheduler::eventsReady, &app,
                     [&](const Yard::EventBatch &b) { events += b.size(); });

    // The flood: every 10 ms, a batch of empty runs (3 events each) on the engine thread.
    QTimer flood;
    flood.setTimerType(Qt::PreciseTimer);
    flood.setInterval(10);
    QObject::connect(&flood, &QTimer::timeout, &app, [&] {
        scheduler->post([runsPerTick](Yard::Engine &e) {
            e.batch([&] {
                Yard::RunSubmission sub;
                sub.handler = u"noop"_s;
                sub.input = u"flood"_s;
                for (int i = 0; i < runsPerTick; ++i)
                    e.submitRun(sub);
            });
        });
    });

    // The probe: a thread posts a timestamped call to the GUI thread every 5 ms.
    std::vector<double> latencies;
    latencies.reserve(size_t(seconds) * 220);
    std::atomic<bool> probing{true};
    QElapsedTimer clock;
    clock.start();
    QThread *probe = QThread::create([&] {
        while (probing.load()) {
            const qint64 sent = clock.nsecsElapsed();
            QMetaObject::invokeMethod(&app, [&latencies, &clock, sent] {
                latencies.push_back(double(clock.nsecsElapsed() - sent) / 1e6);
            }, Qt::QueuedConnection);
            QThread::usleep(5000);
        }
    });

    std::printf("yardbench ui-flood: %d events/s for %d s, console offscreen, %s view in front\n", rate,
                seconds, qPrintable(parser.value(u"view"_s)));
    QTimer::singleShot(1000, &app, [&] { // let the window settle first
        latencies.clear();
        events = 0;
        flood.start();
        probe->start();
        clock.restart();
    });
    QTimer::singleShot(1000 + seconds * 1000, &app, [&] {
        flood.stop();
        probing = false;
        app.quit();
    });
    app.exec();
    probe->wait();
    delete probe;
    const double elapsed = double(clock.elapsed()) / 1000.0;
    const double p50 = percentile(latencies, 0.50), p99 = percentile(latencies, 0.99);
    const double max = latencies.empty() ? 0 : *std::max_element(latencies.begin(), latencies.end());
    const qint64 rss = peakRssKb();
    std::printf("events delivered to the window: %lld (%.0f/s)\n", qlonglong(events), double(events) / elapsed);
    std::printf("gui_latency_ms p50=%.2f p99=%.2f max=%.2f  (%zu probes; goal p99 <= 16, max <= 50)\n", p50, p99,
                max, latencies.size());
    std::printf("peak_rss_mb=%.0f  (goal <= 300)\n", double(rss) / 1024.0);
    scheduler->shutdown(2000);
    const bool ok = p99 <= 16 && max <= 50 && rss / 1024 <= 300;
    return ok ? 0 : 1;
}
