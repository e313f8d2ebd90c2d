// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/errors.h"
#include "model/ids.h"

#include <QString>
#include <QTimeZone>
#include <QVector>

#include <bitset>

namespace Yard {

/// A Vixie cron schedule (SPEC J3), evaluated in a time zone.
///
/// Five fields — minute (0-59), hour (0-23), day-of-month (1-31), month (1-12 or JAN-DEC),
/// day-of-week (0-7 or SUN-SAT, 0 and 7 both Sunday) — each a list of `*`, values and ranges,
/// with `/step`; or a macro: @yearly @annually @monthly @weekly @daily @midnight @hourly. When
/// both day fields are restricted (neither starts with `*`), a day matches if EITHER does.
///
/// Daylight-saving changes are handled like cronie. A fixed-time schedule (neither the minute
/// nor the hour field starts with `*`) whose time is skipped by spring-forward fires once, at the
/// first instant after the gap; one whose time is repeated by fall-back fires at the first
/// occurrence only. A wildcard schedule (`*/15 * * * *`, `30 * * * *`, @hourly) follows real
/// time: it fires at every instant whose wall-clock time matches, which skips the gap and
/// counts a repeated hour twice.
///
/// An expression that can never fire (`0 0 30 2 *`) is refused, as is anything malformed;
/// errors are invalid_cron and name the field and the token.
class CronExpression final
{
public:
    /// Parses `expression` for zone `timeZone` (an IANA name; empty = the system's zone).
    static Expected<CronExpression> parse(const QString &expression, const QString &timeZone = {});

    const QString &expression() const { return m_expression; }
    const QTimeZone &zone() const { return m_zone; }
    /// The zone's name as given (or the system zone's id).
    QString zoneName() const;
    /// Neither minute nor hour starts with `*`: the DST rules for fixed times apply.
    bool isFixedTime() const { return m_fixedTime; }

    /// The first fire time strictly after `after` (ms since the epoch, UTC).
    TimeMs next(TimeMs after) const;
    /// The next `count` fire times after `after`.
    QVector<TimeMs> next(TimeMs after, int count) const;
    /// Does a fire fall in (from, to]? (Misfire checks after downtime.)
    bool firesBetween(TimeMs from, TimeMs to) const { return next(from) <= to; }

    /// A human reading: "at 02:30 every day", "every 15 minutes", "at 09:00 on Monday–Friday".
    QString describe() const;

    /// ISO-8601 with the zone's offset at that instant: "2026-03-29T03:00:00+02:00".
    static QString formatIso(TimeMs t, const QTimeZone &zone);

private:
    CronExpression() = default;
    bool dayMatches(int year, int month, int day, int dayOfWeek) const;
    /// The first matching local (date, minute of day) at or after the given one; false if none
    /// within the search horizon.
    bool nextLocal(qint64 &julianDay, int &minuteOfDay) const;

    QString m_expression;
    QTimeZone m_zone;
    QString m_zoneName;
    std::bitset<60> m_minutes;
    std::bitset<24> m_hours;
    std::bitset<32> m_days;   ///< 1..31
    std::bitset<13> m_months; ///< 1..12
    std::bitset<7> m_weekdays; ///< 0 = Sunday
    bool m_domStar = false;
    bool m_dowStar = false;
    bool m_fixedTime = true;
};

} // namespace Yard
