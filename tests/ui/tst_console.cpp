// SPDX-License-Identifier: GPL-3.0-or-later
// The console against a real scheduler (offscreen): pause, cancel from the Runs view, the
// command palette, keyboard.
#include "eventrecorder.h"
#include "tempdatabase.h"
#include "uitesthelpers.h"

#include "mainwindow.h"
#include "models/runsmodel.h"
#include "views/runsview.h"
#include "widgets/commandpalette.h"
#include "widgets/shortcutsdialog.h"
#include "widgets/confirmdialog.h"
#include "widgets/jobdialog.h"
#include "widgets/queueconfigdialog.h"
#include "tray.h"
#include "format.h"

#include "api/apiserver.h"
#include "engine/scheduler.h"
#include "store/storereader.h"

#include <QAccessible>
#include <QAbstractScrollArea>
#include <QAction>
#include <QDockWidget>
#include <QApplication>
#include <QStatusBar>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QTreeWidget>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Yard::Ui;
using namespace Qt::StringLiterals;

class tst_Console : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void pauseButtonPausesTheEngine();
    void cancelFromRunsViewCancelsInTheEngine();
    void deleteKeyCancelsTheSelection();
    void paletteRunsActions();
    void paletteOpensARun();
    void statusBarNamesTheApiSocket();
    void altNumbersAndCtrlTabSwitchViews();
    void slashFocusesTheViewsSearch();
    void questionMarkOpensTheShortcutsSheet();
    void everyPaletteActionShowsItsShortcut();
    void readOnlyRefusesActionsAndSaysSo();
    void trayFollowsTheSchedulerAndNotifiesInTheStatusBar();
    void pausingLiveUpdatesFreezesRowsAndResumes();
    void timesFollowTheChosenZone();
    void everyControlHasAnAccessibleName();
    void tabOrderFollowsTheLayout();

private:
    bool enginePaused();
    RunId submitLongRun(const QString &session);
    int selectRun(RunId id);

    std::unique_ptr<TempDatabase> m_dir;
    std::unique_ptr<Scheduler> m_scheduler;
    std::unique_ptr<StoreReader> m_reader;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<EventRecorder> m_events;
};

void tst_Console::initTestCase()
{
    QCoreApplication::setOrganizationName(u"yardmaster-tests"_s);
    QCoreApplication::setApplicationName(u"tst_console"_s);
}

void tst_Console::init()
{
    QSettings().clear(); // every test starts from the defaults (a failed one may have left read-only on)
    m_dir = std::make_unique<TempDatabase>();
    SchedulerOptions options;
    options.databasePath = m_dir->path();
    options.engine.defaultQueue.debounceMs = 0;
    options.snapshotIntervalMs = 50;
    options.eventIntervalMs = 20;
    m_scheduler = Scheduler::open(options).value();
    m_reader = std::make_unique<StoreReader>(m_dir->path());
    m_events = std::make_unique<EventRecorder>(m_scheduler.get());
    m_window = std::make_unique<MainWindow>(m_scheduler.get(), m_reader.get(), u"tester"_s);
    m_window->show();
}

void tst_Console::cleanup()
{
    m_window.reset();
    m_events.reset();
    m_reader.reset();
    m_scheduler->shutdown(1000);
    m_scheduler.reset();
    m_dir.reset();
}

bool tst_Console::enginePaused()
{
    std::optional<bool> paused;
    m_scheduler->call(this, [](Engine &e) { return e.pauseState().paused; }, [&](bool p) { paused = p; });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(paused.has_value(), 5000); }();
    return paused.value_or(false);
}

RunId tst_Console::submitLongRun(const QString &session)
{
    std::optional<RunId> id;
    m_scheduler->call(
        this,
        [session](Engine &e) {
            MessageRequest req;
            req.sessionKey = session;
            req.content = u"a long job"_s;
            req.payloadJson = R"({"duration_ms": 600000, "steps": 100, "distribution": "fixed"})";
            Expected<SubmitReceipt> r = e.submitMessage(req);
            return r ? r->runId : RunId(0);
        },
        [&](RunId r) { id = r; });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(id.has_value(), 5000); }();
    return id.value_or(0);
}

