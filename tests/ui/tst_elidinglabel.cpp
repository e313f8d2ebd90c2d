// SPDX-License-Identifier: GPL-3.0-or-later
// The status bar's eliding label and the path shortening it shows (SPEC U10).
#include "format.h"
#include "widgets/elidinglabel.h"

#include <QDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Yard::Ui;

class TestElidingLabel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void homeRelative_data();
    void homeRelative();
    void shrinksBelowItsTextAndKeepsItInTheTooltip();
    void growsWhenTheTextGrows();
};

void TestElidingLabel::homeRelative_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("expected");
    const QString home = QDir::homePath();
    QTest::newRow("inside home") << home + u"/.local/share/yardmaster/yardmaster.db"_s
                                 << u"~/.local/share/yardmaster/yardmaster.db"_s;
    QTest::newRow("home itself") << home << u"~"_s;
    QTest::newRow("sibling with the same prefix") << home + u"x/db"_s << home + u"x/db"_s;
    QTest::newRow("elsewhere") << u"/var/lib/yard.db"_s << u"/var/lib/yard.db"_s;
    QTest::newRow("in memory") << u":memory:"_s << u":memory:"_s;
}

void TestElidingLabel::homeRelative()
{
    QFETCH(QString, path);
    QFETCH(QString, expected);
    if (QDir::homePath() == u"/"_s)
        QSKIP("home is /, nothing to shorten");
    QCOMPARE(Format::homeRelative(path), expected);
}

void TestElidingLabel::shrinksBelowItsTextAndKeepsItInTheTooltip()
{
    ElidingLabel label(Qt::ElideMiddle);
    const QString text = u"DB: /a/very/long/path/that/does/not/fit/anywhere/yardmaster.db · API: off"_s;
    label.setText(text);
    label.setHint(u"where runs are stored"_s);
    QVERIFY(label.minimumSizeHint().width() < label.sizeHint().width());
    QVERIFY(label.sizeHint().width() >= label.fontMetrics().horizontalAdvance(text));
    QVERIFY(label.toolTip().contains(text));
    QVERIFY(label.toolTip().contains(u"where runs are stored"_s));
    QCOMPARE(label.accessibleName(), text);
}

void TestElidingLabel::growsWhenTheTextGrows()
{
    ElidingLabel label;
    label.setText(u"short"_s);
    const int before = label.sizeHint().width();
    label.setText(u"a good deal longer than before"_s);
    QVERIFY(label.sizeHint().width() > before);
    QCOMPARE(label.text(), u"a good deal longer than before"_s);
}

QTEST_MAIN(TestElidingLabel)
#include "tst_elidinglabel.moc"
