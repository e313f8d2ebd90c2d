// SPDX-License-Identifier: GPL-3.0-or-later
// SqliteStatement: the writer's raw prepared statement on a Qt SQL connection.
#include "tempdatabase.h"

#include "store/sqlitestatement.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_SqliteStatement : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void bindsEveryKindOfValue();
    void badSqlNamesTheProblem();
    void aFailedRowDoesNotPoisonTheNext();
    void refusesAConnectionThatIsNotOpen();

private:
    TempDatabase m_dir;
    QSqlDatabase m_db;
};

void tst_SqliteStatement::init()
{
    m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"stmt"_s);
    m_db.setDatabaseName(m_dir.path());
    QVERIFY(m_db.open());
    QSqlQuery q(m_db);
    QVERIFY(q.exec(u"DROP TABLE IF EXISTS t"_s));
    QVERIFY(q.exec(u"CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, json TEXT NOT NULL, "
                   "ratio REAL NOT NULL, blob BLOB)"_s));
}

void tst_SqliteStatement::cleanup()
{
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"stmt"_s);
}

void tst_SqliteStatement::bindsEveryKindOfValue()
{
    {
        SqliteStatement st;
        QVERIFY2(st.prepare(m_db, u"INSERT INTO t (id, name, json, ratio, blob) VALUES (?, ?, ?, ?, ?)"_s),
                 qPrintable(st.errorText()));
        st.bind(0, qint64(1) << 40);
        st.bind(1, u"grüße ✓"_s);
        st.bindUtf8(2, QByteArray(R"({"k":"ü"})"));
        st.bind(3, 0.25);
        st.bindBlobOrNull(4, QByteArray("\0\1\2", 3));
        QVERIFY2(st.exec(), qPrintable(st.errorText()));
        // Null and empty text bind as '' (NOT NULL columns); an empty blob as NULL.
        st.bind(0, (qint64(1) << 40) + 1);
        st.bind(1, QString());
        st.bindUtf8(2, QByteArray());
        st.bind(3, 1.0);
        st.bindBlobOrNull(4, QByteArray());
        QVERIFY2(st.exec(), qPrintable(st.errorText()));
    } // finalized before the connection closes
    QSqlQuery q(m_db);
    QVERIFY(q.exec(u"SELECT id, name, json, ratio, blob, blob IS NULL FROM t ORDER BY id"_s));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toLongLong(), qint64(1) << 40);
    QCOMPARE(q.value(1).toString(), u"grüße ✓"_s);
    QCOMPARE(q.value(2).toString(), uR"({"k":"ü"})"_s);
    QCOMPARE(q.value(3).toDouble(), 0.25);
    QCOMPARE(q.value(4).toByteArray(), QByteArray("\0\1\2", 3));
    QVERIFY(q.next());
    QCOMPARE(q.value(1).toString(), u""_s);
    QCOMPARE(q.value(2).toString(), u""_s);
    QCOMPARE(q.value(5).toInt(), 1);
    QVERIFY(!q.next());
}

void tst_SqliteStatement::badSqlNamesTheProblem()
{
    SqliteStatement st;
    QVERIFY(!st.prepare(m_db, u"INSERT INTO nowhere (x) VALUES (?)"_s));
    QVERIFY2(st.errorText().contains(u"nowhere"_s), qPrintable(st.errorText()));
}

void tst_SqliteStatement::aFailedRowDoesNotPoisonTheNext()
{
    SqliteStatement st;
    QVERIFY(st.prepare(m_db, u"INSERT INTO t (id, name, json, ratio) VALUES (?, ?, ?, ?)"_s));
    auto row = [&st](int id) {
        st.bind(0, id);
        st.bind(1, u"x"_s);
        st.bind(2, u"{}"_s);
        st.bind(3, 0.0);
        return st.exec();
    };
    QVERIFY2(row(7), qPrintable(st.errorText()));
    QVERIFY(!row(7)); // the same primary key again
    QVERIFY2(st.errorText().contains(u"UNIQUE"_s), qPrintable(st.errorText()));
    // A bind to a placeholder that does not exist fails the row it belongs to, and only that one.
    st.bind(9, 1);
    QVERIFY(!st.exec());
    QVERIFY(!st.errorText().isEmpty());
    QVERIFY2(row(8), qPrintable(st.errorText()));
    QVERIFY(st.errorText().isEmpty());
}

void tst_SqliteStatement::refusesAConnectionThatIsNotOpen()
{
    m_db.close();
    SqliteStatement st;
    QVERIFY(!st.prepare(m_db, u"SELECT 1"_s));
    QVERIFY(!st.errorText().isEmpty());
}

QTEST_GUILESS_MAIN(tst_SqliteStatement)
#include "tst_sqlitestatement.moc"