int tst_Console::selectRun(RunId id)
{
    RunsView *view = m_window->runsView();
    // The list loads from the database, which the writer thread fills in group commits:
    // reload whenever the previous load finished without the run, until it is there.
    RunsModel *model = view->model();
    const bool found = QTest::qWaitFor([&] {
        if (model->rowOf(id) >= 0)
            return true;
        if (!model->isLoading())
            model->reload();
        return false;
    }, 5000);
    if (!found)
        qWarning("run %lld never appeared in the Runs view", qlonglong(id));
    const int row = model->rowOf(id);
    if (row >= 0)
        view->table()->selectRow(row);
    return row;
}

void tst_Console::pauseButtonPausesTheEngine()
{
    QVERIFY(!enginePaused());
    QVERIFY(m_window->pauseAction()->text().contains(u"Pause"_s));
    confirmNextDialog(u"maintenance window"_s);
    m_window->pauseAction()->trigger();
    QVERIFY(enginePaused());
    // The state is shown: button, banner/title, and the audit trail.
    QTRY_VERIFY(m_window->isPausedShown());
    QTRY_VERIFY(m_window->pauseAction()->text().contains(u"Resume"_s));
    QVERIFY(m_window->windowTitle().contains(u"PAUSED"_s));
    QTRY_VERIFY(m_events->count(EventType::OperatorAction) >= 1);
    QVERIFY(m_events->ofType(EventType::OperatorAction).last().text.contains(u"maintenance window"_s));
    m_window->pauseAction()->trigger(); // resume needs no confirmation
    QTRY_VERIFY(!enginePaused());
    QTRY_VERIFY(!m_window->isPausedShown());
    QVERIFY(!m_window->windowTitle().contains(u"PAUSED"_s));
}

void tst_Console::cancelFromRunsViewCancelsInTheEngine()
{
    const RunId id = submitLongRun(u"cancel-me"_s);
    QVERIFY(id > 0);
    QTRY_COMPARE(m_events->count(EventType::RunStarted), 1);
    const int row = selectRun(id);
    QVERIFY(row >= 0);
    confirmNextDialog(u"wrong input"_s);
    m_window->runsView()->cancelSelection();
    // Shown as "cancelling…" until the engine confirms, then cancelled.
    QTRY_COMPARE(m_events->outcomeOf(id), EventType::RunCancelled);
    QTRY_COMPARE(m_window->runsView()->model()->stateAt(m_window->runsView()->model()->rowOf(id)), RunState::Cancelled);
    const QModelIndex state = m_window->runsView()->model()->index(m_window->runsView()->model()->rowOf(id), RunsModel::State);
    QCOMPARE(state.data().toString(), u"cancelled"_s);
    QVERIFY(!state.data(RunsModel::CancellingRole).toBool());
    std::optional<bool> live;
    m_scheduler->call(this, [id](Engine &e) { return e.liveRun(id).has_value(); }, [&](bool l) { live = l; });
    QTRY_VERIFY(live.has_value());
    QVERIFY(!*live);
}

void tst_Console::deleteKeyCancelsTheSelection()
{
    const RunId id = submitLongRun(u"del-me"_s);
    QTRY_COMPARE(m_events->count(EventType::RunStarted), 1);
    QVERIFY(selectRun(id) >= 0);
    m_window->runsView()->table()->setFocus();
    confirmNextDialog(u"keyboard"_s);
    QTest::keyClick(m_window->runsView()->table(), Qt::Key_Delete);
    QTRY_COMPARE(m_events->outcomeOf(id), EventType::RunCancelled);
}

