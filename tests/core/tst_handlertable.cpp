// SPDX-License-Identifier: GPL-3.0-or-later
// HandlerTable (SPEC H1): types as small ids, handlers looked up once and kept current.
#include "engine/handlertable.h"
#include "exec/handlerregistry.h"
#include "model/namepool.h"

#include <QTest>

using namespace Yard;
using namespace Qt::StringLiterals;

class tst_HandlerTable : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameTypeSameId();
    void unknownTypeHasNoHandlerUntilRegistered();
    void replacedHandlerStaysAliveForRunningWorkers();
    void namesAreViewsThatNeedNoReferenceCount();
};

void tst_HandlerTable::sameTypeSameId()
{
    HandlerRegistry registry;
    registry.addBuiltins();
    HandlerTable table(&registry);
    const quint16 noop = table.resolve(u"noop"_s);
    const quint16 simulate = table.resolve(u"simulate"_s);
    QVERIFY(noop != 0);
    QVERIFY(noop != simulate);
    QCOMPARE(table.resolve(QString(u"no"_s) + u"op"_s), noop); // equal text, another string
    QCOMPARE(table.resolve({}), quint16(0));
    QCOMPARE(table.name(noop), u"noop"_s);
    QVERIFY(table.handler(noop));
    QCOMPARE(table.handler(0), nullptr);
}

void tst_HandlerTable::unknownTypeHasNoHandlerUntilRegistered()
{
    HandlerRegistry registry;
    HandlerTable table(&registry);
    const quint16 id = table.resolve(u"later"_s);
    QVERIFY(id != 0);
    QCOMPARE(table.handler(id), nullptr);
    registry.add(u"later"_s, [](RunContext &) { return Outcome::success(); });
    QVERIFY(table.handler(id)); // the table follows the registry
}

void tst_HandlerTable::replacedHandlerStaysAliveForRunningWorkers()
{
    HandlerRegistry registry;
    registry.add(u"job"_s, [](RunContext &) { return Outcome::success(u"first"_s); });
    HandlerTable table(&registry);
    const quint16 id = table.resolve(u"job"_s);
    Handler *old = table.handler(id);
    std::weak_ptr<Handler> oldRef = registry.find(u"job"_s);
    registry.add(u"job"_s, [](RunContext &) { return Outcome::success(u"second"_s); });
    Handler *now = table.handler(id);
    QVERIFY(now != old);
    QVERIFY(!oldRef.expired()); // a worker may still be inside the old one
}

void tst_HandlerTable::namesAreViewsThatNeedNoReferenceCount()
{
    HandlerRegistry registry;
    HandlerTable table(&registry);
    const QString &name = table.name(table.resolve(u"shared-name"_s));
    // A view of the immortal interned name: copies share its characters without a refcount.
    const QString copy = name;
    QCOMPARE(copy.constData(), name.constData());
    QVERIFY(!QString(name).data_ptr().d_ptr()); // no shared header to count references in
    QCOMPARE(NamePool::handlers().name(NamePool::handlers().intern(u"shared-name"_s)), u"shared-name"_s);
}

QTEST_GUILESS_MAIN(tst_HandlerTable)
#include "tst_handlertable.moc"
