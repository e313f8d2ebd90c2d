// SPDX-License-Identifier: GPL-3.0-or-later
// embed-example: a program with the Yardmaster scheduler inside. It adds a handler of its own,
// submits work for three sessions, prints each run's outcome as it ends, and exits when all
// have ended. Usage: embed-example [DATABASE]  (no argument: in memory)

#include <yardmaster.h>

#include <QCoreApplication>
#include <QStringList>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);

    Yard::EmbeddedOptions options;
    if (argc > 1)
        options.databasePath = QString::fromLocal8Bit(argv[1]);
    options.laneLimits.insert(QStringLiteral("main"), 2);
    auto opened = Yard::EmbeddedScheduler::open(options);
    if (!opened) {
        std::fprintf(stderr, "embed-example: %s\n", qPrintable(opened.error().toString()));
        return 1;
    }
    Yard::EmbeddedScheduler &yard = *opened.value();

    // A handler of our own: greets, in two steps, and refuses an empty name.
    yard.addHandler(QStringLiteral("greet"), [](Yard::RunContext &run) {
        const QString name = run.input().trimmed();
        if (name == QStringLiteral("nobody"))
            return Yard::Outcome::failure(QStringLiteral("there is nobody to greet"));
        run.progress(0.5, QStringLiteral("thinking of a greeting"));
        run.log(QStringLiteral("greeting %1").arg(name));
        return Yard::Outcome::success(QStringLiteral("hello, %1").arg(name));
    });

    const QStringList names{QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("nobody")};
    int open = int(names.size());
    QObject::connect(&yard, &Yard::EmbeddedScheduler::runEnded, &app, [&](const Yard::RunEnd &end) {
        std::printf("run %lld ended: %s%s%s\n", static_cast<long long>(end.run),
                    qPrintable(Yard::eventTypeName(end.how)), end.detail.isEmpty() ? "" : " - ",
                    qPrintable(end.detail));
        if (--open == 0)
            app.quit();
    });
    for (const QString &name : names) {
        Yard::Work work;
        work.session = name;
        work.text = name;
        work.handler = QStringLiteral("greet");
        yard.submit(work, [name](Yard::Expected<Yard::RunId> accepted) {
            if (accepted)
                std::printf("accepted run %lld for %s\n", static_cast<long long>(accepted.value()), qPrintable(name));
            else
                std::printf("refused for %s: %s\n", qPrintable(name), qPrintable(accepted.error().toString()));
        });
    }
    const int rc = app.exec();
    if (Yard::Error e = yard.shutdown(); e.isError()) {
        std::fprintf(stderr, "embed-example: %s\n", qPrintable(e.toString()));
        return 1;
    }
    return rc;
}
