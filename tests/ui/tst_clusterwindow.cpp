// SPDX-License-Identifier: GPL-3.0-or-later
// The console on a cluster (SPEC X1), on a real PostgreSQL 15: nodes, a node that stopped
// heartbeating, lanes by node, operator actions written to the database.
#include "cluster/clusterdb.h"
#include "cluster/clustermonitor.h"
#include "cluster/clusterwindow.h"

#include "pgserver.h"

#include <QAction>
#include <QLabel>
#include <QTabWidget>
#include <QTableView>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace Yard;

class TestClusterWindow : public QObject
{
    Q_OBJECT

    Test::PgServer m_server;
    std::unique_ptr<ClusterDb> m_db;

    static QString cell(QTableView *view, int row, int column)
    {
        return view->model()->index(row, column).data().toString();
    }
    static QTableView *table(Ui::ClusterWindow &w, int index)
    {
        return qobject_cast<QTableView *>(w.findChild<QTabWidget *>()->widget(index));
    }
    static QAction *action(Ui::ClusterWindow &w, const QString &prefix)
    {
        for (QAction *a : w.findChildren<QAction *>()) {
            if (a->text().remove(u'&').startsWith(prefix))
                return a;
        }
        return nullptr;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString error = m_server.start();
        if (!error.isEmpty())
            QFAIL(qPrintable(error)); // never passes without a real server
        auto db = ClusterDb::open(ClusterUrl::parse(m_server.url()).value(), u"test"_s);
        QVERIFY2(db, db ? "" : qPrintable(db.error().message));
        m_db = std::move(db).value();
    }

    void showsTheCluster()
    {
        const qint64 alive = m_db->registerNode(u"node-a"_s, 8, 30000).value();
        const qint64 gone = m_db->registerNode(u"node-b"_s, 8, 2000).value();
        QVERIFY(!m_db->exec(u"UPDATE nodes SET heartbeat_at = now() - interval '1 minute' WHERE id = %1"_s.arg(gone)).isError());
        QVERIFY(!m_db->setLane(u"gpu"_s, 2, false, u"test"_s).isError());
        QVector<ClusterRunSpec> runs(3);
        for (int i = 0; i < 3; ++i) {
            runs[i].sessionKey = u"s%1"_s.arg(i);
            runs[i].lane = u"gpu"_s;
            runs[i].handler = u"simulate"_s;
        }
        const QVector<qint64> ids = m_db->submit(runs).value();
        QCOMPARE(m_db->claim(alive, 1, 30000).value().size(), 1);
        QCOMPARE(m_db->claim(gone, 1, 30000).value().size(), 1);

        ClusterMonitor monitor(ClusterUrl::parse(m_server.url()).value(), u"console:test"_s);
        Ui::ClusterWindow window(&monitor, nullptr);
        window.show();
        monitor.start(100);
        QTRY_COMPARE(window.shown().nodes.size(), 2);

        QTableView *nodes = table(window, 0);
        QCOMPARE(nodes->model()->rowCount(), 2);
        int goneRow = cell(nodes, 0, 1) == u"node-b" ? 0 : 1;
        QCOMPARE(cell(nodes, goneRow, 4), u"not heartbeating"_s);
        QVERIFY2(cell(nodes, goneRow, 5).startsWith(u"last seen "_s), qPrintable(cell(nodes, goneRow, 5)));
        QCOMPARE(cell(nodes, 1 - goneRow, 4), u"running"_s);
        auto *banner = window.findChildren<QLabel *>().first();
        for (QLabel *l : window.findChildren<QLabel *>()) {
            if (l->text().contains(u"Not heartbeating"_s))
                banner = l;
        }
        QVERIFY2(banner->isVisible() && banner->text().contains(u"node-b"_s), qPrintable(banner->text()));

        // Lanes count every node's runs, and say which node holds them.
        QTableView *lanes = table(window, 2);
        int gpu = -1;
        for (int r = 0; r < lanes->model()->rowCount(); ++r) {
            if (cell(lanes, r, 0) == u"gpu")
                gpu = r;
        }
        QVERIFY(gpu >= 0);
        QCOMPARE(cell(lanes, gpu, 2), u"2 / 2"_s);
        QVERIFY2(cell(lanes, gpu, 3).contains(u"node-a 1"_s) && cell(lanes, gpu, 3).contains(u"node-b 1"_s),
                 qPrintable(cell(lanes, gpu, 3)));

        // Operator actions go to the database: pause, then cancel the queued run.
        monitor.pause(u"maintenance"_s);
        QTRY_VERIFY(window.shown().control.paused);
        QCOMPARE(m_db->control().value().reason, u"maintenance"_s);
        QVERIFY(banner->text().contains(u"maintenance"_s));
        QCOMPARE(action(window, u"Resume cluster"_s) != nullptr, true);
        monitor.cancel({ids[2]}, u"not needed"_s);
        QTRY_VERIFY([&] {
            for (const ClusterRunRow &r : window.shown().runs) {
                if (r.id == ids[2])
                    return r.state == u"cancelled";
            }
            return false;
        }());
        // The Runs tab filters by state and by text anywhere in a row.
        QTableView *runsView = nullptr;
        for (QTableView *v : window.findChildren<QTableView *>()) {
            if (v->accessibleName() == u"Runs")
                runsView = v;
        }
        QVERIFY(runsView);
        window.showTab(u"runs"_s);
        QVERIFY(runsView->isVisible());
        window.setRunFilter({}, u"cancelled"_s);
        QCOMPARE(runsView->model()->rowCount(), 1);
        QCOMPARE(cell(runsView, 0, 0), QString::number(ids[2]));
        window.setRunFilter(u"node-b"_s);
        QCOMPARE(runsView->model()->rowCount(), 1); // the run node-b holds
        QCOMPARE(cell(runsView, 0, 7), u"node-b"_s);
        window.setRunFilter({});
        QCOMPARE(runsView->model()->rowCount(), 3);
        monitor.resume();
        QTRY_VERIFY(!window.shown().control.paused);
        // Every action is in the audit tab, with who took it.
        QTableView *audit = table(window, 5);
        QTRY_COMPARE(audit->model()->rowCount(), 4); // lane set, pause, cancel, resume
        QStringList actions;
        for (int r = 0; r < audit->model()->rowCount(); ++r)
            actions << cell(audit, r, 2);
        QVERIFY2(actions.contains(u"scheduler.pause"_s) && actions.contains(u"run.cancel"_s), qPrintable(actions.join(u',')));
        QCOMPARE(cell(audit, 0, 1).startsWith(u"console:test"_s), true);

        // Read-only: every action that writes is off.
        window.setReadOnly(true);
        QVERIFY(!action(window, u"Pause cluster"_s)->isEnabled());
        QVERIFY(!action(window, u"Drain cluster"_s)->isEnabled());
    }

    void saysWhenTheDatabaseIsGone()
    {
        ClusterMonitor monitor(ClusterUrl::parse(u"postgresql://yard@127.0.0.1:1/yard"_s).value(), u"console:test"_s);
        Ui::ClusterWindow window(&monitor, nullptr);
        window.show();
        monitor.start(100);
        QTRY_VERIFY([&] {
            for (QLabel *l : window.findChildren<QLabel *>()) {
                if (l->text().startsWith(u"Cannot read the cluster: cannot connect to postgresql://yard@127.0.0.1:1/yard"_s))
                    return true;
            }
            return false;
        }());
    }
};

QTEST_MAIN(TestClusterWindow)
#include "tst_clusterwindow.moc"