void tst_Console::paletteRunsActions()
{
    CommandPalette *palette = m_window->openCommandPalette();
    palette->setQuery(u"pause sch"_s);
    QCOMPARE(palette->visibleCommands(), 1);
    QCOMPARE(palette->commandTitle(0), u"Pause scheduler"_s);
    confirmNextDialog(u"from the palette"_s);
    palette->runCurrent();
    QVERIFY(enginePaused());
    QTRY_VERIFY(m_window->isPausedShown());
    palette = m_window->openCommandPalette();
    palette->setQuery(u"resume"_s);
    QCOMPARE(palette->commandTitle(0), u"Resume scheduler"_s);
    palette->runCurrent();
    QTRY_VERIFY(!enginePaused());
    palette = m_window->openCommandPalette();
    palette->setQuery(u"go to lanes"_s);
    QCOMPARE(palette->commandTitle(0), u"Go to Lanes"_s);
    palette->runCurrent();
}

void tst_Console::paletteOpensARun()
{
    const RunId id = submitLongRun(u"find-me"_s);
    CommandPalette *palette = m_window->openCommandPalette();
    palette->setQuery(u"#%1"_s.arg(id));
    QCOMPARE(palette->commandTitle(0), u"Open run #%1"_s.arg(id));
    palette->runCurrent();
    QTRY_COMPARE(m_window->runsView()->model()->rowCount(), 1);
    QCOMPARE(m_window->runsView()->model()->runAt(0), id);
}

void tst_Console::statusBarNamesTheApiSocket()
{
    // Off until the program says where the API listens (or why it does not).
    QVERIFY2(m_window->apiStatusText().endsWith(u"API: off"_s), qPrintable(m_window->apiStatusText()));
    auto api = ApiServer::start(m_scheduler.get(), m_dir->path(u"console.sock"_s), m_dir->path());
    QVERIFY(api);
    m_window->setApiStatus(api.value()->path());
    QVERIFY2(m_window->apiStatusText().contains(u"API: "_s + api.value()->path()), qPrintable(m_window->apiStatusText()));
    m_window->setApiStatus({}, u"another Yardmaster already serves the API on /x.sock"_s);
    QVERIFY(m_window->apiStatusText().endsWith(u"API: off"_s));
}

void tst_Console::altNumbersAndCtrlTabSwitchViews()
{
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTest::keyClick(m_window.get(), Qt::Key_3, Qt::AltModifier);
    QTRY_COMPARE(m_window->currentView(), u"runs"_s);
    QTest::keyClick(m_window.get(), Qt::Key_Tab, Qt::ControlModifier);
    QTRY_COMPARE(m_window->currentView(), u"attention"_s);
    QTest::keyClick(m_window.get(), Qt::Key_PageDown, Qt::ControlModifier);
    QTRY_COMPARE(m_window->currentView(), u"jobs"_s);
    QTest::keyClick(m_window.get(), Qt::Key_PageUp, Qt::ControlModifier);
    QTRY_COMPARE(m_window->currentView(), u"attention"_s);
    QTest::keyClick(m_window.get(), Qt::Key_8, Qt::AltModifier);
    QTRY_COMPARE(m_window->currentView(), u"events"_s);
    QTest::keyClick(m_window.get(), Qt::Key_Tab, Qt::ControlModifier); // wraps around
    QTRY_COMPARE(m_window->currentView(), u"overview"_s);
    QTest::keyClick(m_window.get(), Qt::Key_2, Qt::ControlModifier); // the older keys still work
    QTRY_COMPARE(m_window->currentView(), u"sessions"_s);
    // Ctrl+Tab works while a table has the focus, too.
    m_window->showView(u"runs"_s);
    auto *table = m_window->runsView()->findChild<QTableView *>();
    QVERIFY(table);
    table->setFocus();
    QTest::keyClick(table, Qt::Key_Tab, Qt::ControlModifier);
    QTRY_COMPARE(m_window->currentView(), u"attention"_s);
}

