// SPDX-License-Identifier: GPL-3.0-or-later
// yardshots: screenshots of every console view with live demo data, for docs/screenshots.
//   yardshots OUTDIR [--theme light|dark] [--warmup SECONDS]
#include "mainwindow.h"
#include "models/sessionsmodel.h"
#include "theme.h"
#include "views/runsview.h"
#include "views/sessionsview.h"
#include "models/eventsmodel.h"
#include "models/runsmodel.h"
#include "views/eventsview.h"
#include "operatoractions.h"
#include "models/attentionmodel.h"
#include "models/cyclesmodel.h"
#include "views/attentionview.h"
#include "views/cyclesview.h"
#include "views/jobsview.h"
#include "widgets/shortcutsdialog.h"
#include "tray.h"
#include "models/jobsmodel.h"
#include "widgets/jobdialog.h"

#include "api/apiserver.h"
#include "engine/scheduler.h"
#include "store/storereader.h"

#include "clustershots.h"

#include <QApplication>
#include <QGuiApplication>
#include <QScreen>
#include <QIcon>
#include <QMenu>
#include <QPalette>
#include <QCommandLineParser>
#include <QDir>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {
void wait(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}
} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(u"yardshots"_s);
    QCoreApplication::setApplicationName(u"yardshots"_s);
    QApplication::setWindowIcon(QIcon(u":/yardmaster/yardmaster.svg"_s)); // as the program sets it
    QCommandLineParser parser;
    parser.addPositionalArgument(u"outdir"_s, u"Folder for the PNG files"_s);
    parser.addOption({u"theme"_s, u"light or dark"_s, u"name"_s, u"light"_s});
    parser.addOption({u"warmup"_s, u"Seconds of demo traffic before the first shot"_s, u"s"_s, u"40"_s});
    parser.addOption({u"empty-states"_s, u"Shoot every view empty (before any traffic) and stop"_s});
    parser.addOption({u"no-tray"_s, u"Skip the tray shots"_s});
    parser.addOption({u"cluster"_s, u"Shoot the console on a three-node cluster (throwaway PostgreSQL) and stop"_s});
    parser.addHelpOption();
    parser.process(app);
    if (parser.positionalArguments().isEmpty())
        parser.showHelp(2);
    const QString out = parser.positionalArguments().first();
    const QString theme = parser.value(u"theme"_s);
    QDir().mkpath(out);
    Yard::Ui::Theme::apply(Yard::Ui::Theme::fromName(theme));
    if (parser.isSet(u"cluster"_s))
        return clusterShots(out, theme, qBound(5, parser.value(u"warmup"_s).toInt(), 600));

    QTemporaryDir dir;
    Yard::SchedulerOptions options;
    options.databasePath = dir.filePath(u"shots.db"_s);
    // A fast ladder, so Needs attention and Cycles have something to show after the warm-up.
    options.engine.cycle.intervalMs = 1000;
    options.engine.cycle.thresholds.minQueuedAgeMs = 5000;
    auto scheduler = Yard::Scheduler::open(options).value();
    Yard::StoreReader reader(options.databasePath);
    Yard::Ui::MainWindow window(scheduler.get(), &reader, u"operator"_s);
    // The API as the console serves it (its socket in the status bar).
    auto api = Yard::ApiServer::start(scheduler.get(), dir.filePath(u"yardmaster.sock"_s), options.databasePath);
    if (api)
        window.setApiStatus(api.value()->path());
    window.resize(1440, 900);
    window.show();
    wait(1500);
    auto shoot = [&](const QString &name) {
        wait(700);
        const QString path = QDir(out).filePath(u"%1-%2.png"_s.arg(theme, name));
        window.grab().save(path);
        std::printf("%s\n", qPrintable(path));
    };
    shoot(u"welcome"_s);
    if (parser.isSet(u"empty-states"_s)) {
        for (const QString &view : window.viewNames()) {
            window.showView(view);
            shoot(u"empty-"_s + view);
        }
        scheduler->shutdown(2000);
        return 0;
    }
    // Runs that were preempted and resumed, for the Runs view's timeline shot.
    QVector<Yard::RunId> resumed;
    QObject::connect(scheduler.get(), &Yard::Scheduler::eventsReady, &window, [&](const Yard::EventBatch &events) {
        for (const Yard::Event &e : events) {
            if (e.type == Yard::EventType::RunRescheduled && !resumed.contains(e.run))
                resumed.append(e.run);
        }
    });
    window.startDemo();
    wait(parser.value(u"warmup"_s).toInt() * 1000);

    window.showView(u"overview"_s);
    shoot(u"overview"_s);

    window.showView(u"sessions"_s);
    // The busiest session, with its queue.
    QTableView *sessions = window.sessionsView()->table();
    int best = 0, bestLoad = -1;
    for (int r = 0; r < sessions->model()->rowCount(); ++r) {
        const int load = sessions->model()->index(r, Yard::Ui::SessionsModel::Queued).data().toInt();
        if (load > bestLoad) {
            bestLoad = load;
            best = r;
        }
    }
    sessions->selectRow(best);
    shoot(u"sessions"_s);

    window.showView(u"runs"_s);
    Yard::Ui::RunsView *runs = window.runsView();
    runs->model()->reload();
    wait(500);
    for (int r = 0; r < runs->model()->rowCount(); ++r) {
        if (runs->model()->stateAt(r) == Yard::RunState::Failed) {
            runs->table()->selectRow(r);
            break;
        }
    }
    shoot(u"runs"_s);
    if (!resumed.isEmpty()) {
        // A run that yielded its slot to interactive work and went on from its saved state.
        runs->showRun(resumed.first());
        wait(1500);
        shoot(u"runs-preempted"_s);
    }
    window.showView(u"jobs"_s);
    {
        Yard::Ui::JobsView *jobs = window.jobsView();
        for (int r = 0; r < jobs->model()->rowCount(); ++r) {
            if (jobs->model()->jobAt(r)->spec.name.startsWith(u"Flaky"_s)) {
                jobs->table()->selectRow(r);
                break;
            }
        }
        shoot(u"jobs"_s);
        // The dialog with a schedule whose next fires cross a DST change.
        Yard::Ui::JobDialog dialog(jobs->model()->rowCount() ? QVector<Yard::Job>{*jobs->model()->jobAt(0)} : QVector<Yard::Job>{},
                                   &window);
        dialog.setWindowTitle(u"New job"_s);
        Yard::JobSpec spec;
        spec.name = u"Nightly backup"_s;
        spec.type = u"command"_s;
        spec.schedule = Yard::Schedule::fromJson({{u"cron"_s, u"30 2 * * *"_s}, {u"tz"_s, u"Europe/Berlin"_s}}).value();
        spec.payloadJson = R"({"program": "/usr/bin/rsync", "args": ["-a", "/srv/data/", "backup:/data/"]})";
        spec.timeoutMs = 3'600'000;
        dialog.setSpec(spec);
        dialog.setPreviewFrom(QDateTime::fromString(u"2026-03-27T12:00:00Z"_s, Qt::ISODate).toMSecsSinceEpoch());
        dialog.show();
        wait(700);
        const QString path = QDir(out).filePath(u"%1-job-dialog.png"_s.arg(theme));
        dialog.grab().save(path);
        std::printf("%s\n", qPrintable(path));
        dialog.close();
    }
    window.showView(u"lanes"_s);
    shoot(u"lanes"_s);
    window.showView(u"events"_s);
    shoot(u"events"_s);
    window.showView(u"attention"_s);
    Yard::Ui::AttentionView *attention = window.attentionView();
    attention->model()->reload();
    wait(500);
    if (attention->model()->rowCount() > 0)
        attention->table()->selectRow(0);
    shoot(u"needs-attention"_s);
    window.showView(u"cycles"_s);
    Yard::Ui::CyclesView *cycles = window.cyclesView();
    for (int r = 0; r < cycles->model()->rowCount(); ++r) {
        if (cycles->model()->index(r, Yard::Ui::CyclesModel::NeedsAttention).data().toInt() > 0) {
            cycles->table()->selectRow(r);
            break;
        }
    }
    shoot(u"cycles"_s);
    window.actions()->pause(u"maintenance window: upgrading the agent runtime"_s);
    window.showView(u"overview"_s);
    wait(800);
    shoot(u"paused"_s);
    window.showView(u"events"_s);
    window.eventsView()->showCategory(int(Yard::Ui::EventsModel::Category::Operator));
    shoot(u"audit"_s);
    {
        // The "?" sheet, over the window.
        Yard::Ui::ShortcutsDialog *sheet = window.openShortcuts();
        wait(500);
        const QString path = QDir(out).filePath(u"%1-shortcuts.png"_s.arg(theme));
        sheet->grab().save(path);
        std::printf("%s\n", qPrintable(path));
        sheet->close();
    }
    if (window.tray()->isAvailable() && !parser.isSet(u"no-tray"_s)) {
        // The tray (under Xvfb: run a tray such as `trayer` first): a notification, then the menu.
        Yard::Ui::Tray *tray = window.tray();
        const QRect icon = tray->iconGeometry();
        QScreen *screen = QGuiApplication::primaryScreen();
        const QRect area = screen->geometry();
        const QSize cut(qMin(760, area.width()), qMin(420, area.height()));
        auto grabCorner = [&](const QString &name) {
            // The corner of the screen around the icon.
            const QPoint c = icon.isValid() ? icon.center() : area.bottomRight();
            QRect r(QPoint(c.x() - cut.width() + 60, c.y() - cut.height() + 30), cut);
            r.moveLeft(qBound(area.left(), r.left(), area.right() - cut.width() + 1));
            r.moveTop(qBound(area.top(), r.top(), area.bottom() - cut.height() + 1));
            const QString path = QDir(out).filePath(u"%1-%2.png"_s.arg(theme, name));
            screen->grabWindow(0, r.x(), r.y(), r.width(), r.height()).save(path);
            std::printf("%s\n", qPrintable(path));
        };
        // A plain desktop behind, and the window closed to the tray.
        QWidget desktop;
        desktop.setWindowFlags(Qt::FramelessWindowHint | Qt::WindowStaysOnBottomHint);
        desktop.setAutoFillBackground(true);
        QPalette pal = desktop.palette();
        pal.setColor(QPalette::Window, QColor(0x3b, 0x4a, 0x5a));
        desktop.setPalette(pal);
        desktop.setGeometry(area);
        desktop.show();
        desktop.lower();
        window.hide();
        wait(300);
        tray->setNotifyIntervalMs(0);
        tray->runsNeedAttention(3, u"run #412: no idle session has the capabilities fpga, vivado"_s);
        wait(1200);
        grabCorner(u"tray-notification"_s);
        QMenu *menu = tray->menu();
        menu->adjustSize();
        menu->popup(QPoint(icon.left(), icon.top() - menu->sizeHint().height()));
        wait(700);
        grabCorner(u"tray-menu"_s);
        menu->hide();
    } else if (!parser.isSet(u"no-tray"_s)) {
        std::printf("tray: this display has no system tray (start `trayer` under Xvfb); no tray shots\n");
    }
    scheduler->shutdown(2000);
    return 0;
}
