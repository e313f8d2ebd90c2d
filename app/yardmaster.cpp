// SPDX-License-Identifier: GPL-3.0-or-later
// yardmaster: the operator console (default) or the headless scheduler (--headless).
#include "unixsignalwatcher.h"

#include "api/apiserver.h"
#include "cluster/clusternode.h"
#include "cluster/clusterurl.h"
#include "exec/agenthandler.h"
#include "exec/handlerregistry.h"
#include "config/configfile.h"
#include "engine/scheduler.h"
#include "logging.h"

#include <QCommandLineParser>
#include <QDir>
#include <QStandardPaths>
#include <QTextStream>

#ifdef YARD_WITH_UI
#include <QApplication>
#include <QIcon>

#include "cluster/clustermonitor.h"
#include "cluster/clusterwindow.h"
#include "mainwindow.h"
#include "theme.h"
#include "store/storereader.h"

#include <QSettings>
#endif

#include <cstdio>
#include <cstring>

#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

bool hasFlag(int argc, char **argv, const char *flag)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], flag) == 0)
            return true;
    }
    return false;
}

bool displayAvailable()
{
    return !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") || !qEnvironmentVariableIsEmpty("DISPLAY")
           || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
}

void setIdentity()
{
    // Organisation = application: settings go to ~/.config/yardmaster/yardmaster.conf.
    QCoreApplication::setOrganizationName(u"yardmaster"_s);
    QCoreApplication::setApplicationName(u"yardmaster"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(YARD_VERSION));
}

QString defaultDatabasePath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation))
        .filePath(u"yardmaster/yardmaster.db"_s);
}

struct Options
{
    bool headless = false;
    bool inMemory = false;
    bool demo = false;
    QString db;
    QString config;
    bool configGiven = false;
    QString theme;
    QString socket; ///< the API socket's name or path ("" = the default)
    bool noApi = false;
    bool readOnly = false;
    bool node = false; ///< the console on a cluster also runs a node
    bool cluster() const { return Yard::ClusterUrl::isClusterUrl(db); }
};

/// The options, once: --help and the manual page (--man) are both made from this table.
struct OptionText
{
    QString name;
    QString value; ///< empty: a switch
    QString help;  ///< for --help, with this machine's defaults
    QString man;   ///< for the manual page, defaults named generically; empty = help
};

QVector<OptionText> optionTexts()
{
    return {
        {u"headless"_s, {}, u"Run the scheduler without a window."_s,
         u"Run the scheduler without a window: no display needed. Logs go to standard error, one line "
         "each (with a syslog priority prefix under systemd); SIGTERM or SIGINT shut down gracefully."_s},
        {u"db"_s, u"path|url"_s,
         u"SQLite database file (default: %1), or a cluster's postgresql://user@host/dbname."_s.arg(defaultDatabasePath()),
         u"SQLite database file; created when missing, migrated when older. Default: "
         "$XDG_DATA_HOME/yardmaster/yardmaster.db (~/.local/share/yardmaster/yardmaster.db). A URL "
         "postgresql://user@host[:port]/dbname opens a cluster's shared PostgreSQL instead: with --headless "
         "this process is one node of the cluster; the console monitors the cluster (add --node to run a node "
         "too). The password comes from ~/.pgpass, PGPASSFILE or PGPASSWORD, never from the URL."_s},
        {u"node"_s, {}, u"Console on a cluster: also run a scheduler node in this process."_s, {}},
        {u"in-memory"_s, {}, u"Keep everything in memory; nothing survives a restart."_s, {}},
        {u"demo"_s, {}, u"Start the demo workload (simulated agents) at once."_s, {}},
        {u"socket"_s, u"name"_s,
         u"Serve the local API on this socket: a name in the runtime directory or a path "
         "(default: $YARD_SOCKET, else %1)."_s.arg(Yard::ApiServer::socketPath()),
         u"Serve the local API on this socket: a name in the runtime directory or a path. Default: "
         "$YARD_SOCKET, else $XDG_RUNTIME_DIR/yardmaster.sock. The socket is private to the user (mode 0600)."_s},
        {u"no-api"_s, {}, u"Do not serve the local API."_s, {}},
        {u"read-only"_s, {}, u"Console: show everything, refuse every operator action."_s,
         u"Console only: show everything but refuse every operator action (pause, cancel, retry, job and "
         "lane changes), and say so; View > Read-only cannot turn it off until the next start. Scripts "
         "and yardctl still act through the API."_s},
        {u"theme"_s, u"name"_s, u"Console colours: system, light or dark (remembered)."_s, {}},
        {u"config"_s, u"path"_s,
         u"JSON config file (default: %1, if present)."_s.arg(Yard::ConfigFile::defaultPath()),
         u"JSON config file (lanes, queues, worker pools, agents). Default: "
         "$XDG_CONFIG_HOME/yardmaster/config.json, if present."_s},
    };
}