void tst_Console::slashFocusesTheViewsSearch()
{
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->activateWindow();
    QTest::keyClick(m_window.get(), Qt::Key_3, Qt::AltModifier);
    QTRY_COMPARE(m_window->currentView(), u"runs"_s);
    auto *table = m_window->runsView()->findChild<QTableView *>();
    table->setFocus();
    QTest::keyClick(table, Qt::Key_Slash);
    auto *search = m_window->runsView()->findChild<QLineEdit *>(u"search"_s);
    QVERIFY(search);
    QTRY_COMPARE(QApplication::focusWidget(), search);
    // Typing "/" in the search field types it (the shortcut does not steal it).
    QTest::keyClicks(search, u"a/b"_s);
    QCOMPARE(search->text(), u"a/b"_s);
    // A view without a search says so.
    QTest::keyClick(m_window.get(), Qt::Key_6, Qt::AltModifier);
    QTRY_COMPARE(m_window->currentView(), u"lanes"_s);
    m_window->focusSearch();
    QVERIFY2(m_window->statusBar()->currentMessage().contains(u"no search"_s),
             qPrintable(m_window->statusBar()->currentMessage()));
}

void tst_Console::questionMarkOpensTheShortcutsSheet()
{
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QVERIFY(!m_window->findChild<ShortcutsDialog *>());
    QTest::keyClick(m_window.get(), Qt::Key_Question);
    ShortcutsDialog *sheet = nullptr;
    QTRY_VERIFY((sheet = m_window->findChild<ShortcutsDialog *>()) && sheet->isVisible());
    // Made from the actions: the global ones and each view's own.
    QStringList lines;
    for (int g = 0; g < sheet->tree()->topLevelItemCount(); ++g) {
        const QTreeWidgetItem *group = sheet->tree()->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i)
            lines << group->text(0) + u": "_s + group->child(i)->text(0) + u" = "_s + group->child(i)->text(1);
    }
    const QString all = lines.join(u'\n');
    for (const QString &expected : {u"Everywhere: Ctrl+Tab or Ctrl+PgDown = Next view"_s, u"Everywhere: Alt+3 or Ctrl+3 = Runs"_s,
                                    u"Everywhere: / = Search in the current view"_s, u"Everywhere: Ctrl+K = Commands…"_s,
                                    u"Runs: Del = "_s})
        QVERIFY2(all.contains(expected), qPrintable(expected + u"\n--- in ---\n"_s + all));
    // No key means one thing everywhere and another in a view (the shortcut would be ambiguous).
    QSet<QString> globalKeys;
    const QTreeWidgetItem *everywhere = sheet->tree()->topLevelItem(0);
    for (int i = 0; i < everywhere->childCount(); ++i) {
        for (const QString &k : everywhere->child(i)->text(0).split(u" or "_s))
            globalKeys.insert(k);
    }
    for (int g = 1; g < sheet->tree()->topLevelItemCount(); ++g) {
        const QTreeWidgetItem *group = sheet->tree()->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i) {
            for (const QString &k : group->child(i)->text(0).split(u" or "_s))
                QVERIFY2(!globalKeys.contains(k), qPrintable(group->text(0) + u": "_s + k + u" is also a global shortcut"_s));
        }
    }
    sheet->setFilter(u"drain"_s);
    int shown = 0;
    for (int g = 0; g < sheet->tree()->topLevelItemCount(); ++g) {
        const QTreeWidgetItem *group = sheet->tree()->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i)
            shown += group->child(i)->isHidden() ? 0 : 1;
    }
    QCOMPARE(shown, 1);
    sheet->close();
}

