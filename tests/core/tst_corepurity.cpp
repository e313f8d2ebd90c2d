// SPDX-License-Identifier: GPL-3.0-or-later
// House rule 1: core/ never includes QtGui or QtWidgets, and the core library links neither.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;

class tst_CorePurity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void noGuiOrWidgetsIncludes();
    void coreLinksNeitherGuiNorWidgets();
    void thisBinaryLoadsNeither();
};

void tst_CorePurity::noGuiOrWidgetsIncludes()
{
    const QString qtRoot = QStringLiteral(YARD_QT_INCLUDE_ROOT);
    QSet<QString> forbidden;
    for (const QString &module : {u"QtGui"_s, u"QtWidgets"_s}) {
        const QDir dir(qtRoot + u'/' + module);
        QVERIFY2(dir.exists(), qPrintable(dir.path()));
        for (const QString &h : dir.entryList(QDir::Files))
            forbidden.insert(h);
        forbidden.insert(module);
    }
    QVERIFY(forbidden.contains(u"QWidget"_s) && forbidden.contains(u"QColor"_s));

    static const QRegularExpression include(uR"(^\s*#\s*include\s*[<"]([^>"]+)[>"])"_s,
                                            QRegularExpression::MultilineOption);
    QStringList offenders;
    int files = 0;
    QDirIterator it(QStringLiteral(YARD_CORE_DIR), {u"*.h"_s, u"*.cpp"_s}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(f.readAll());
        ++files;
        auto matches = include.globalMatch(text);
        while (matches.hasNext()) {
            const QString header = matches.next().captured(1);
            const QString base = header.section(u'/', -1);
            if (header.startsWith(u"QtGui/"_s) || header.startsWith(u"QtWidgets/"_s)
                || forbidden.contains(header) || (header.startsWith(u'Q') && forbidden.contains(base)
                                                  && !header.contains(u'.')))
                offenders << path + u": "_s + header;
        }
    }
    QVERIFY(files > 20);
    QVERIFY2(offenders.isEmpty(), qPrintable(offenders.join(u'\n')));
}

void tst_CorePurity::coreLinksNeitherGuiNorWidgets()
{
    QFile f(QStringLiteral(YARD_CORE_LINK_FILE));
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
    const QString libs = QString::fromUtf8(f.readAll());
    QVERIFY2(libs.contains(u"Qt6::Core"_s), qPrintable(libs));
    QVERIFY2(!libs.contains(u"Gui"_s) && !libs.contains(u"Widgets"_s), qPrintable(libs));
}

void tst_CorePurity::thisBinaryLoadsNeither()
{
    // This test links yardcore (through the test support library) and Qt Test only.
    QFile maps(u"/proc/self/maps"_s);
    if (!maps.open(QIODevice::ReadOnly))
        QSKIP("no /proc/self/maps here");
    const QByteArray text = maps.readAll();
    QVERIFY(text.contains("libQt6Core"));
    QVERIFY(!text.contains("libQt6Gui"));
    QVERIFY(!text.contains("libQt6Widgets"));
}

QTEST_GUILESS_MAIN(tst_CorePurity)
#include "tst_corepurity.moc"
