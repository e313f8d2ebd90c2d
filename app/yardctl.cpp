// SPDX-License-Identifier: GPL-3.0-or-later
// yardctl: the command line for Yardmaster (SPEC I3). Offline commands work without a running
// scheduler:
//
//   yardctl cron next EXPR [--from ISO8601] [--count N] [--tz ZONE]
//
// Exit codes: 0 ok, 1 an error from the server, 2 usage or invalid input, 3 cannot connect.
#include "jobs/cronexpression.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QStringList>
#include <QTimeZone>

#include <cstdio>

using namespace Yard;
using namespace Qt::StringLiterals;

namespace {

constexpr int kOk = 0;
constexpr int kUsage = 2;

const char kUsageText[] =
    "usage: yardctl COMMAND [ARGS]\n"
    "\n"
    "Commands that work offline:\n"
    "  cron next EXPR [--from ISO8601] [--count N] [--tz ZONE]\n"
    "      Prints the next fire times of a cron expression, one ISO-8601 timestamp with its\n"
    "      offset per line. EXPR is five fields (minute hour day-of-month month day-of-week)\n"
    "      or a macro (@hourly, @daily, @weekly, @monthly, @yearly); quote it.\n"
    "      --from   start after this instant (default: now); without an offset it is read in\n"
    "               the zone of --tz\n"
    "      --count  how many fire times (default 5, at most 1000)\n"
    "      --tz     an IANA time zone such as Europe/Berlin (default: this machine's)\n"
    "\n"
    "Exit codes: 0 ok, 1 an error from the server, 2 usage or invalid input, 3 cannot connect.\n";

int usage(const QString &problem = {})
{
    if (!problem.isEmpty())
        std::fprintf(stderr, "yardctl: %s\n", qPrintable(problem));
    std::fputs(kUsageText, problem.isEmpty() ? stdout : stderr);
    return problem.isEmpty() ? kOk : kUsage;
}

int cronNext(QStringList args)
{
    QString expression, from, tz;
    int count = 5;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        auto value = [&](const QString &name) -> std::optional<QString> {
            if (a.startsWith(name + u'='))
                return a.mid(name.size() + 1);
            if (a == name && i + 1 < args.size())
                return args[++i];
            return std::nullopt;
        };
        if (a == u"--help" || a == u"-h")
            return usage();
        if (a.startsWith(u"--from")) {
            const auto v = value(u"--from"_s);
            if (!v)
                return usage(u"--from needs an ISO-8601 time, like 2026-03-29T00:30:00Z"_s);
            from = *v;
        } else if (a.startsWith(u"--count")) {
            const auto v = value(u"--count"_s);
            bool ok = false;
            count = v ? v->toInt(&ok) : 0;
            if (!ok || count < 1 || count > 1000)
                return usage(u"--count must be a whole number from 1 to 1000, not \"%1\""_s.arg(v.value_or(QString())));
        } else if (a.startsWith(u"--tz")) {
            const auto v = value(u"--tz"_s);
            if (!v || v->isEmpty())
                return usage(u"--tz needs a time zone, like Europe/Berlin"_s);
            tz = *v;
        } else if (a.startsWith(u"--")) {
            return usage(u"unknown option \"%1\" for cron next"_s.arg(a));
        } else if (expression.isEmpty()) {
            expression = a;
        } else {
            // An unquoted expression arrives as five words: take them together.
            expression += u' ' + a;
        }
    }
    if (expression.isEmpty())
        return usage(u"cron next needs an expression, like \"30 2 * * *\""_s);
    Expected<CronExpression> cron = CronExpression::parse(expression, tz);
    if (!cron) {
        std::fprintf(stderr, "%s\n", qPrintable(cron.error().toString()));
        return kUsage;
    }
    TimeMs start = QDateTime::currentMSecsSinceEpoch();
    if (!from.isEmpty()) {
        QDateTime t = QDateTime::fromString(from, Qt::ISODateWithMs);
        if (!t.isValid())
            t = QDateTime::fromString(from, Qt::ISODate);
        if (!t.isValid()) {
            std::fprintf(stderr, "yardctl: --from: \"%s\" is not an ISO-8601 time (like 2026-03-29T00:30:00Z "
                                 "or 2026-03-29T02:30:00+02:00)\n",
                         qPrintable(from));
            return kUsage;
        }
        if (t.timeSpec() == Qt::LocalTime) // no offset given: a wall time in the cron's zone
            t = QDateTime(t.date(), t.time(), cron->zone());
        start = t.toMSecsSinceEpoch();
    }
    const QVector<TimeMs> times = cron->next(start, count);
    for (TimeMs t : times)
        std::printf("%s\n", qPrintable(CronExpression::formatIso(t, cron->zone())));
    return kOk;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"yardctl"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(YARD_VERSION));
    QStringList args = app.arguments().mid(1);
    if (args.isEmpty())
        return usage(u"a command is needed"_s);
    if (args.first() == u"--help" || args.first() == u"-h" || args.first() == u"help")
        return usage();
    if (args.first() == u"--version") {
        std::printf("yardctl %s\n", YARD_VERSION);
        return kOk;
    }
    if (args.first() == u"cron") {
        if (args.size() < 2 || args[1] != u"next")
            return usage(args.size() < 2 ? u"cron needs a subcommand: next"_s
                                         : u"unknown cron subcommand \"%1\" (known: next)"_s.arg(args[1]));
        return cronNext(args.mid(2));
    }
    return usage(u"unknown command \"%1\" (this yardctl knows: cron next)"_s.arg(args.first()));
}
