// SPDX-License-Identifier: GPL-3.0-or-later
// SessionManager (SPEC S2): write-through LRU cache of sessions with their messages.
#include "tempdatabase.h"

#include "engine/clock.h"
#include "engine/sessionmanager.h"
#include "store/memorystore.h"
#include "store/sqlitestore.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_SessionManager : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void createGetAndMessages();
    void lruEvictsLeastRecentlyUsed();
    void missLoadsSessionAndMessagesFromStore();
    void writesGoThroughToTheStore();
    void replaceMessagesIsAtomic();
    void deleteInvalidateClear();
    void errors();
};

void tst_SessionManager::createGetAndMessages()
{
    VirtualClock clock;
    MemoryStore store;
    SessionManager sm(&store, &clock);
    const Session s = sm.create(SessionSpec{u"alpha"_s, u"coder"_s, {}, {}, {}, {}, {}, {}}).value();
    QCOMPARE(sm.find(s.id)->key, u"alpha"_s);
    QCOMPARE(sm.findByKey(u"alpha"_s)->id, s.id);
    sm.addMessage(s.id, u"user"_s, u"hello"_s);
    clock.advance(5);
    sm.addMessage(s.id, u"assistant"_s, u"hi there"_s);
    const MessageList msgs = sm.messages(s.id).value();
    QCOMPARE(msgs.size(), 2);
    QCOMPARE(msgs[0].content, u"hello"_s);
    QCOMPARE(msgs[1].role, u"assistant"_s);
    QVERIFY(msgs[0].id < msgs[1].id);
    QCOMPARE(sm.find(s.id)->transcriptChars, qint64(5 + 8));
    QCOMPARE(sm.find(s.id)->lastActivityAt, clock.now());
    // getOrCreate returns the existing one.
    QCOMPARE(sm.getOrCreate(SessionSpec{u"alpha"_s, {}, {}, {}, {}, {}, {}, {}}).value()->session.id, s.id);
    QCOMPARE(sm.sessionCount(), 1);
}

void tst_SessionManager::lruEvictsLeastRecentlyUsed()
{
    VirtualClock clock;
    MemoryStore store;
    SessionManager sm(&store, &clock, 3);
    QVector<SessionId> ids;
    for (int i = 0; i < 3; ++i) {
        ids << sm.create(SessionSpec{u"s%1"_s.arg(i), {}, {}, {}, {}, {}, {}, {}}).value().id;
        clock.advance(1);
    }
    QCOMPARE(sm.size(), 3);
    // A hit refreshes s0, so s1 is now the least recently used.
    QVERIFY(sm.get(ids[0]));
    ids << sm.create(SessionSpec{u"s3"_s, {}, {}, {}, {}, {}, {}, {}}).value().id;
    QCOMPARE(sm.size(), 3);
    QVERIFY(sm.isCached(ids[0]));
    QVERIFY(!sm.isCached(ids[1]));
    QVERIFY(sm.isCached(ids[2]));
    QVERIFY(sm.isCached(ids[3]));
    // The evicted session is still there: a miss loads it again (and evicts the next LRU).
    QCOMPARE(sm.get(ids[1]).value()->session.key, u"s1"_s);
    QVERIFY(sm.isCached(ids[1]));
    QVERIFY(!sm.isCached(ids[2]));
    QCOMPARE(sm.sessionCount(), 4);
}

void tst_SessionManager::missLoadsSessionAndMessagesFromStore()
{
    VirtualClock clock;
    MemoryStore store;
    SessionManager sm(&store, &clock, 1);
    const SessionId a = sm.create(SessionSpec{u"a"_s, {}, {}, {}, {}, {}, {}, {}}).value().id;
    sm.addMessage(a, u"user"_s, u"one"_s);
    sm.addMessage(a, u"user"_s, u"two"_s);
    sm.create(SessionSpec{u"b"_s, {}, {}, {}, {}, {}, {}, {}}); // evicts a
    QVERIFY(!sm.isCached(a));
    const CachedSession *c = sm.get(a).value();
    QCOMPARE(c->messages.size(), 2);
    QCOMPARE(c->messages[1].content, u"two"_s);
    QCOMPARE(c->lastAccess, clock.now());
}

