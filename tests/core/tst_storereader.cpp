// SPDX-License-Identifier: GPL-3.0-or-later
// StoreReader: paged, filtered run lists and the other read-only queries the console uses.
#include "tempdatabase.h"
#include "testengine.h"

#include "store/sqlitestore.h"
#include "store/storereader.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

#include <optional>
#include <tuple>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_StoreReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void pagesNewestFirstWithKeyset();
    void filters_data();
    void filters();
    void newerRuns();
    void runDetailMessagesAuditHistory();
    void migratesVersionOneDatabase();

private:
    TempDatabase m_dir;
    QVector<RunId> m_ids; ///< oldest first
    RunId m_failed = 0;
    SessionId m_alpha = 0;
};

namespace {
quint64 requestOf(const RunPage &page) { return page.request; }
quint64 requestOf(quint64 request) { return request; }

/// Issues a request and waits for the reader's answer on @p signal. The receiver is connected
/// before the request is sent and lives on this thread, so the answer arrives as a queued call:
/// it can neither be missed (a QSignalSpy that starts waiting after a fast reader emitted times
/// out) nor race the test's own thread. Returns the answer's arguments as a tuple.
template <typename... Args, typename Request>
std::tuple<std::decay_t<Args>...> waitAnswer(StoreReader &reader, void (StoreReader::*signal)(Args...),
                                             Request &&request)
{
    QObject receiver;
    quint64 id = 0;
    std::optional<std::tuple<std::decay_t<Args>...>> answer;
    QObject::connect(&reader, signal, &receiver, [&](Args... args) {
        auto values = std::make_tuple(std::decay_t<Args>(args)...);
        if (requestOf(std::get<0>(values)) == id)
            answer = std::move(values);
    });
    id = request();
    if (!QTest::qWaitFor([&] { return answer.has_value(); }, 10000))
        qWarning("no answer from the reader within 10 s");
    return answer.value_or(std::tuple<std::decay_t<Args>...>{});
}

template <typename Request>
RunPage waitPage(StoreReader &reader, Request &&request)
{
    return std::get<0>(waitAnswer(reader, &StoreReader::runsReady, std::forward<Request>(request)));
}
} // namespace

void tst_StoreReader::initTestCase()
{
    auto store = SqliteStore::open(m_dir.path()).value();
    TestEngine t(TestEngine::defaultOptions(), std::move(store));
    t.engine->setLaneLimit(u"main"_s, 500);
    t.engine->setLaneLimit(u"team"_s, 500);
    m_alpha = t.session(u"alpha"_s);
    const SessionId beta = t.session(u"beta"_s, {}, u"team"_s);
    for (int i = 0; i < 120; ++i) {
        RunSubmission sub;
        sub.handler = u"noop"_s;
        sub.input = i == 77 ? u"the needle 50% off"_s : u"run %1"_s.arg(i);
        sub.lane = i % 2 ? u"team"_s : u"main"_s;
        sub.priority = i % 3 ? Priority::Normal : Priority::High;
        m_ids << t.engine->submitRun(sub).value();
        t.advance(10);
    }
    // Two session messages, one failed run, audit entries, a few seconds of stats.
    t.send(m_alpha, u"hello"_s);
    t.send(beta, u"hi"_s);
    for (RunId id : t.manual()->held()) {
        if (id == m_ids[5])
            t.manual()->finish(id, Outcome::failure(u"disk on fire"_s));
        else
            t.manual()->finish(id, Outcome::success(u"ok"_s));
    }
    m_failed = m_ids[5];
    t.runUntilIdle();
    t.engine->audit(u"alice"_s, u"pause"_s, u"scheduler"_s, u"maintenance"_s);
    t.engine->audit(u"bob"_s, u"resume"_s, u"scheduler"_s, {});
    t.advance(3000);
    QVERIFY(!t.store->flush().isError());
}

