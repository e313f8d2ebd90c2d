// SPDX-License-Identifier: GPL-3.0-or-later
// NamePool: interned names as small ids, and views of them that need no reference count.
#include "model/namepool.h"

#include <QTest>
#include <QThread>

using namespace Yard;
using namespace Qt::StringLiterals;

class tst_NamePool : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void internIsStable();
    void viewsOutliveTheCallersString();
    void concurrentInterning();
};

void tst_NamePool::internIsStable()
{
    NamePool pool;
    const quint16 a = pool.intern(u"alpha"_s);
    QVERIFY(a != NamePool::kNone);
    QCOMPARE(pool.intern(u"alpha"_s), a);
    QVERIFY(pool.intern(u"beta"_s) != a);
    QCOMPARE(pool.intern({}), NamePool::kNone);
    QCOMPARE(pool.name(a), u"alpha"_s);
    QVERIFY(pool.name(NamePool::kNone).isEmpty());
    QVERIFY(pool.name(999).isEmpty());
}

void tst_NamePool::viewsOutliveTheCallersString()
{
    NamePool pool;
    quint16 id;
    {
        QString temporary = u"built-"_s + QString::number(42);
        id = pool.intern(temporary);
        temporary[0] = u'X'; // the pool kept its own copy
    }
    const QString view = pool.name(id);
    QCOMPARE(view, u"built-42"_s);
    QCOMPARE(pool.name(id).constData(), view.constData()); // every view shares one buffer
}

void tst_NamePool::concurrentInterning()
{
    NamePool pool;
    QVector<QThread *> threads;
    QVector<QVector<quint16>> ids(4);
    for (int t = 0; t < 4; ++t) {
        threads << QThread::create([&pool, &ids, t] {
            for (int i = 0; i < 500; ++i)
                ids[t].append(pool.intern(u"name-%1"_s.arg(i)));
        });
        threads.last()->start();
    }
    for (QThread *t : threads) {
        t->wait();
        delete t;
    }
    for (int t = 1; t < 4; ++t)
        QCOMPARE(ids[t], ids[0]); // the same name got the same id everywhere
    QCOMPARE(pool.name(ids[0][499]), u"name-499"_s);
}

QTEST_GUILESS_MAIN(tst_NamePool)
#include "tst_namepool.moc"
