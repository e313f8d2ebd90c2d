// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli.h"


#include <cstdio>

using namespace Qt::StringLiterals;

namespace Yard::Ctl {

namespace {

const char kExitCodes[] = "Exit codes: 0 ok, 1 an error from the server, 2 usage or invalid input, 3 cannot connect.";

QString optionLabel(const Option &o)
{
    return o.value.isEmpty() ? u"--"_s + o.name : u"--%1 %2"_s.arg(o.name, o.value);
}

/// Wraps `text` at `width` columns, every line indented by `indent`.
QString wrap(const QString &text, int indent, int width = 92)
{
    QString out;
    const QString pad(indent, u' ');
    for (const QString &paragraph : text.split(u'\n')) {
        QString line;
        for (const QString &word : paragraph.split(u' ', Qt::SkipEmptyParts)) {
            if (!line.isEmpty() && indent + line.size() + 1 + word.size() > width) {
                out += pad + line + u'\n';
                line.clear();
            }
            line += (line.isEmpty() ? QString() : u" "_s) + word;
        }
        out += pad + line + u'\n';
    }
    return out;
}

QString optionTable(const QList<Option> &options)
{
    int width = 0;
    for (const Option &o : options)
        width = qMax(width, int(optionLabel(o).size()));
    width = qMin(width, 28);
    QString out;
    for (const Option &o : options) {
        const QString label = optionLabel(o);
        const QString help = o.help + (o.repeatable ? u" (may be repeated)"_s : QString());
        if (label.size() > width) {
            out += u"  "_s + label + u'\n' + wrap(help, width + 4);
        } else {
            const QString wrapped = wrap(help, width + 4);
            out += u"  "_s + label.leftJustified(width) + u"  "_s + wrapped.mid(width + 4);
        }
    }
    return out;
}

QString troff(QString s)
{
    s.replace(u'\\', u"\\e"_s);
    s.replace(u'-', u"\\-"_s);
    if (s.startsWith(u'.') || s.startsWith(u'\''))
        s.prepend(u"\\&"_s);
    return s;
}

} // namespace

QList<Option> globalOptions()
{
    return {{u"socket"_s, u"NAME"_s,
             u"The scheduler's API socket: a name in the runtime directory or a path (default: yardmaster, or "
             "$YARD_SOCKET when set)"_s},
            {u"json"_s, {}, u"Print the server's answer as JSON (one object per line) instead of a table"_s},
            {u"help"_s, {}, u"Show the help of the command"_s}};
}

QString Invocation::value(const QString &option, const QString &fallback) const
{
    const QStringList v = values.value(option);
    return v.isEmpty() ? fallback : v.last();
}

std::optional<qint64> Invocation::integer(const QString &option, qint64 fallback, qint64 min, qint64 max,
                                          QString *error) const
{
    if (!has(option))
        return fallback;
    bool ok = false;
    const qint64 n = value(option).toLongLong(&ok);
    if (!ok || n < min || n > max) {
        *error = u"--%1 must be a whole number from %2 to %3, not \"%4\""_s.arg(option).arg(min).arg(max).arg(value(option));
        return std::nullopt;
    }
    return n;
}

Cli::Cli(QList<Command> commands)
    : m_commands(std::move(commands))
{}

int Cli::usageError(const QString &problem, const Command *c)
{
    std::fprintf(stderr, "yardctl: %s\nTry 'yardctl %s--help'.\n", qPrintable(problem),
                 c ? qPrintable(c->name + u' ') : "");
    return ExitUsage;
}

const Command *Cli::find(const QStringList &words, int *used) const
{
    // The longest name that the words start with: "runs cancel" before "runs".
    const Command *best = nullptr;
    int bestWords = 0;
    for (const Command &c : m_commands) {
        const QStringList name = c.name.split(u' ');
        if (name.size() > words.size() || name.size() <= bestWords)
            continue;
        if (words.mid(0, name.size()) == name) {
            best = &c;
            bestWords = int(name.size());
        }
    }
    *used = bestWords;
    return best;
}

int Cli::run(const QStringList &argsIn)
{
    QStringList args = argsIn;
    Invocation inv;
    inv.socket = qEnvironmentVariable("YARD_SOCKET");
    // Global options may come before the command.
    while (!args.isEmpty() && args.first().startsWith(u"--")) {
        const QString a = args.takeFirst();
        if (a == u"--help" || a == u"-h") {
            std::fputs(qPrintable(overview()), stdout);
            return ExitOk;
        }
        if (a == u"--version") {
            std::printf("yardctl %s\n", YARD_VERSION);
            return ExitOk;
        }
        if (a == u"--man") {
            std::fputs(manPage().toUtf8().constData(), stdout);
            return ExitOk;
        }
        if (a == u"--json") {
            inv.json = true;
        } else if (a == u"--socket" || a.startsWith(u"--socket=")) {
            if (a == u"--socket" && args.isEmpty())
                return usageError(u"--socket needs a name or a path"_s);
            inv.socket = a == u"--socket" ? args.takeFirst() : a.mid(9);
        } else {
            return usageError(u"unknown option \"%1\" before the command"_s.arg(a));
        }
    }
    if (args.isEmpty())
        return usageError(u"a command is needed, like: yardctl status"_s);
    if (args.first() == u"help") {
        args.removeFirst();
        if (args.isEmpty()) {
            std::fputs(qPrintable(overview()), stdout);
            return ExitOk;
        }
        args.append(u"--help"_s);
    }
    int used = 0;
    const Command *c = find(args, &used);
    if (!c) {
        // A group word alone ("runs") or a mistyped subcommand: name what there is.
        QStringList near;
        for (const Command &k : m_commands) {
            if (k.name.section(u' ', 0, 0) == args.first())
                near << k.name;
        }
        if (!near.isEmpty())
            return usageError(args.size() > 1 && !args[1].startsWith(u"--")
                                  ? u"unknown command \"%1 %2\" (known: %3)"_s.arg(args[0], args[1], near.join(u", "_s))
                                  : u"\"%1\" needs a subcommand: %2"_s.arg(args[0], near.join(u", "_s)));
        return usageError(u"unknown command \"%1\" (yardctl --help lists them)"_s.arg(args.first()));
    }
    inv.command = c;
    args = args.mid(used);
    QList<Option> options = c->options;
    options += globalOptions();
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString a = args[i];
        if (a == u"--") {
            inv.positional += args.mid(i + 1);
            break;
        }
        if (!a.startsWith(u"--") || a == u"-") {
            inv.positional << a;
            continue;
        }
        const qsizetype eq = a.indexOf(u'=');
        const QString name = a.mid(2, eq < 0 ? -1 : eq - 2);
        const auto o = std::find_if(options.cbegin(), options.cend(), [&](const Option &k) { return k.name == name; });
        if (o == options.cend())
            return usageError(u"unknown option \"--%1\" for %2"_s.arg(name, c->name), c);
        if (name == u"help") {
            std::fputs(qPrintable(help(*c)), stdout);
            return ExitOk;
        }
        QString value;
        if (o->value.isEmpty()) {
            if (eq >= 0)
                return usageError(u"--%1 takes no value"_s.arg(name), c);
        } else if (eq >= 0) {
            value = a.mid(eq + 1);
        } else if (i + 1 < args.size()) {
            value = args[++i];
        } else {
            return usageError(u"--%1 needs a value (%2)"_s.arg(name, o->value), c);
        }
        if (!o->repeatable && inv.values.contains(name) && name != u"json")
            return usageError(u"--%1 is given twice"_s.arg(name), c);
        if (name == u"json")
            inv.json = true;
        else if (name == u"socket")
            inv.socket = value;
        else
            inv.values[name] << value;
    }
    return c->run(inv);
}

