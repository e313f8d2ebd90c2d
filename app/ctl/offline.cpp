// SPDX-License-Identifier: GPL-3.0-or-later
// yardctl's offline commands: they need no running scheduler.
#include "commands.h"

#include "jobs/cronexpression.h"
#include "sim/scenario.h"
#include "sim/simulator.h"

#include <QFile>
#include <QLoggingCategory>
#include <QHashFunctions>

#include <QDateTime>
#include <QTimeZone>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace Yard::Ctl {

namespace {

int cronNext(Invocation &inv)
{
    // An unquoted expression arrives as five words: take them together.
    const QString expression = inv.positional.join(u' ');
    if (expression.isEmpty())
        return Cli::usageError(u"cron next needs an expression, like \"30 2 * * *\""_s, inv.command);
    QString error;
    const auto count = inv.integer(u"count"_s, 5, 1, 1000, &error);
    if (!count)
        return Cli::usageError(error, inv.command);
    if (inv.has(u"tz"_s) && inv.value(u"tz"_s).trimmed().isEmpty())
        return Cli::usageError(u"--tz needs a time zone, like Europe/Berlin"_s, inv.command);
    Expected<CronExpression> cron = CronExpression::parse(expression, inv.value(u"tz"_s));
    if (!cron) {
        std::fprintf(stderr, "%s\n", qPrintable(cron.error().toString()));
        return ExitUsage;
    }
    TimeMs start = QDateTime::currentMSecsSinceEpoch();
    if (inv.has(u"from"_s)) {
        const QString from = inv.value(u"from"_s);
        QDateTime t = QDateTime::fromString(from, Qt::ISODateWithMs);
        if (!t.isValid())
            t = QDateTime::fromString(from, Qt::ISODate);
        if (!t.isValid()) {
            std::fprintf(stderr, "yardctl: --from: \"%s\" is not an ISO-8601 time (like 2026-03-29T00:30:00Z "
                                 "or 2026-03-29T02:30:00+02:00)\n",
                         qPrintable(from));
            return ExitUsage;
        }
        if (t.timeSpec() == Qt::LocalTime) // no offset given: a wall time in the cron's zone
            t = QDateTime(t.date(), t.time(), cron->zone());
        start = t.toMSecsSinceEpoch();
    }
    for (TimeMs t : cron->next(start, int(*count)))
        std::printf("%s\n", qPrintable(CronExpression::formatIso(t, cron->zone())));
    return ExitOk;
}

int simulate(Invocation &inv)
{
    if (inv.positional.size() != 1)
        return Cli::usageError(u"simulate needs one scenario file (or - for standard input)"_s, inv.command);
    const QString path = inv.positional.first();
    QFile file;
    const bool opened = path == u"-" ? file.open(stdin, QIODevice::ReadOnly) : (file.setFileName(path), file.open(QIODevice::ReadOnly));
    if (!opened) {
        std::fprintf(stderr, "yardctl: simulate: cannot read %s: %s\n", qPrintable(path), qPrintable(file.errorString()));
        return ExitUsage;
    }
    Expected<Sim::Scenario> scenario = Sim::parseScenario(file.readAll());
    if (!scenario) {
        // One line: the JSON path and the problem (SCENARIO.md).
        std::fprintf(stderr, "%s: %s\n", qPrintable(path == u"-" ? u"(stdin)"_s : path), qPrintable(scenario.error().message));
        return ExitUsage;
    }
    // Same input, same build: the same bytes. Qt's hashes are seeded per process otherwise.
    QHashSeed::setDeterministicGlobalSeed();
    QLoggingCategory::setFilterRules(u"yard.*.info=false"_s); // the store's own notes are not the trace's
    Sim::Simulator simulator(std::move(scenario).value());
    QStringList notes;
    const Error e = simulator.run(
        [](const QByteArray &line) {
            std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
            std::fputc('\n', stdout);
        },
        &notes);
    std::fflush(stdout);
    if (!inv.has(u"quiet"_s)) {
        for (const QString &n : std::as_const(notes))
            std::fprintf(stderr, "note: %s\n", qPrintable(n));
    }
    if (e.isError()) {
        std::fprintf(stderr, "yardctl: simulate: %s\n", qPrintable(e.toString()));
        return ExitServer;
    }
    return ExitOk;
}

} // namespace

QList<Command> offlineCommands()
{
    QList<Command> c;
    c << Command{u"cron next"_s, u"EXPR [--from ISO8601] [--count N] [--tz ZONE]"_s,
                 u"Print the next fire times of a cron expression"_s,
                 u"One ISO-8601 timestamp with its offset per line. EXPR is five fields (minute hour day-of-month "
                 "month day-of-week) or a macro (@hourly, @daily, @weekly, @monthly, @yearly); quote it. Across a "
                 "daylight-saving change a time that does not exist fires once when the clocks have jumped, and one "
                 "that exists twice fires once (as cronie does)."_s,
                 {{u"from"_s, u"ISO8601"_s, u"Start after this instant (default: now); without an offset it is read in the zone of --tz"_s},
                  {u"count"_s, u"N"_s, u"How many fire times (default 5, at most 1000)"_s},
                  {u"tz"_s, u"ZONE"_s, u"An IANA time zone such as Europe/Berlin (default: this machine's)"_s}},
                 true, cronNext};
    c << Command{u"simulate"_s, u"SCENARIO.json [--quiet]"_s,
                 u"Run a scenario on the real scheduler core on a virtual clock and print its trace"_s,
                 u"Prints one JSON line per event, then a summary line; same input, same build: the same bytes. "
                 "The format is in docs/scenario.md; docs/scenarios/ has examples. A scenario with an error is refused "
                 "before anything runs: exit code 2 and one line naming the JSON path and the problem. Actions that "
                 "could not be done (cancelling a run that already ended) are noted on standard error."_s,
                 {{u"quiet"_s, {}, u"Do not note actions that could not be done"_s}},
                 true, simulate};
    return c;
}

} // namespace Yard::Ctl