void tst_SessionManager::writesGoThroughToTheStore()
{
    TempDatabase db;
    VirtualClock clock;
    SessionId id = 0;
    {
        auto store = SqliteStore::open(db.path()).value();
        SessionManager sm(store.get(), &clock);
        id = sm.create(SessionSpec{u"durable"_s, u"agent-x"_s, u"ws"_s, u"chan"_s, u"dm"_s,
                                   {u"python"_s, u"git"_s}, u"team"_s, {}})
                 .value()
                 .id;
        sm.addMessage(id, u"user"_s, u"persist me"_s, R"({"k":1})");
        QVERIFY(!store->flush().isError());
        // Another reader (its own connection to the file) sees the writes on disk.
        {
            QSqlDatabase peek = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"peek"_s);
            peek.setDatabaseName(db.path());
            peek.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
            QVERIFY(peek.open());
            QSqlQuery q(peek);
            QVERIFY(q.exec(u"SELECT count(*) FROM messages WHERE session_id = %1"_s.arg(id)) && q.next());
            QCOMPARE(q.value(0).toInt(), 1);
            QVERIFY(q.exec(u"SELECT key FROM sessions WHERE id = %1"_s.arg(id)) && q.next());
            QCOMPARE(q.value(0).toString(), u"durable"_s);
        }
        QSqlDatabase::removeDatabase(u"peek"_s);
    }
    auto store = SqliteStore::open(db.path()).value();
    StoredState state = store->loadState().value();
    SessionManager sm(store.get(), &clock);
    sm.restore(state.sessions, state.maxSessionId, state.maxMessageId);
    const CachedSession *c = sm.get(id).value();
    QCOMPARE(c->session.agent, u"agent-x"_s);
    QCOMPARE(c->session.capabilities, (QStringList{u"python"_s, u"git"_s}));
    QCOMPARE(c->session.lane, u"team"_s);
    QCOMPARE(c->messages.first().content, u"persist me"_s);
    QCOMPARE(c->messages.first().metadataJson, QByteArray(R"({"k":1})"));
    // New ids continue after the stored ones.
    const Message m = sm.addMessage(id, u"user"_s, u"next"_s).value();
    QVERIFY(m.id > c->messages.first().id);
}

void tst_SessionManager::replaceMessagesIsAtomic()
{
    TempDatabase db;
    VirtualClock clock;
    auto store = SqliteStore::open(db.path()).value();
    SessionManager sm(store.get(), &clock);
    const SessionId id = sm.create(SessionSpec{u"r"_s, {}, {}, {}, {}, {}, {}, {}}).value().id;
    for (int i = 0; i < 5; ++i)
        sm.addMessage(id, u"user"_s, u"old %1"_s.arg(i));
    MessageList summary;
    Message m;
    m.role = u"system"_s;
    m.content = u"summary of five messages"_s;
    summary << m;
    QVERIFY(!sm.replaceMessages(id, summary).isError());
    QCOMPARE(sm.messages(id).value().size(), 1);
    QCOMPARE(sm.find(id)->transcriptChars, qint64(m.content.size()));
    QVERIFY(!store->flush().isError());
    sm.invalidate(id);
    QCOMPARE(sm.messages(id).value().size(), 1);
    QCOMPARE(sm.messages(id).value().first().content, m.content);
}

void tst_SessionManager::deleteInvalidateClear()
{
    VirtualClock clock;
    MemoryStore store;
    SessionManager sm(&store, &clock);
    const SessionId a = sm.create(SessionSpec{u"a"_s, {}, {}, {}, {}, {}, {}, {}}).value().id;
    const SessionId b = sm.create(SessionSpec{u"b"_s, {}, {}, {}, {}, {}, {}, {}}).value().id;
    sm.invalidate(a);
    QVERIFY(!sm.isCached(a));
    QVERIFY(sm.find(a)); // still known
    sm.clear();
    QCOMPARE(sm.size(), 0);
    QVERIFY(sm.get(b));
    QVERIFY(!sm.remove(a).isError());
    QVERIFY(!sm.find(a));
    QCOMPARE(sm.get(a).error().code, ErrorCode::SessionNotFound);
    QVERIFY(!store.loadSession(a));
}

void tst_SessionManager::errors()
{
    VirtualClock clock;
    MemoryStore store;
    SessionManager sm(&store, &clock);
    QCOMPARE(sm.create(SessionSpec{u"  "_s, {}, {}, {}, {}, {}, {}, {}}).error().code,
             ErrorCode::InvalidRequest);
    sm.create(SessionSpec{u"dup"_s, {}, {}, {}, {}, {}, {}, {}});
    QCOMPARE(sm.create(SessionSpec{u"dup"_s, {}, {}, {}, {}, {}, {}, {}}).error().code,
             ErrorCode::InvalidRequest);
    QCOMPARE(sm.addMessage(999, u"user"_s, u"x"_s).error().code, ErrorCode::SessionNotFound);
    Session closed = *sm.findByKey(u"dup"_s);
    closed.state = SessionState::Closed;
    QVERIFY(!sm.update(closed).isError());
    QCOMPARE(sm.addMessage(closed.id, u"user"_s, u"x"_s).error().code, ErrorCode::SessionClosed);
}

QTEST_GUILESS_MAIN(tst_SessionManager)
#include "tst_sessionmanager.moc"
