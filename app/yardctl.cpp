// SPDX-License-Identifier: GPL-3.0-or-later
// yardctl: the command line for Yardmaster (SPEC I3). It drives a running scheduler through the
// local API (app/ctl/commands.cpp) and runs the offline tools (app/ctl/offline.cpp). The command
// table in those files is also the source of --help and of the man page (yardctl --man).
//
// Exit codes: 0 ok, 1 an error from the server, 2 usage or invalid input, 3 cannot connect.
#include "ctl/cli.h"
#include "ctl/commands.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"yardctl"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(YARD_VERSION));
    QList<Yard::Ctl::Command> commands = Yard::Ctl::remoteCommands();
    commands += Yard::Ctl::offlineCommands();
    Yard::Ctl::Cli cli(commands);
    return cli.run(app.arguments().mid(1));
}