void tst_StoreReader::pagesNewestFirstWithKeyset()
{
    StoreReader reader(m_dir.path());
    const RunPage first = waitPage(reader, [&] { return reader.requestRuns({}, 0, 50); });
    QVERIFY(first.error.code == ErrorCode::None);
    QCOMPARE(first.rows.size(), 50);
    QVERIFY(first.more);
    QVERIFY(first.rows.first().id > first.rows.last().id);
    const RunPage second = waitPage(reader, [&] { return reader.requestRuns({}, first.rows.last().id, 50); });
    QCOMPARE(second.rows.size(), 50);
    QCOMPARE(second.rows.first().id, first.rows.last().id - 1);
    const RunPage third = waitPage(reader, [&] { return reader.requestRuns({}, second.rows.last().id, 50); });
    QCOMPARE(third.rows.size(), 22); // 120 runs + 2 messages
    QVERIFY(!third.more);
    QCOMPARE(first.rows.first().sessionKey, u"beta"_s); // the newest run is beta's message
}

void tst_StoreReader::filters_data()
{
    QTest::addColumn<RunFilter>("filter");
    QTest::addColumn<int>("expected");
    RunFilter failed;
    failed.states = {RunState::Failed};
    QTest::newRow("state failed") << failed << 1;
    RunFilter team;
    team.lanes = {u"team"_s};
    QTest::newRow("lane team") << team << 61; // 60 runs + beta's message
    RunFilter high;
    high.priorities = {Priority::High};
    QTest::newRow("priority high") << high << 40;
    RunFilter needle;
    needle.text = u"50% off"_s; // % is matched literally
    QTest::newRow("text with wildcard chars") << needle << 1;
    RunFilter byId;
    byId.text = u"#3"_s;
    QTest::newRow("#id") << byId << 1;
    RunFilter bySessionKey;
    bySessionKey.text = u"alpha"_s;
    QTest::newRow("text matches session key") << bySessionKey << 1;
    RunFilter combined;
    combined.lanes = {u"main"_s};
    combined.priorities = {Priority::High};
    combined.states = {RunState::Completed};
    QTest::newRow("combined") << combined << 20; // i % 6 == 0 for i < 120
}

void tst_StoreReader::filters()
{
    QFETCH(RunFilter, filter);
    QFETCH(int, expected);
    StoreReader reader(m_dir.path());
    const RunPage page = waitPage(reader, [&] { return reader.requestRuns(filter, 0, 500); });
    QVERIFY2(page.error.code == ErrorCode::None, qPrintable(page.error.message));
    QCOMPARE(page.rows.size(), expected);
}

void tst_StoreReader::newerRuns()
{
    StoreReader reader(m_dir.path());
    const RunPage page = waitPage(reader, [&] { return reader.requestNewerRuns({}, m_ids[110], 100); });
    QCOMPARE(page.rows.size(), 9 + 2);
    QVERIFY(page.rows.last().id == m_ids[111]);
}

void tst_StoreReader::runDetailMessagesAuditHistory()
{
    StoreReader reader(m_dir.path());
    const auto [runRequest, run, runSession, found] =
        waitAnswer(reader, &StoreReader::runReady, [&] { return reader.requestRun(m_failed); });
    QVERIFY(found);
    QCOMPARE(run.state, RunState::Failed);
    QCOMPARE(run.error, u"disk on fire"_s);
    const MessageList msgs = std::get<2>(
        waitAnswer(reader, &StoreReader::messagesReady, [&] { return reader.requestMessages(m_alpha, 10); }));
    QCOMPARE(msgs.size(), 2);
    QCOMPARE(msgs.first().content, u"hello"_s);
    QCOMPARE(msgs.last().role, u"assistant"_s);
    const AuditLog log =
        std::get<1>(waitAnswer(reader, &StoreReader::auditReady, [&] { return reader.requestAudit(10); }));
    QCOMPARE(log.size(), 2);
    QCOMPARE(log.first().actor, u"bob"_s); // newest first
    QCOMPARE(log.last().reason, u"maintenance"_s);
    const StatsSeries series = std::get<1>(waitAnswer(reader, &StoreReader::historyReady, [&] {
        return reader.requestHistory(0, std::numeric_limits<qint64>::max(), 1000);
    }));
    QVERIFY(series.size() >= 3);
    quint32 completed = 0;
    for (const StatsSample &s : series)
        completed += s.completed;
    QCOMPARE(completed, 121u);
}