void tst_Console::everyPaletteActionShowsItsShortcut()
{
    CommandPalette *palette = m_window->openCommandPalette();
    palette->setQuery(QString());
    QVERIFY(palette->visibleCommands() > 10);
    for (int row = 0; row < palette->visibleCommands(); ++row)
        QVERIFY2(!palette->commandHint(row).isEmpty(), qPrintable(palette->commandTitle(row)));
    palette->close();
}

void tst_Console::readOnlyRefusesActionsAndSaysSo()
{
    const RunId id = submitLongRun(u"keep-me"_s);
    QTRY_COMPARE(m_events->count(EventType::RunStarted), 1);
    m_window->setReadOnly(true);
    QVERIFY(m_window->isReadOnly());
    QVERIFY(m_window->windowTitle().contains(u"read-only"_s));
    auto *badge = m_window->findChild<QLabel *>(u"readOnlyBadge"_s);
    QVERIFY(badge && badge->isVisibleTo(m_window.get()));
    // The actions that change the scheduler stay disabled, snapshot after snapshot.
    QSignalSpy snapshots(m_scheduler.get(), &Scheduler::snapshotReady);
    QTRY_VERIFY(snapshots.size() >= 2);
    for (const QString &text : {u"Drain…"_s, u"Pause…"_s}) {
        for (QAction *a : m_window->findChildren<QAction *>()) {
            if (a->text().remove(u'&') == text)
                QVERIFY2(!a->isEnabled(), qPrintable(text));
        }
    }

    // Cancel from the Runs view: no dialog asks for a reason in vain, the run keeps running.
    QVERIFY(selectRun(id) >= 0);
    m_window->runsView()->cancelSelection();
    QVERIFY2(m_window->statusBar()->currentMessage().contains(u"read-only"_s),
             qPrintable(m_window->statusBar()->currentMessage()));
    // Pause through the palette: refused too.
    CommandPalette *palette = m_window->openCommandPalette();
    palette->setQuery(u"pause sch"_s);
    palette->runCurrent();
    QVERIFY(!enginePaused()); // a round trip through the engine: a pause sent before would show
    QVERIFY(m_events->outcomesOf(id).isEmpty()); // still running
    QCOMPARE(m_events->count(EventType::OperatorAction), 0);

    // Turned off, actions work again; --read-only (locked) cannot be turned off.
    m_window->setReadOnly(false);
    QVERIFY(!badge->isVisibleTo(m_window.get()));
    confirmNextDialog(u"done watching"_s);
    m_window->runsView()->cancelSelection();
    QTRY_COMPARE(m_events->outcomeOf(id), EventType::RunCancelled);
    m_window->setReadOnly(true, /*locked=*/true);
    m_window->setReadOnly(false);
    QVERIFY(m_window->isReadOnly());
}

void tst_Console::trayFollowsTheSchedulerAndNotifiesInTheStatusBar()
{
    Tray *tray = m_window->tray();
    QTRY_COMPARE(tray->state(), Tray::State::Running);
    m_scheduler->post([](Engine &e) { e.pause(u"tray test"_s, u"tester"_s); });
    QTRY_COMPARE(tray->state(), Tray::State::Paused);
    QVERIFY(tray->toolTip().contains(u"paused"_s));
    m_scheduler->post([](Engine &e) { e.resume(u"tester"_s); });
    QTRY_COMPARE(tray->state(), Tray::State::Running);
    // Offscreen has no tray: the notification shows in the status bar, and closing is not hiding.
    QVERIFY(!tray->isAvailable());
    tray->runsNeedAttention(1, u"run #3: nobody can take it"_s);
    QVERIFY2(m_window->statusBar()->currentMessage().contains(u"A run needs attention"_s),
             qPrintable(m_window->statusBar()->currentMessage()));
    QVERIFY(!m_window->closeToTray());
}

