// SPDX-License-Identifier: GPL-3.0-or-later
#include "cluster/clusterurl.h"

#include <QtTest>

using namespace Qt::StringLiterals;
using Yard::ClusterUrl;

class TestClusterUrl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("dbname");
        QTest::addColumn<QString>("display");
        QTest::newRow("full") << u"postgresql://yard@db.example:5433/queue"_s << u"db.example"_s << 5433 << u"yard"_s
                              << u"queue"_s << u"postgresql://yard@db.example:5433/queue"_s;
        QTest::newRow("postgres scheme") << u"postgres://db/queue"_s << u"db"_s << 0 << QString() << u"queue"_s
                                         << u"postgresql://db/queue"_s;
        QTest::newRow("socket folder") << u"postgresql:///queue?host=/var/run/postgresql"_s
                                       << u"/var/run/postgresql"_s << 0 << QString() << u"queue"_s
                                       << u"postgresql:///queue?host=/var/run/postgresql"_s;
        QTest::newRow("sslmode kept") << u"postgresql://u@h/d?sslmode=require"_s << u"h"_s << 0 << u"u"_s << u"d"_s
                                      << u"postgresql://u@h/d"_s;
    }
    void parses()
    {
        QFETCH(QString, text);
        auto url = ClusterUrl::parse(text);
        QVERIFY2(url, qPrintable(url ? QString() : url.error().message));
        QTEST(url.value().host, "host");
        QTEST(url.value().port, "port");
        QTEST(url.value().user, "user");
        QTEST(url.value().dbname, "dbname");
        QTEST(url.value().display(), "display");
    }

    void options()
    {
        auto url = ClusterUrl::parse(u"postgresql://u@h/d?sslmode=require&connect_timeout=3"_s);
        QVERIFY(url);
        QCOMPARE(url.value().options, u"sslmode='require' connect_timeout='3'"_s);
    }

    void refuses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("says");
        QTest::newRow("password") << u"postgresql://yard:s3cret@h/d"_s << u"holds a password"_s;
        QTest::newRow("password parameter") << u"postgresql://yard@h/d?password=s3cret"_s << u"holds a password"_s;
        QTest::newRow("no database") << u"postgresql://yard@h"_s << u"no database name"_s;
        QTest::newRow("nested path") << u"postgresql://yard@h/a/b"_s << u"is not a database name"_s;
        QTest::newRow("unknown parameter") << u"postgresql://yard@h/d?fast=yes"_s << u"unknown parameter \"fast\""_s;
        QTest::newRow("not postgres") << u"mysql://h/d"_s << u"does not start with postgresql://"_s;
        QTest::newRow("bad port") << u"postgresql://h:99999/d"_s << u"URL"_s;
    }
    void refuses()
    {
        QFETCH(QString, text);
        QFETCH(QString, says);
        auto url = ClusterUrl::parse(text);
        QVERIFY(!url);
        QVERIFY2(url.error().message.contains(says), qPrintable(url.error().message));
        QVERIFY2(!url.error().message.contains(u"s3cret"_s), "a password is never repeated");
    }

    void recognisesUrls()
    {
        QVERIFY(ClusterUrl::isClusterUrl(u"postgresql://h/d"_s));
        QVERIFY(ClusterUrl::isClusterUrl(u"POSTGRES://h/d"_s));
        QVERIFY(!ClusterUrl::isClusterUrl(u"/tmp/postgresql.db"_s));
        QVERIFY(!ClusterUrl::isClusterUrl(u"yard.db"_s));
    }
};

QTEST_GUILESS_MAIN(TestClusterUrl)
#include "tst_clusterurl.moc"
