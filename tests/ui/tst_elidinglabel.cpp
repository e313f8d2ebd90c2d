// SPDX-License-Identifier: GPL-3.0-or-later
// The status bar's eliding label (SPEC U10).
#include "widgets/elidinglabel.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Yard::Ui;

class TestElidingLabel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shrinksBelowItsTextAndKeepsItInTheTooltip();
    void growsWhenTheTextGrows();
};

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