void tst_Console::pausingLiveUpdatesFreezesRowsAndResumes()
{
    const RunId id = submitLongRun(u"watch-me"_s);
    QTRY_COMPARE(m_events->count(EventType::RunStarted), 1);
    const int row = selectRun(id);
    QVERIFY(row >= 0);
    RunsModel *model = m_window->runsView()->model();
    QTRY_COMPARE(model->stateAt(model->rowOf(id)), RunState::Running);

    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(m_window->liveUpdatesPaused());
    auto *badge = m_window->findChild<QLabel *>(u"liveBadge"_s);
    QVERIFY(badge && badge->isVisibleTo(m_window.get()));
    m_scheduler->post([id](Engine &e) { e.cancelRun(id, u"while frozen"_s); });
    m_scheduler->post([](Engine &e) { e.pause(u"also while frozen"_s, u"tester"_s); });
    // The window got the cancel's event batch with the recorder, and a snapshot after the pause…
    QTRY_COMPARE(m_events->outcomeOf(id), EventType::RunCancelled);
    QTRY_VERIFY(m_window->isPausedShown()); // …so its own state is live
    QCOMPARE(model->stateAt(model->rowOf(id)), RunState::Running); // while the row has not moved
    QVERIFY2(badge->text().contains(u"changes waiting"_s), qPrintable(badge->text()));

    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(!m_window->liveUpdatesPaused());
    QVERIFY(!badge->isVisibleTo(m_window.get()));
    QTRY_COMPARE(model->stateAt(model->rowOf(id)), RunState::Cancelled); // nothing was lost
    m_scheduler->post([](Engine &e) { e.resume(u"tester"_s); });
}

void tst_Console::timesFollowTheChosenZone()
{
    const RunId id = submitLongRun(u"when"_s);
    const int row = selectRun(id);
    QVERIFY(row >= 0);
    RunsModel *model = m_window->runsView()->model();
    const QModelIndex queued = model->index(model->rowOf(id), RunsModel::Queued);
    m_window->setDisplayZone(int(Format::Zone::Utc));
    QCOMPARE(Format::displayZone(), Format::Zone::Utc);
    QVERIFY2(queued.data(Qt::ToolTipRole).toString().section(u'\n', 0, 0).endsWith(u" UTC"_s),
             qPrintable(queued.data(Qt::ToolTipRole).toString()));
    QVERIFY(queued.data(Qt::ToolTipRole).toString().section(u'\n', 1, 1).endsWith(u"(local)"_s));
    m_window->setDisplayZone(int(Format::Zone::Local)); // remembered: leave it as it was
    QVERIFY(queued.data(Qt::ToolTipRole).toString().section(u'\n', 0, 0).endsWith(u"(local)"_s));
}

namespace {
/// The controls an operator reaches with Tab: they need a name a screen reader can say.
QList<QWidget *> focusableControls(QWidget *root)
{
    QList<QWidget *> out;
    for (QWidget *w : root->findChildren<QWidget *>()) {
        if (!w->isVisibleTo(root) || w->focusPolicy() == Qt::NoFocus || !w->isEnabled())
            continue;
        if (qobject_cast<QAbstractScrollArea *>(w->parentWidget()) && w == static_cast<QAbstractScrollArea *>(w->parentWidget())->viewport())
            continue;
        if (w->parentWidget() && (w->parentWidget()->inherits("QAbstractSpinBox") || w->parentWidget()->inherits("QComboBox")))
            continue; // the spin box's own editor: the spin box speaks for it
        if (w->inherits("QAbstractButton") || w->inherits("QLineEdit") || w->inherits("QComboBox")
            || w->inherits("QAbstractSpinBox") || w->inherits("QAbstractItemView") || w->inherits("QTextEdit")
            || w->inherits("QPlainTextEdit") || w->inherits("QTabBar") || w->inherits("QAbstractSlider"))
            out << w;
    }
    return out;
}
} // namespace