void describe(QCommandLineParser &parser)
{
    parser.setApplicationDescription(
        u"Yardmaster: operator console with an embedded scheduler for AI-agent work."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    for (const OptionText &o : optionTexts())
        parser.addOption(o.value.isEmpty() ? QCommandLineOption(o.name, o.help)
                                           : QCommandLineOption(o.name, o.help, o.value));
}

QString roff(QString text)
{
    text.replace(u'\\', u"\\e"_s);
    text.replace(u'-', u"\\-"_s);
    if (text.startsWith(u'.') || text.startsWith(u'\''))
        text.prepend(u"\\&"_s);
    return text;
}

/// yardmaster(1), from the same table as --help (installed by the package).
QString manPage()
{
    QString m;
    m += u".TH YARDMASTER 1 \"\" \"yardmaster %1\" \"Yardmaster\"\n"_s.arg(QStringLiteral(YARD_VERSION));
    m += u".SH NAME\nyardmaster \\- operator console with an embedded scheduler for AI\\-agent work\n"_s;
    m += u".SH SYNOPSIS\n.B yardmaster\n[\\fIOPTION\\fR]...\n"_s;
    m += u".SH DESCRIPTION\n"_s
         + roff(u"Yardmaster runs agent work in per-session queues and lanes with priorities, preemption, jobs "
                "and leases, keeps it in SQLite, and shows it in a desktop console where operators pause, "
                "resume, drain, cancel and recover. With --headless the same scheduler runs without a window. "
                "Either way it serves a local API that yardctl(1) and scripts use."_s)
         + u"\n"_s;
    m += u".SH OPTIONS\n"_s;
    m += u".TP\n.B \\-h, \\-\\-help\nShow the options and exit.\n"_s;
    m += u".TP\n.B \\-v, \\-\\-version\nShow the version and exit.\n"_s;
    for (const OptionText &o : optionTexts()) {
        m += u".TP\n.B \\-\\-%1"_s.arg(roff(o.name));
        if (!o.value.isEmpty())
            m += u" \\fI%1\\fR"_s.arg(o.value);
        m += u"\n"_s + roff(o.man.isEmpty() ? o.help : o.man) + u"\n"_s;
    }
    m += u".SH ENVIRONMENT\n.TP\n.B YARD_SOCKET\n"_s + roff(u"The API socket when --socket is not given."_s) + u"\n"_s;
    m += u".TP\n.B YARD_INTERACTIVE_WORKERS, YARD_BACKGROUND_WORKERS, YARD_SINGLE_PROCESSOR\n"_s
         + roff(u"Worker pool sizes and single-processor mode (they win over the config file)."_s) + u"\n"_s;
    m += u".SH EXIT STATUS\n"_s
         + roff(u"0 after a clean shutdown; 1 when the scheduler cannot start (the database is unusable or held "
                "by another process, the socket is served by another instance); 2 for a bad option or config file, "
                "or when the console finds no display."_s)
         + u"\n"_s;
    m += u".SH FILES\n.TP\n.I ~/.local/share/yardmaster/yardmaster.db\nThe default database.\n"_s;
    m += u".TP\n.I ~/.config/yardmaster/config.json\nThe default config file.\n"_s;
    m += u".TP\n.I /usr/lib/systemd/user/yardmaster.service\n"_s
         + roff(u"The headless scheduler as a systemd user service: systemctl --user enable --now yardmaster."_s)
         + u"\n"_s;
    m += u".SH SEE ALSO\n.BR yardctl (1)\n"_s;
    return m;
}

/// Checks the arguments before anything else (even the display check), so a mistyped option is
/// named as such. Exits 2 with the problem.
void checkArguments(int argc, char **argv)
{
    if (argc == 2 && std::strcmp(argv[1], "--man") == 0) { // for the build: yardmaster.1
        std::fputs(qPrintable(manPage()), stdout);
        std::exit(0);
    }
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    QCommandLineParser parser;
    describe(parser);
    if (!parser.parse(args)) {
        std::fprintf(stderr, "yardmaster: %s\nTry 'yardmaster --help'.\n", qPrintable(parser.errorText()));
        std::exit(2);
    }
    if (!parser.positionalArguments().isEmpty()) {
        std::fprintf(stderr, "yardmaster: unexpected argument \"%s\" (options start with --)\nTry 'yardmaster --help'.\n",
                     qPrintable(parser.positionalArguments().first()));
        std::exit(2);
    }
    if (parser.isSet(u"db"_s) && parser.value(u"db"_s).trimmed().isEmpty()) {
        std::fprintf(stderr, "yardmaster: --db needs a database file path (use --in-memory to keep nothing)\n");
        std::exit(2);
    }
    if (parser.isSet(u"db"_s) && Yard::ClusterUrl::isClusterUrl(parser.value(u"db"_s))) {
        if (auto url = Yard::ClusterUrl::parse(parser.value(u"db"_s)); !url) {
            std::fprintf(stderr, "yardmaster: %s\n", qPrintable(url.error().message));
            std::exit(2);
        }
    } else if (parser.isSet(u"node"_s)) {
        std::fprintf(stderr, "yardmaster: --node is for a cluster (--db postgresql://...)\n");
        std::exit(2);
    }
}

Options parse(QCoreApplication &app)
{
    QCommandLineParser parser;
    describe(parser);
    parser.process(app);
    Options o;
    o.headless = parser.isSet(u"headless"_s);
    o.inMemory = parser.isSet(u"in-memory"_s);
    o.demo = parser.isSet(u"demo"_s);
    o.configGiven = parser.isSet(u"config"_s);
    o.theme = parser.value(u"theme"_s);
    o.socket = parser.isSet(u"socket"_s) ? parser.value(u"socket"_s) : qEnvironmentVariable("YARD_SOCKET");
    o.noApi = parser.isSet(u"no-api"_s);
    o.readOnly = parser.isSet(u"read-only"_s);
    o.node = parser.isSet(u"node"_s);
    if (o.readOnly && o.headless) {
        std::fprintf(stderr, "yardmaster: --read-only is for the console; the headless scheduler has none "
                             "(run the console with --read-only to watch it)\n");
        std::exit(2);
    }
    if (parser.isSet(u"socket"_s) && (o.socket.trimmed().isEmpty() || o.noApi)) {
        std::fprintf(stderr, "%s\n", o.noApi ? "yardmaster: --socket and --no-api exclude each other"
                                             : "yardmaster: --socket needs a name or a path");
        std::exit(2);
    }
    if (!o.theme.isEmpty() && o.theme != u"system" && o.theme != u"light" && o.theme != u"dark") {
        std::fprintf(stderr, "yardmaster: --theme must be system, light or dark, not \"%s\"\n",
                     qPrintable(o.theme));
        std::exit(2);
    }
    o.config = o.configGiven ? parser.value(u"config"_s) : Yard::ConfigFile::defaultPath();
    o.db = parser.isSet(u"db"_s) ? parser.value(u"db"_s) : defaultDatabasePath();
    if (parser.isSet(u"db"_s) && o.inMemory && !o.cluster()) {
        std::fprintf(stderr, "yardmaster: --db and --in-memory exclude each other\n");
        std::exit(2);
    }
    return o;
}

std::unique_ptr<Yard::Scheduler> openScheduler(const Options &o)
{
    Yard::SchedulerOptions options;
    options.databasePath = o.inMemory ? QString() : o.db;
    Yard::Error configError =
        Yard::ConfigFile::apply(o.config, options.engine, &options.workerThreads, o.configGiven);
    if (!configError.isError())
        configError = Yard::ConfigFile::applyEnvironment(options.engine);
    if (configError.isError()) {
        std::fprintf(stderr, "yardmaster: %s\n", qPrintable(configError.toString()));
        return nullptr;
    }
    auto scheduler = Yard::Scheduler::open(options);
    if (!scheduler) {
        std::fprintf(stderr, "yardmaster: %s\n", qPrintable(scheduler.error().toString()));
        return nullptr;
    }
    return std::move(scheduler).value();
}

/// Log lines for a supervisor (SPEC I4): one line per message on stderr. Under systemd
/// (JOURNAL_STREAM set) each line starts with its syslog priority, "<4>yard.api: …", which
/// journald turns into the entry's level; elsewhere the level is spelled out.
void journalFriendlyLog(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    static const bool journal = !qEnvironmentVariableIsEmpty("JOURNAL_STREAM");
    int priority = 6;
    const char *level = "info";
    switch (type) {
    case QtDebugMsg:
        priority = 7;
        level = "debug";
        break;
    case QtInfoMsg:
        break;
    case QtWarningMsg:
        priority = 4;
        level = "warning";
        break;
    case QtCriticalMsg:
        priority = 3;
        level = "error";
        break;
    case QtFatalMsg:
        priority = 2;
        level = "fatal";
        break;
    }
    QString text = message;
    text.replace(u'\n', u' '); // one entry per message
    const char *category = context.category && *context.category ? context.category : "yardmaster";
    if (journal)
        std::fprintf(stderr, "<%d>%s: %s\n", priority, category, qPrintable(text));
    else
        std::fprintf(stderr, "%s %s: %s\n", level, category, qPrintable(text));
    std::fflush(stderr);
    if (type == QtFatalMsg)
        std::abort();
}

/// Starts the local API, unless --no-api. An error names the socket and the cause.
Yard::Expected<std::unique_ptr<Yard::ApiServer>> startApi(Yard::Scheduler *scheduler, const Options &o)
{
    if (o.noApi)
        return std::unique_ptr<Yard::ApiServer>();
    return Yard::ApiServer::start(scheduler, Yard::ApiServer::socketPath(o.socket), o.inMemory ? QString() : o.db);
}

/// A positive whole number from the environment, or `fallback`; exits 2 naming a bad value.
int envNumber(const char *name, int fallback, int minimum)
{
    if (qEnvironmentVariableIsEmpty(name))
        return fallback;
    bool ok = false;
    const int value = qEnvironmentVariable(name).toInt(&ok);
    if (!ok || value < minimum) {
        std::fprintf(stderr, "yardmaster: %s must be a whole number of at least %d, not \"%s\"\n", name, minimum,
                     qPrintable(qEnvironmentVariable(name)));
        std::exit(2);
    }
    return value;
}

/// One node of a cluster (SPEC X1), or nullptr after printing why it cannot start.
std::unique_ptr<Yard::ClusterNode> startClusterNode(const Options &o)
{
    Yard::EngineOptions engine;
    int workers = 0;
    if (Yard::Error e = Yard::ConfigFile::apply(o.config, engine, &workers, o.configGiven); e.isError()) {
        std::fprintf(stderr, "yardmaster: %s\n", qPrintable(e.toString()));
        std::exit(2);
    }
    Yard::ClusterNodeOptions options;
    options.url = Yard::ClusterUrl::parse(o.db).value();
    options.leaseMs = envNumber("YARD_CLUSTER_LEASE_MS", options.leaseMs, 300);
    options.cycleMs = envNumber("YARD_CLUSTER_CYCLE_MS", options.cycleMs, 20);
    options.capacity = envNumber("YARD_CLUSTER_CAPACITY", options.capacity, 1);
    options.claimBatch = envNumber("YARD_CLUSTER_CLAIM_BATCH", options.claimBatch, 1);
    options.workers = envNumber("YARD_CLUSTER_WORKERS", workers > 0 ? workers : options.workers, 1);
    options.name = qEnvironmentVariable("YARD_NODE_NAME");
    options.demo = o.demo;
    auto handlers = std::make_shared<Yard::HandlerRegistry>();
    handlers->addBuiltins();
    handlers->add(u"agent"_s, std::make_shared<Yard::AgentHandler>(engine.agents));
    auto node = std::make_unique<Yard::ClusterNode>(options, handlers);
    if (const Yard::Error e = node->start(); e.isError()) {
        std::fprintf(stderr, "yardmaster: %s\n", qPrintable(e.message));
        return nullptr;
    }
    return node;
}

/// A cluster's API on this process's socket, unless --no-api: its commands act on the database.
Yard::Expected<std::unique_ptr<Yard::ApiServer>> startClusterApi(const Yard::ClusterUrl &url, qint64 node,
                                                                 const Options &o)
{
    if (o.noApi)
        return std::unique_ptr<Yard::ApiServer>();
    return Yard::ApiServer::startCluster(url, node, Yard::ApiServer::socketPath(o.socket));
}

int runClusterNode(QCoreApplication &app, const Options &o)
{
    if (o.inMemory) {
        std::fprintf(stderr, "yardmaster: --db and --in-memory exclude each other\n");
        return 2;
    }
    // Before anything starts, so a SIGTERM sent as soon as the ready line appears is not lost.
    UnixSignalWatcher watcher;
    auto node = startClusterNode(o);
    if (!node)
        return 1;
    const Yard::ClusterUrl url = Yard::ClusterUrl::parse(o.db).value();
    auto api = startClusterApi(url, node->nodeId(), o);
    if (!api) {
        std::fprintf(stderr, "yardmaster: %s\n", qPrintable(api.error().message));
        node->stop(5000);
        return 1;
    }
    std::printf("yardmaster: cluster node %lld running%s; database %s; API %s\nPress Ctrl+C to stop.\n",
                node->nodeId(), o.demo ? " with the demo workload" : "", qPrintable(url.display()),
                qPrintable(api.value() ? api.value()->path() : u"off"_s));
    std::fflush(stdout);
    QObject::connect(&watcher, &UnixSignalWatcher::terminationRequested, &app, [&](int) {
        std::printf("yardmaster: leaving the cluster (runs in flight get up to 5 s to finish)...\n");
        std::fflush(stdout);
        api.value().reset();
        node->stop(5000);
        app.quit();
    });
    const int rc = app.exec();
    api.value().reset();
    node->stop(5000);
    return rc;
}

int runHeadless(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    setIdentity();
    qInstallMessageHandler(journalFriendlyLog);
    const Options o = parse(app);
    if (o.cluster())
        return runClusterNode(app, o);
    UnixSignalWatcher watcher; // before the ready line: an early SIGTERM is handled, not fatal
    auto scheduler = openScheduler(o);
    if (!scheduler)
        return 1;
    auto api = startApi(scheduler.get(), o);
    if (!api) {
        std::fprintf(stderr, "yardmaster: %s\n", qPrintable(api.error().message));
        scheduler->shutdown(5000);
        return 1;
    }
    if (o.demo)
        scheduler->setDemoRunning(true);
    const QString apiText = api.value() ? api.value()->path() : u"off"_s;
    std::printf("yardmaster: headless scheduler running%s; database %s; API %s\nPress Ctrl+C to stop.\n",
                o.demo ? " with the demo workload" : "", qPrintable(scheduler->storeLocation()), qPrintable(apiText));
    std::fflush(stdout); // supervisors read this through a pipe
    Yard::Error stopped;
    QObject::connect(&watcher, &UnixSignalWatcher::terminationRequested, &app, [&](int) {
        std::printf("yardmaster: shutting down (runs in flight get up to 5 s to finish)...\n");
        std::fflush(stdout);
        api.value().reset(); // no new requests while the runs settle
        stopped = scheduler->shutdown(5000);
        app.quit();
    });
    int rc = app.exec();
    api.value().reset();
    if (!stopped.isError())
        stopped = scheduler->shutdown(5000);
    scheduler.reset();
    if (stopped.isError()) {
        std::fprintf(stderr, "yardmaster: %s\n", qPrintable(stopped.toString()));
        rc = 1;
    }
    return rc;
}

#ifdef YARD_WITH_UI
/// The console on a cluster: a monitor of the shared database, and a node too with --node.
int runClusterConsole(QApplication &app, const Options &o)
{
    if (o.inMemory) {
        std::fprintf(stderr, "yardmaster: --db and --in-memory exclude each other\n");
        return 2;
    }
    std::unique_ptr<Yard::ClusterNode> node;
    if (o.node) {
        node = startClusterNode(o);
        if (!node)
            return 1;
    }
    const Yard::ClusterUrl url = Yard::ClusterUrl::parse(o.db).value();
    Yard::ClusterMonitor monitor(url, u"console:"_s + qEnvironmentVariable("USER", u"operator"_s));
    Yard::Ui::ClusterWindow window(&monitor, node.get());
    auto api = startClusterApi(url, node ? node->nodeId() : 0, o);
    if (!api)
        qWarning("yardmaster: the local API is off: %s", qPrintable(api.error().message));
    if (o.readOnly)
        window.setReadOnly(true);
    const QString tab = qEnvironmentVariable("YARD_CLUSTER_TAB");
    if (!tab.isEmpty())
        window.showTab(tab);
    window.show();
    monitor.start(1000);
    UnixSignalWatcher watcher;
    QObject::connect(&watcher, &UnixSignalWatcher::terminationRequested, &app, &QApplication::quit);
    const int rc = app.exec();
    if (api)
        api.value().reset();
    if (node)
        node->stop(5000);
    return rc;
}
#endif

} // namespace

