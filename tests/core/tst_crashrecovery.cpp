// SPDX-License-Identifier: GPL-3.0-or-later
// Crash recovery (SPEC R1, R5, Q12): a child process runs the scheduler on a temp file under
// load and is killed with SIGKILL at random moments, again and again. Across the restarts every
// run whose durable notification was seen is on disk and ends with one outcome, no id is issued
// twice, and the database passes integrity_check every time.
#include "tempdatabase.h"

#include "engine/scheduler.h"

#include <QCoreApplication>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <cstring>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

namespace {

/// The child: submits runs continuously and prints what was issued and what is durable.
/// `--finish` submits nothing and exits once everything has run.
int runChild(const QString &path, bool finish)
{
    SchedulerOptions options;
    options.databasePath = path;
    options.engine.defaultQueue.debounceMs = 0;
    options.engine.defaultQueue.cap = 100'000;
    options.engine.messageHandler = u"noop"_s;
    auto opened = Scheduler::open(options);
    if (!opened) {
        std::fprintf(stderr, "child: %s\n", qPrintable(opened.error().toString()));
        return 3;
    }
    std::unique_ptr<Scheduler> scheduler = std::move(opened).value();
    std::printf("started\n");
    std::fflush(stdout);
    QTimer tick;
    if (finish) {
        QObject::connect(&tick, &QTimer::timeout, [&] {
            scheduler->post([](Engine &e) {
                if (e.queuedCount() == 0 && e.runningCount() == 0) {
                    std::printf("idle\n");
                    std::fflush(stdout);
                    QMetaObject::invokeMethod(qApp, &QCoreApplication::quit, Qt::QueuedConnection);
                }
            });
        });
    } else {
        QObject::connect(&tick, &QTimer::timeout, [&] {
            scheduler->post([](Engine &e) {
                auto ids = std::make_shared<QVector<RunId>>();
                e.batch([&] {
                    for (int i = 0; i < 25; ++i) {
                        MessageRequest m;
                        m.sessionKey = u"crash-%1"_s.arg(i % 5);
                        m.content = u"work"_s;
                        if (Expected<SubmitReceipt> r = e.submitMessage(m))
                            ids->append(r->runId);
                    }
                });
                QByteArray line = "issued";
                for (RunId id : std::as_const(*ids))
                    line += ' ' + QByteArray::number(id);
                std::printf("%s\n", line.constData());
                std::fflush(stdout);
                e.whenDurable([ids] {
                    QByteArray durable = "durable";
                    for (RunId id : std::as_const(*ids))
                        durable += ' ' + QByteArray::number(id);
                    std::printf("%s\n", durable.constData());
                    std::fflush(stdout);
                });
            });
        });
    }
    tick.start(3);
    const int rc = QCoreApplication::exec();
    const Error e = scheduler->shutdown(5000);
    return e.isError() ? 1 : rc;
}

QStringList readIntegrity(const QString &path, QSet<RunId> *present, QHash<RunId, QString> *states)
{
    QStringList problems;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"crash-check"_s);
        db.setDatabaseName(path);
        if (!db.open())
            return {u"cannot open"_s};
        QSqlQuery q(db);
        if (!q.exec(u"PRAGMA integrity_check"_s))
            problems << q.lastError().text();
        while (q.next()) {
            if (q.value(0).toString() != u"ok")
                problems << q.value(0).toString();
        }
        q.exec(u"SELECT id, state FROM runs"_s);
        while (q.next()) {
            present->insert(q.value(0).toLongLong());
            states->insert(q.value(0).toLongLong(), q.value(1).toString());
        }
    }
    QSqlDatabase::removeDatabase(u"crash-check"_s);
    return problems;
}

} // namespace

class tst_CrashRecovery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void killedAtRandomMomentsLosesNothingDurable();
};

void tst_CrashRecovery::killedAtRandomMomentsLosesNothingDurable()
{
    TempDatabase dir;
    const QString path = dir.path(u"crash.db"_s);
    const quint32 seed = QRandomGenerator::global()->generate();
    qInfo("seed %u", seed);
    QRandomGenerator random(seed);
    QSet<RunId> issued, durable;
    const QString self = QCoreApplication::applicationFilePath();
    constexpr int kKills = 6;
    for (int round = 0; round < kKills; ++round) {
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(self, {u"--child"_s, path});
        QVERIFY(child.waitForStarted());
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += child.readAllStandardOutput()).contains("started\n"), 20000);
        QTest::qWait(int(random.bounded(150, 700))); // a random moment under load
        ::kill(pid_t(child.processId()), SIGKILL);
        QVERIFY(child.waitForFinished(10000));
        out += child.readAllStandardOutput();
        for (const QByteArray &line : out.split('\n')) {
            const QList<QByteArray> words = line.split(' ');
            if (words.value(0) == "issued") {
                for (int i = 1; i < words.size(); ++i) {
                    const RunId id = words[i].toLongLong();
                    QVERIFY2(!issued.contains(id), qPrintable(u"run id %1 issued twice"_s.arg(id)));
                    issued.insert(id);
                }
            } else if (words.value(0) == "durable") {
                for (int i = 1; i < words.size(); ++i)
                    durable.insert(words[i].toLongLong());
            }
        }
        QSet<RunId> present;
        QHash<RunId, QString> states;
        const QStringList problems = readIntegrity(path, &present, &states);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u"; "_s)));
        for (RunId id : std::as_const(durable))
            QVERIFY2(present.contains(id), qPrintable(u"durable run %1 is not on disk"_s.arg(id)));
    }
    QVERIFY2(durable.size() > 100, qPrintable(QString::number(durable.size())));
    // One last start lets everything run: every durable run ends with one outcome.
    QProcess finisher;
    finisher.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    finisher.start(self, {u"--child"_s, path, u"--finish"_s});
    QVERIFY(finisher.waitForFinished(60000));
    QCOMPARE(finisher.exitCode(), 0);
    QSet<RunId> present;
    QHash<RunId, QString> states;
    QVERIFY(readIntegrity(path, &present, &states).isEmpty());
    for (RunId id : std::as_const(durable)) {
        const QString state = states.value(id);
        QVERIFY2(state == u"completed" || state == u"failed",
                 qPrintable(u"durable run %1 ended %2"_s.arg(id).arg(state)));
    }
}

int main(int argc, char **argv)
{
    if (argc >= 3 && std::strcmp(argv[1], "--child") == 0) {
        QCoreApplication app(argc, argv);
        qputenv("QT_LOGGING_RULES", "yard.*.info=false");
        return runChild(QString::fromLocal8Bit(argv[2]), argc >= 4 && std::strcmp(argv[3], "--finish") == 0);
    }
    QCoreApplication app(argc, argv);
    tst_CrashRecovery test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_crashrecovery.moc"