void tst_StoreReader::migratesVersionOneDatabase()
{
    // A database as version 1 wrote it: no audit/stats tables, no retry_of column.
    TempDatabase dir;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"v1"_s);
        db.setDatabaseName(dir.path());
        QVERIFY(db.open());
        QSqlQuery q(db);
        for (const char *sql :
             {"PRAGMA application_id = 1497453124", "CREATE TABLE schema_version (version INTEGER NOT NULL)",
              "INSERT INTO schema_version VALUES (1)",
              "CREATE TABLE sessions (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, agent TEXT NOT NULL DEFAULT '', workspace TEXT NOT NULL DEFAULT '', channel TEXT NOT NULL DEFAULT '', type TEXT NOT NULL DEFAULT '', state TEXT NOT NULL DEFAULT 'active', prompting INTEGER NOT NULL DEFAULT 0, capabilities TEXT NOT NULL DEFAULT '[]', created_at INTEGER NOT NULL, last_activity_at INTEGER NOT NULL, queue_config TEXT NOT NULL DEFAULT '{}', lane TEXT NOT NULL DEFAULT '', transcript_chars INTEGER NOT NULL DEFAULT 0, paused INTEGER NOT NULL DEFAULT 0)",
              "CREATE TABLE messages (id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL, role TEXT NOT NULL, content TEXT NOT NULL, metadata TEXT NOT NULL DEFAULT '{}', created_at INTEGER NOT NULL)",
              "CREATE TABLE runs (id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL DEFAULT 0, message_id INTEGER NOT NULL DEFAULT 0, handler TEXT NOT NULL, lane TEXT NOT NULL, priority INTEGER NOT NULL, state TEXT NOT NULL, attempt INTEGER NOT NULL DEFAULT 1, max_attempts INTEGER NOT NULL DEFAULT 1, input TEXT NOT NULL DEFAULT '', payload TEXT NOT NULL DEFAULT '', result TEXT NOT NULL DEFAULT '', error_code TEXT NOT NULL DEFAULT '', error TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL, queued_at INTEGER NOT NULL, started_at INTEGER NOT NULL DEFAULT 0, finished_at INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL, merged_into INTEGER NOT NULL DEFAULT 0, merged_count INTEGER NOT NULL DEFAULT 0, saved_state BLOB, progress REAL NOT NULL DEFAULT 0, progress_text TEXT NOT NULL DEFAULT '', log TEXT NOT NULL DEFAULT '')",
              "INSERT INTO runs (id, handler, lane, priority, state, created_at, queued_at, updated_at) VALUES (7, 'noop', 'main', 3, 'queued', 1, 1, 1)",
              "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
              "CREATE TABLE lanes (name TEXT PRIMARY KEY, max_concurrency INTEGER NOT NULL, paused INTEGER NOT NULL DEFAULT 0)"})
            QVERIFY2(q.exec(QString::fromLatin1(sql)), sql);
        q = QSqlQuery();
        db.close();
    }
    QSqlDatabase::removeDatabase(u"v1"_s);
    auto store = SqliteStore::open(dir.path());
    QVERIFY2(store, qPrintable(store.error().toString()));
    const std::optional<Run> run = store.value()->loadRun(7);
    QVERIFY(run);
    QCOMPARE(run->retryOf, RunId(0));
    TestEngine t(TestEngine::defaultOptions(), std::move(store).value());
    QVERIFY(t.manual()->isHeld(7)); // the queued run resumed after the migration
}

QTEST_GUILESS_MAIN(tst_StoreReader)
#include "tst_storereader.moc"