QString Cli::overview() const
{
    QString out = u"usage: yardctl [--socket NAME] [--json] COMMAND [ARGS]\n\n"
                  "Controls a running Yardmaster (the console or `yardmaster --headless`) through its local API.\n\n"
                  "Commands:\n"_s;
    int width = 0;
    for (const Command &c : m_commands)
        width = qMax(width, int(c.name.size()));
    for (const Command &c : m_commands)
        out += u"  "_s + c.name.leftJustified(width) + u"  "_s + c.summary + (c.offline ? u" (offline)"_s : QString()) + u'\n';
    out += u"\nOptions for every command:\n"_s + optionTable(globalOptions());
    out += u"\n'yardctl COMMAND --help' describes one command; 'yardctl --man' prints the manual page.\n"_s;
    out += QString::fromLatin1(kExitCodes) + u'\n';
    return out;
}

QString Cli::help(const Command &c) const
{
    QString out = u"usage: yardctl %1 %2\n\n"_s.arg(c.name, c.synopsis).replace(u"  "_s, u" "_s);
    out += wrap(c.summary + u'.', 0);
    if (!c.details.isEmpty())
        out += u'\n' + wrap(c.details, 0);
    if (!c.options.isEmpty())
        out += u"\nOptions:\n"_s + optionTable(c.options);
    out += u"\nOptions for every command:\n"_s + optionTable(globalOptions());
    out += u'\n' + QString::fromLatin1(kExitCodes) + u'\n';
    return out;
}

