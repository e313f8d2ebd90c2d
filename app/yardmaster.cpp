// SPDX-License-Identifier: GPL-3.0-or-later
// yardmaster: the operator console (default) or the headless scheduler (--headless).
#include "unixsignalwatcher.h"

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

#include "mainwindow.h"
#include "theme.h"
#include "store/storereader.h"

#include <QSettings>
#endif

#include <cstdio>
#include <cstring>

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
};

void describe(QCommandLineParser &parser)
{
    parser.setApplicationDescription(
        u"Yardmaster: operator console with an embedded scheduler for AI-agent work."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({u"headless"_s, u"Run the scheduler without a window."_s});
    parser.addOption({u"db"_s,
                      u"SQLite database file (default: %1)."_s.arg(defaultDatabasePath()),
                      u"path"_s});
    parser.addOption({u"in-memory"_s, u"Keep everything in memory; nothing survives a restart."_s});
    parser.addOption({u"demo"_s, u"Start the demo workload (simulated agents) at once."_s});
    parser.addOption({u"theme"_s, u"Console colours: system, light or dark (remembered)."_s, u"name"_s});
    parser.addOption({u"config"_s,
                      u"JSON config file (default: %1, if present)."_s.arg(Yard::ConfigFile::defaultPath()),
                      u"path"_s});
}

/// Checks the arguments before anything else (even the display check), so a mistyped option is
/// named as such. Exits 2 with the problem.
void checkArguments(int argc, char **argv)
{
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
    if (!o.theme.isEmpty() && o.theme != u"system" && o.theme != u"light" && o.theme != u"dark") {
        std::fprintf(stderr, "yardmaster: --theme must be system, light or dark, not \"%s\"\n",
                     qPrintable(o.theme));
        std::exit(2);
    }
    o.config = o.configGiven ? parser.value(u"config"_s) : Yard::ConfigFile::defaultPath();
    o.db = parser.isSet(u"db"_s) ? parser.value(u"db"_s) : defaultDatabasePath();
    if (parser.isSet(u"db"_s) && o.inMemory) {
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

int runHeadless(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    setIdentity();
    const Options o = parse(app);
    auto scheduler = openScheduler(o);
    if (!scheduler)
        return 1;
    if (o.demo)
        scheduler->setDemoRunning(true);
    std::printf("yardmaster: headless scheduler running%s; database %s\nPress Ctrl+C to stop.\n",
                o.demo ? " with the demo workload" : "", qPrintable(scheduler->storeLocation()));
    std::fflush(stdout); // supervisors read this through a pipe
    UnixSignalWatcher watcher;
    Yard::Error stopped;
    QObject::connect(&watcher, &UnixSignalWatcher::terminationRequested, &app, [&](int) {
        std::printf("yardmaster: shutting down (runs in flight get up to 5 s to finish)...\n");
        std::fflush(stdout);
        stopped = scheduler->shutdown(5000);
        app.quit();
    });
    int rc = app.exec();
    if (!stopped.isError())
        stopped = scheduler->shutdown(5000);
    scheduler.reset();
    if (stopped.isError()) {
        std::fprintf(stderr, "yardmaster: %s\n", qPrintable(stopped.toString()));
        rc = 1;
    }
    return rc;
}

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
    QApplication::setDesktopFileName(u"yardmaster"_s);
    const Options o = parse(app);
    auto scheduler = openScheduler(o);
    if (!scheduler)
        return 1;
    QSettings settings;
    if (!o.theme.isEmpty())
        settings.setValue(u"ui/theme"_s, o.theme);
    Yard::Ui::Theme::apply(Yard::Ui::Theme::fromName(settings.value(u"ui/theme"_s, u"system"_s).toString()));
    std::unique_ptr<Yard::StoreReader> reader;
    if (!o.inMemory)
        reader = std::make_unique<Yard::StoreReader>(o.db);
    Yard::Ui::MainWindow window(scheduler.get(), reader.get(),
                                qEnvironmentVariable("USER", u"operator"_s));
    window.show();
    if (o.demo)
        window.startDemo();
    UnixSignalWatcher watcher;
    QObject::connect(&watcher, &UnixSignalWatcher::terminationRequested, &app, &QApplication::quit);
    int rc = app.exec();
    if (const Yard::Error stopped = scheduler->shutdown(5000); stopped.isError()) {
        std::fprintf(stderr, "yardmaster: %s\n", qPrintable(stopped.toString()));
        rc = 1;
    }
    return rc;
#endif
}