int main(int argc, char **argv)
{
    checkArguments(argc, argv);
#ifndef YARD_WITH_UI
    // Built without the console (-DYARD_BUILD_UI=OFF): the scheduler is all there is.
    return runHeadless(argc, argv);
#else
    if (hasFlag(argc, argv, "--headless"))
        return runHeadless(argc, argv);
    if (!displayAvailable()) {
        if (hasFlag(argc, argv, "--help") || hasFlag(argc, argv, "-h") || hasFlag(argc, argv, "--help-all")
            || hasFlag(argc, argv, "--version") || hasFlag(argc, argv, "-v")) {
            QCoreApplication app(argc, argv); // help and version need no window
            setIdentity();
            parse(app); // prints and exits
            return 0;
        }
        std::fprintf(stderr,
                     "yardmaster: no display found (DISPLAY and WAYLAND_DISPLAY are not set).\n"
                     "  Run the scheduler without a window:  yardmaster --headless\n"
                     "  or give the console a virtual display: xvfb-run -a yardmaster\n");
        return 2;
    }
    QApplication app(argc, argv);
    setIdentity();
    QApplication::setApplicationDisplayName(u"Yardmaster"_s);
    QApplication::setWindowIcon(QIcon(u":/yardmaster/yardmaster.svg"_s));
    QApplication::setDesktopFileName(u"io.yardmaster.Yardmaster"_s);
    const Options o = parse(app);
    QSettings settings;
    if (!o.theme.isEmpty())
        settings.setValue(u"ui/theme"_s, o.theme);
    Yard::Ui::Theme::apply(Yard::Ui::Theme::fromName(settings.value(u"ui/theme"_s, u"system"_s).toString()));
    if (o.cluster())
        return runClusterConsole(app, o);
    auto scheduler = openScheduler(o);
    if (!scheduler)
        return 1;
    std::unique_ptr<Yard::StoreReader> reader;
    if (!o.inMemory)
        reader = std::make_unique<Yard::StoreReader>(o.db);
    Yard::Ui::MainWindow window(scheduler.get(), reader.get(),
                                qEnvironmentVariable("USER", u"operator"_s));
    auto api = startApi(scheduler.get(), o);
    if (api && api.value())
        window.setApiStatus(api.value()->path());
    else if (!api)
        window.setApiStatus({}, api.error().message);
    if (!api)
        qWarning("yardmaster: the local API is off: %s", qPrintable(api.error().message));
    if (o.readOnly)
        window.setReadOnly(true, /*locked=*/true);
    window.show();
    if (o.demo)
        window.startDemo();
    UnixSignalWatcher watcher;
    QObject::connect(&watcher, &UnixSignalWatcher::terminationRequested, &app, &QApplication::quit);
    int rc = app.exec();
    if (api)
        api.value().reset();
    if (const Yard::Error stopped = scheduler->shutdown(5000); stopped.isError()) {
        std::fprintf(stderr, "yardmaster: %s\n", qPrintable(stopped.toString()));
        rc = 1;
    }
    return rc;
#endif
}
