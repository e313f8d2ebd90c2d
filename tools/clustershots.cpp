// SPDX-License-Identifier: GPL-3.0-or-later
// yardshots --cluster: the console monitoring a three-node cluster under the demo workload
// (SPEC X1), on a throwaway PostgreSQL; then one node killed, to show how a lost node looks.
#include "clustershots.h"

#include "cluster/clusterdb.h"
#include "cluster/clusterdemo.h"
#include "cluster/clustermonitor.h"
#include "cluster/clusterwindow.h"

#include "pgserver.h"

#include <QDir>
#include <QEventLoop>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>

#include <csignal>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

void pause(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

} // namespace

int clusterShots(const QString &out, const QString &theme, int warmupSeconds)
{
    Yard::Test::PgServer server;
    if (const QString error = server.start(); !error.isEmpty()) {
        std::fprintf(stderr, "yardshots: %s\n", qPrintable(error));
        return 1;
    }
    {
        auto db = Yard::ClusterDb::open(Yard::ClusterUrl::parse(server.url()).value(), u"shots"_s);
        if (!db) {
            std::fprintf(stderr, "yardshots: %s\n", qPrintable(db.error().message));
            return 1;
        }
        for (const auto &[lane, limit] : Yard::ClusterDemo::lanes())
            db.value()->ensureLane(lane, limit);
    }
    std::vector<std::unique_ptr<QProcess>> nodes;
    QTemporaryDir sockets; // each node serves its own API
    const QStringList names{u"node-a"_s, u"node-b"_s, u"node-c"_s};
    for (const QString &name : names) {
        auto p = std::make_unique<QProcess>();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"YARD_NODE_NAME"_s, name);
        env.insert(u"YARD_CLUSTER_LEASE_MS"_s, u"6000"_s);
        env.insert(u"YARD_CLUSTER_CAPACITY"_s, u"8"_s);
        p->setProcessEnvironment(env);
        p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QStringList args{u"--headless"_s, u"--db"_s, server.url(), u"--socket"_s,
                         sockets.filePath(name + u".sock"_s)};
        if (name == names.first())
            args << u"--demo"_s;
        p->start(QStringLiteral(YARDMASTER_BINARY), args);
        p->waitForReadyRead(15000);
        nodes.push_back(std::move(p));
    }
    Yard::ClusterMonitor monitor(Yard::ClusterUrl::parse(server.url()).value(), u"console:operator"_s);
    Yard::Ui::ClusterWindow window(&monitor, nullptr);
    window.resize(1440, 900);
    window.show();
    monitor.start(1000);
    pause(warmupSeconds * 1000);
    auto shoot = [&](const QString &tab, const QString &name) {
        window.showTab(tab);
        pause(1200);
        const QString path = QDir(out).filePath(u"%1-%2.png"_s.arg(theme, name));
        window.grab().save(path);
        std::printf("%s\n", qPrintable(path));
    };
    shoot(u"nodes"_s, u"cluster-nodes"_s);
    shoot(u"runs"_s, u"cluster-runs"_s);
    shoot(u"lanes"_s, u"cluster-lanes"_s);
    shoot(u"sessions"_s, u"cluster-sessions"_s);
    // node-b dies: it stops heartbeating, and its runs come back as their leases expire.
    ::kill(pid_t(nodes[1]->processId()), SIGKILL);
    pause(9000);
    shoot(u"nodes"_s, u"cluster-node-lost"_s);
    window.setRunFilter(u"recovered"_s);
    shoot(u"runs"_s, u"cluster-runs-recovered"_s);
    for (auto &p : nodes) {
        p->terminate();
        p->waitForFinished(10000);
    }
    return 0;
}
