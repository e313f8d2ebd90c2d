// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace Yard::Ctl {

/// yardctl's exit codes (SPEC I3), documented in --help and the man page.
enum Exit : int {
    ExitOk = 0,
    ExitServer = 1,    ///< the server answered with an error
    ExitUsage = 2,     ///< usage or invalid input
    ExitNoConnect = 3, ///< cannot connect (or the connection was lost)
};

/// One option of a command: "--limit N".
struct Option
{
    QString name;  ///< without the dashes: "limit"
    QString value; ///< the value's placeholder ("N"); empty for a flag
    QString help;
    bool repeatable = false;
};

class Invocation;

/// One command: "runs cancel". Its text serves --help, the overview and the man page alike.
struct Command
{
    QString name;     ///< "runs cancel"
    QString synopsis; ///< "(ID... | --filter KEY=VALUE...) [--dry-run] [--reason TEXT]"
    QString summary;  ///< one line
    QString details;  ///< paragraphs, may be empty
    QList<Option> options;
    bool offline = false; ///< works without a running scheduler
    std::function<int(Invocation &)> run;
};

/// What a command was given: its options and positional words, after parsing against its
/// Command. Global options (--socket, --json) are read before the command's own.
class Invocation
{
public:
    const Command *command = nullptr;
    QString socket;
    bool json = false;
    QStringList positional;
    QHash<QString, QStringList> values; ///< option name -> every value given (flags: {""})

    bool has(const QString &option) const { return values.contains(option); }
    QString value(const QString &option, const QString &fallback = {}) const;
    QStringList all(const QString &option) const { return values.value(option); }
    /// A whole number option in [min, max]; an error names the option when it is not one.
    std::optional<qint64> integer(const QString &option, qint64 fallback, qint64 min, qint64 max, QString *error) const;
};

/// The command table, its parser and its documentation.
class Cli
{
public:
    explicit Cli(QList<Command> commands);

    /// Parses and runs; returns the exit code.
    int run(const QStringList &args);

    /// The overview (yardctl --help).
    QString overview() const;
    /// One command's help (yardctl runs cancel --help).
    QString help(const Command &c) const;
    /// The man page, troff, generated from the same text (yardctl --man).
    QString manPage() const;

    /// Prints "yardctl: PROBLEM" and the command's usage on stderr; returns ExitUsage.
    static int usageError(const QString &problem, const Command *c = nullptr);

private:
    const Command *find(const QStringList &words, int *used) const;
    QList<Command> m_commands;
};

/// Global options every command takes, in help and man page.
QList<Option> globalOptions();

} // namespace Yard::Ctl
