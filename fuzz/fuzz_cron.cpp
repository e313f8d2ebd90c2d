// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the cron parser and evaluator (SPEC R4, J3): any input either parses
// or gives an invalid_cron error naming what is wrong; a parsed expression gives fire times
// that only ever move forward. The first line is the expression; a second line, if any, is
// taken as a time zone.
#include "jobs/cronexpression.h"

#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 512)
        return 0;
    const QString input = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype newline = input.indexOf(u'\n');
    const QString expression = newline < 0 ? input : input.left(newline);
    const QString zone = newline < 0 ? QString() : input.mid(newline + 1).trimmed().left(64);
    Yard::Expected<Yard::CronExpression> cron = Yard::CronExpression::parse(expression, zone.isEmpty() ? QStringLiteral("UTC") : zone);
    if (!cron) {
        if (cron.error().code != Yard::ErrorCode::InvalidCron || cron.error().message.isEmpty())
            std::abort(); // every refusal is an invalid_cron that says why
        return 0;
    }
    // Around a DST change in a zone with one, and far from the epoch.
    for (Yard::TimeMs from : {Yard::TimeMs(1'774'746'000'000), Yard::TimeMs(4'102'444'800'000)}) {
        Yard::TimeMs previous = from;
        for (Yard::TimeMs t : cron->next(from, 3)) {
            if (t <= previous)
                std::abort(); // fire times only move forward
            previous = t;
        }
    }
    (void)cron->describe();
    return 0;
}