void tst_Console::everyControlHasAnAccessibleName()
{
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QStringList missing;
    for (const QString &view : m_window->viewNames()) {
        m_window->showView(view);
        QCoreApplication::processEvents();
        for (QWidget *w : focusableControls(m_window.get())) {
            QAccessibleInterface *a = QAccessible::queryAccessibleInterface(w);
            const QString name = a ? a->text(QAccessible::Name).trimmed() : QString();
            if (name.isEmpty())
                missing << u"%1: %2 %3"_s.arg(view, QString::fromLatin1(w->metaObject()->className()), w->objectName());
        }
    }
    // And the dialogs.
    ConfirmDialog confirm(u"Cancel runs"_s, u"Cancel 3 runs?"_s, u"Cancel runs"_s, m_window.get());
    QueueConfigDialog queue(u"s1"_s, QueueConfig{}, m_window.get());
    JobDialog job({}, m_window.get());
    ShortcutsDialog sheet({{u"Everywhere"_s, u"?"_s, u"Keyboard shortcuts"_s}}, m_window.get());
    for (QDialog *d : std::initializer_list<QDialog *>{&confirm, &queue, &job, &sheet}) {
        d->show();
        QCoreApplication::processEvents();
        for (QWidget *w : focusableControls(d)) {
            QAccessibleInterface *a = QAccessible::queryAccessibleInterface(w);
            if (!a || a->text(QAccessible::Name).trimmed().isEmpty())
                missing << u"%1: %2 %3"_s.arg(d->windowTitle(), QString::fromLatin1(w->metaObject()->className()), w->objectName());
        }
        d->hide();
    }
    missing.removeDuplicates();
    QVERIFY2(missing.isEmpty(), qPrintable(u"without an accessible name:\n"_s + missing.join(u'\n')));
}

void tst_Console::tabOrderFollowsTheLayout()
{
    // In every view, Tab walks its controls in reading order: down the view, and left to right
    // within a row (a toolbar, a filter row), never jumping back up.
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QStringList wrong;
    for (const QString &view : m_window->viewNames()) {
        m_window->showView(view);
        QCoreApplication::processEvents();
        QWidget *root = nullptr;
        for (QDockWidget *d : m_window->findChildren<QDockWidget *>()) {
            if (d->objectName() == view)
                root = d->widget();
        }
        QVERIFY(root);
        const QList<QWidget *> controls = focusableControls(root);
        if (controls.size() < 2)
            continue;
        // Start at the control nearest the top left, follow Tab while it stays in the view.
        QWidget *first = controls.first();
        auto pos = [root](QWidget *w) { return w->mapTo(root, QPoint(0, 0)); };
        for (QWidget *w : controls) {
            const QPoint p = pos(w), f = pos(first);
            if (p.y() < f.y() - 4 || (qAbs(p.y() - f.y()) <= 4 && p.x() < f.x()))
                first = w;
        }
        QWidget *w = first;
        QStringList chain;
        for (int step = 0; step < 40; ++step) {
            QWidget *next = w->nextInFocusChain();
            while (next != first && !controls.contains(next))
                next = next->nextInFocusChain();
            if (next == first)
                break;
            const QPoint a = pos(w), b = pos(next);
            // Same row: within half a line; a later row: below. Otherwise it jumped back.
            const int half = w->fontMetrics().height() / 2;
            const bool sameRow = qAbs(a.y() - b.y()) <= half;
            if ((sameRow && b.x() < a.x()) || (!sameRow && b.y() < a.y()))
                chain << u"%1 (%2,%3) -> %4 (%5,%6)"_s.arg(QString::fromLatin1(w->metaObject()->className()))
                             .arg(a.x()).arg(a.y())
                             .arg(QString::fromLatin1(next->metaObject()->className()))
                             .arg(b.x()).arg(b.y());
            w = next;
        }
        if (!chain.isEmpty())
            wrong << view + u": "_s + chain.join(u"; "_s);
    }
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(u"\n"_s)));
}

QTEST_MAIN(tst_Console)
#include "tst_console.moc"