QString Cli::manPage() const
{
    QString m;
    m += u".TH YARDCTL 1 \"\" \"yardctl %1\" \"Yardmaster\"\n"_s.arg(QStringLiteral(YARD_VERSION));
    m += u".SH NAME\nyardctl \\- control a running Yardmaster scheduler\n"_s;
    m += u".SH SYNOPSIS\n.B yardctl\n[\\fB\\-\\-socket\\fR \\fINAME\\fR] [\\fB\\-\\-json\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n"_s;
    m += u".SH DESCRIPTION\n"_s
         u"yardctl talks to a running Yardmaster (the console, or \\fByardmaster \\-\\-headless\\fR) through its local API: "
         u"newline\\-delimited JSON on a per\\-user socket. Tables are for people; \\fB\\-\\-json\\fR prints what scripts read. "
         u"The commands marked offline work without a running scheduler.\n"_s;
    m += u".SH OPTIONS\n"_s;
    for (const Option &o : globalOptions())
        m += u".TP\n.B %1\n%2\n"_s.arg(troff(optionLabel(o)), troff(o.help));
    m += u".SH COMMANDS\n"_s;
    for (const Command &c : m_commands) {
        m += u".SS \"%1\"\n"_s.arg(troff(c.name + u' ' + c.synopsis));
        m += troff(c.summary) + u".\n"_s + (c.offline ? u"Works offline.\n"_s : QString());
        for (const QString &p : c.details.split(u'\n', Qt::SkipEmptyParts))
            m += u".PP\n"_s + troff(p) + u'\n';
        for (const Option &o : c.options)
            m += u".TP\n.B %1\n%2\n"_s.arg(troff(optionLabel(o)), troff(o.help + (o.repeatable ? u" (may be repeated)"_s : QString())));
    }
    m += u".SH EXIT STATUS\n.TP\n0\nSuccess.\n.TP\n1\nThe server answered with an error.\n.TP\n2\nUsage error or invalid "
         u"input (a bad option, a bad scenario).\n.TP\n3\nCannot connect to the scheduler, or the connection was lost.\n"_s;
    m += u".SH ENVIRONMENT\n.TP\n.B YARD_SOCKET\nThe socket when \\fB\\-\\-socket\\fR is not given.\n"_s;
    m += u".SH SEE ALSO\n.BR yardmaster (1)\n"_s;
    return m;
}

} // namespace Yard::Ctl
