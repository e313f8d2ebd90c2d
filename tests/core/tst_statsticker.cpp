// SPDX-License-Identifier: GPL-3.0-or-later
// StatsTicker (SPEC U2): samples close on whole seconds and minutes of the (virtual) clock, are
// stored with their retention, and wait for the next snapshot.
#include "partsfixture.h"

#include <QTest>

using namespace Yard;
using namespace Yard::Test;
using namespace Qt::StringLiterals;

class tst_StatsTicker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void secondsCloseOnTheClocksSeconds();
    void minutesCloseAndHistoryIsPruned();
    void stopStopsTheSamples();
};

void tst_StatsTicker::secondsCloseOnTheClocksSeconds()
{
    PartsFixture f;
    f.clock.advance(250); // start mid-second
    f.turn([&] {
        f.parts->statsTicker.start();
        return 0;
    });
    const RunId id = f.submit(0);
    f.finish(id);
    f.advance(750); // the first whole second
    const StatsSeries samples = f.parts->statsTicker.takeNewSamples();
    QCOMPARE(samples.size(), 1);
    QCOMPARE(samples.first().t % 1000, 0);
    QCOMPARE(samples.first().started, quint32(1));
    QCOMPARE(samples.first().completed, quint32(1));
    QCOMPARE(f.store->samples.size(), 1);
    f.advance(3000);
    QCOMPARE(f.parts->statsTicker.takeNewSamples().size(), 3);
    QVERIFY(f.parts->statsTicker.takeNewSamples().isEmpty()); // taken once
}

void tst_StatsTicker::minutesCloseAndHistoryIsPruned()
{
    PartsFixture f;
    f.turn([&] {
        f.parts->statsTicker.start();
        return 0;
    });
    f.advance(61'000);
    int minutes = 0;
    for (const StatsSample &s : std::as_const(f.store->samples))
        minutes += s.resolutionMs >= 60'000;
    QCOMPARE(minutes, 1);
    QCOMPARE(f.store->prunes, 1);
}

void tst_StatsTicker::stopStopsTheSamples()
{
    PartsFixture f;
    f.turn([&] {
        f.parts->statsTicker.start();
        return 0;
    });
    f.advance(2000);
    f.parts->statsTicker.stop();
    const qsizetype before = f.store->samples.size();
    f.advance(5000);
    QCOMPARE(f.store->samples.size(), before);
}

QTEST_GUILESS_MAIN(tst_StatsTicker)
#include "tst_statsticker.moc"
