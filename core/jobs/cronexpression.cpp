// SPDX-License-Identifier: GPL-3.0-or-later
#include "cronexpression.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QStringList>

#include <functional>

#include <limits>

using namespace Qt::StringLiterals;

namespace Yard {

namespace {

constexpr qint64 kMinuteMs = 60'000;
constexpr qint64 kDayMs = 86'400'000;
constexpr qint64 kEpochJulianDay = 2440588; // 1970-01-01
/// The search horizon: Feb 29 on a given weekday can be 28 years away; with the DOM-or-DOW rule
/// and month filters anything satisfiable fires within this.
constexpr int kHorizonDays = 366 * 30;

struct FieldSpec
{
    const char16_t *name;
    int min;
    int max;
    const char16_t *const *names; ///< names for min, min+1, … (or nullptr)
};

const char16_t *const kMonthNames[] = {u"JAN", u"FEB", u"MAR", u"APR", u"MAY", u"JUN",
                                       u"JUL", u"AUG", u"SEP", u"OCT", u"NOV", u"DEC"};
const char16_t *const kDayNames[] = {u"SUN", u"MON", u"TUE", u"WED", u"THU", u"FRI", u"SAT"};

const FieldSpec kFields[] = {
    {u"minute", 0, 59, nullptr},
    {u"hour", 0, 23, nullptr},
    {u"day-of-month", 1, 31, nullptr},
    {u"month", 1, 12, kMonthNames},
    {u"day-of-week", 0, 7, kDayNames},
};

const char16_t *const kMonthLong[] = {u"January", u"February", u"March", u"April", u"May", u"June",
                                      u"July", u"August", u"September", u"October", u"November", u"December"};
const char16_t *const kDayLong[] = {u"Sunday", u"Monday", u"Tuesday", u"Wednesday", u"Thursday", u"Friday",
                                    u"Saturday"};
constexpr int kMaxDay[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

Error fieldError(const FieldSpec &f, const QString &what)
{
    return Error::make(ErrorCode::InvalidCron, u"field %1: %2"_s.arg(QString::fromUtf16(f.name), what));
}

/// A value of field `f`: a number, or a name where the field has names. `isEnd`: the end of a
/// range, where SUN may mean 7 (so FRI-SUN reads as it should).
std::optional<int> value(const FieldSpec &f, const QString &token, bool isEnd, Error *error)
{
    if (token.isEmpty()) {
        *error = fieldError(f, u"a value is missing"_s);
        return std::nullopt;
    }
    if (f.names && token.size() == 3 && token.front().isLetter()) {
        const int count = f.max - f.min + (f.names == kDayNames ? 0 : 1);
        for (int i = 0; i < count; ++i) {
            if (token.compare(QString::fromUtf16(f.names[i]), Qt::CaseInsensitive) == 0)
                return f.names == kDayNames && isEnd && i == 0 ? 7 : f.min + i;
        }
        *error = fieldError(f, u"\"%1\" is not a %2 name (use %3–%4 or a number)"_s.arg(
                                   token, QString::fromUtf16(f.name), QString::fromUtf16(f.names[0]),
                                   QString::fromUtf16(f.names[count - 1])));
        return std::nullopt;
    }
    bool ok = token.size() <= 9;
    for (QChar c : token)
        ok = ok && c.isDigit() && c.unicode() < 128;
    if (!ok) {
        *error = fieldError(f, u"\"%1\" is not a number%2"_s.arg(token, f.names ? u" or a name"_s : QString()));
        return std::nullopt;
    }
    const int v = token.toInt();
    if (v < f.min || v > f.max) {
        *error = fieldError(f, u"\"%1\" is out of range %2-%3"_s.arg(token).arg(f.min).arg(f.max));
        return std::nullopt;
    }
    return v;
}

/// Parses one field into `bits` (indexed by value); `star` is set when it starts with `*`.
template<size_t N>
Error parseField(const FieldSpec &f, const QString &text, std::bitset<N> &bits, bool &star)
{
    star = text.startsWith(u'*');
    if (text.isEmpty())
        return fieldError(f, u"it is empty"_s);
    const QStringList items = text.split(u',');
    for (const QString &item : items) {
        if (item.isEmpty())
            return fieldError(f, u"an empty item in the list \"%1\""_s.arg(text));
        QString base = item;
        int step = 1;
        const qsizetype slash = item.indexOf(u'/');
        if (slash >= 0) {
            base = item.left(slash);
            const QString s = item.mid(slash + 1);
            bool ok = !s.isEmpty() && s.size() <= 9;
            for (QChar c : s)
                ok = ok && c.isDigit() && c.unicode() < 128;
            if (!ok)
                return fieldError(f, u"\"%1\": the step \"%2\" is not a number"_s.arg(item, s));
            step = s.toInt();
            if (step < 1)
                return fieldError(f, u"\"%1\": the step must be at least 1"_s.arg(item));
        }
        int from = f.min, to = f.max;
        if (base == u"*") {
            if (f.names == kDayNames)
                to = 6; // 7 is Sunday again
        } else {
            Error error;
            const qsizetype dash = base.indexOf(u'-');
            const auto a = value(f, dash >= 0 ? base.left(dash) : base, false, &error);
            if (!a)
                return error;
            from = *a;
            if (dash >= 0) {
                const auto b = value(f, base.mid(dash + 1), true, &error);
                if (!b)
                    return error;
                to = *b;
                if (to < from)
                    return fieldError(f, u"\"%1\" runs backwards (%2 is after %3)"_s.arg(item).arg(from).arg(to));
            } else if (slash < 0) {
                to = from;
            } // "5/15": from 5 to the end, every 15
        }
        for (int v = from; v <= to; v += step)
            bits.set(size_t(f.names == kDayNames ? v % 7 : v));
    }
    return {};
}

QString macroExpansion(const QString &macro, Error *error)
{
    static const std::pair<const char16_t *, const char16_t *> kMacros[] = {
        {u"@yearly", u"0 0 1 1 *"},  {u"@annually", u"0 0 1 1 *"}, {u"@monthly", u"0 0 1 * *"},
        {u"@weekly", u"0 0 * * 0"},  {u"@daily", u"0 0 * * *"},    {u"@midnight", u"0 0 * * *"},
        {u"@hourly", u"0 * * * *"},
    };
    for (const auto &[name, expansion] : kMacros) {
        if (macro.compare(QString::fromUtf16(name), Qt::CaseInsensitive) == 0)
            return QString::fromUtf16(expansion);
    }
    *error = Error::make(ErrorCode::InvalidCron,
                         macro.compare(u"@reboot"_s, Qt::CaseInsensitive) == 0
                             ? u"@reboot is not a schedule: it runs when cron starts"_s
                             : u"unknown macro \"%1\" (use @yearly, @annually, @monthly, @weekly, @daily, "
                               "@midnight or @hourly)"_s.arg(macro));
    return {};
}

/// Consecutive values as ranges: "1-5,10,20-22" (with `label` for names).
template<size_t N>
QString runs(const std::bitset<N> &bits, int min, int max, const std::function<QString(int)> &label,
             const QString &sep = u", "_s, const QString &dash = u"–"_s)
{
    QStringList parts;
    for (int v = min; v <= max; ++v) {
        if (!bits[size_t(v)])
            continue;
        int end = v;
        while (end + 1 <= max && bits[size_t(end + 1)])
            ++end;
        if (end == v)
            parts << label(v);
        else if (end == v + 1)
            parts << label(v) << label(end);
        else
            parts << label(v) + dash + label(end);
        v = end;
    }
    return parts.join(sep);
}

} // namespace

Expected<CronExpression> CronExpression::parse(const QString &expression, const QString &timeZone)
{
    CronExpression c;
    c.m_expression = expression.simplified();
    if (c.m_expression.isEmpty())
        return Error::make(ErrorCode::InvalidCron, u"the expression is empty"_s);
    QString text = c.m_expression;
    if (text.startsWith(u'@')) {
        Error error;
        text = macroExpansion(text, &error);
        if (error.isError())
            return error;
    }
    const QStringList fields = text.split(u' ', Qt::SkipEmptyParts);
    if (fields.size() != 5)
        return Error::make(ErrorCode::InvalidCron,
                           u"expected 5 fields (minute hour day-of-month month day-of-week) or a macro like "
                           "@daily, got %1 in \"%2\""_s.arg(fields.size())
                               .arg(c.m_expression));
    bool minuteStar = false, hourStar = false, monthStar = false;
    std::bitset<8> weekdays; // 0..7 before folding 7 into 0
    if (Error e = parseField(kFields[0], fields[0], c.m_minutes, minuteStar); e.isError())
        return e;
    if (Error e = parseField(kFields[1], fields[1], c.m_hours, hourStar); e.isError())
        return e;
    if (Error e = parseField(kFields[2], fields[2], c.m_days, c.m_domStar); e.isError())
        return e;
    if (Error e = parseField(kFields[3], fields[3], c.m_months, monthStar); e.isError())
        return e;
    if (Error e = parseField(kFields[4], fields[4], weekdays, c.m_dowStar); e.isError())
        return e;
    for (int d = 0; d < 7; ++d)
        c.m_weekdays[size_t(d)] = weekdays[size_t(d)];
    c.m_fixedTime = !minuteStar && !hourStar;

    // Refuse what can never fire instead of turning it into something else.
    if (!c.m_domStar && c.m_dowStar) {
        bool possible = false;
        for (int m = 1; m <= 12 && !possible; ++m) {
            for (int d = 1; d <= kMaxDay[m] && !possible; ++d)
                possible = c.m_months[size_t(m)] && c.m_days[size_t(d)];
        }
        if (!possible)
            return Error::make(ErrorCode::InvalidCron,
                               u"\"%1\" never fires: field day-of-month \"%2\" has no day that exists in field "
                               "month \"%3\""_s.arg(c.m_expression, fields[2], fields[3]));
    }

    if (timeZone.trimmed().isEmpty()) {
        c.m_zone = QTimeZone::systemTimeZone();
        c.m_zoneName = QString::fromUtf8(c.m_zone.id());
    } else {
        const QByteArray id = timeZone.trimmed().toUtf8();
        if (!QTimeZone::isTimeZoneIdAvailable(id))
            return Error::make(ErrorCode::InvalidCron,
                               u"unknown time zone \"%1\" (use an IANA name like Europe/Berlin or UTC)"_s.arg(timeZone));
        c.m_zone = QTimeZone(id);
        c.m_zoneName = timeZone.trimmed();
    }
    if (!c.m_zone.isValid())
        return Error::make(ErrorCode::InvalidCron, u"time zone \"%1\" cannot be used"_s.arg(timeZone));
    return c;
}

QString CronExpression::zoneName() const
{
    return m_zoneName;
}

bool CronExpression::dayMatches(int /*year*/, int month, int day, int dayOfWeek) const
{
    if (!m_months[size_t(month)])
        return false;
    const bool dom = m_days[size_t(day)];
    const bool dow = m_weekdays[size_t(dayOfWeek % 7)];
    if (!m_domStar && !m_dowStar)
        return dom || dow; // both restricted: either one (Vixie)
    return dom && dow;
}

bool CronExpression::nextLocal(qint64 &julianDay, int &minuteOfDay) const
{
    for (int days = 0; days < kHorizonDays; ++days) {
        const QDate date = QDate::fromJulianDay(julianDay);
        if (!m_months[size_t(date.month())]) {
            // Not this month at all: its first day next.
            const QDate first = QDate(date.year(), date.month(), 1).addMonths(1);
            days += int(first.toJulianDay() - julianDay) - 1;
            julianDay = first.toJulianDay();
            minuteOfDay = 0;
            continue;
        }
        if (dayMatches(date.year(), date.month(), date.day(), date.dayOfWeek())) {
            for (int h = minuteOfDay / 60; h < 24; ++h) {
                if (!m_hours[size_t(h)])
                    continue;
                for (int m = h == minuteOfDay / 60 ? minuteOfDay % 60 : 0; m < 60; ++m) {
                    if (m_minutes[size_t(m)]) {
                        minuteOfDay = h * 60 + m;
                        return true;
                    }
                }
            }
        }
        ++julianDay;
        minuteOfDay = 0;
    }
    return false;
}

TimeMs CronExpression::next(TimeMs after) const
{
    const auto offsetMs = [this](qint64 utcMs) {
        return qint64(m_zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(utcMs, QTimeZone::utc()))) * 1000;
    };
    // Instants are found through wall-clock candidates, in wall-clock order. An instant after
    // `after` has a wall time after its wall time minus the largest DST shift: start 3 h before.
    const qint64 localAfter = after + offsetMs(after);
    qint64 start = localAfter - 3 * 3'600'000;
    qint64 jd = kEpochJulianDay + (start >= 0 ? start / kDayMs : -((-start + kDayMs - 1) / kDayMs));
    int minute = int((start - (jd - kEpochJulianDay) * kDayMs) / kMinuteMs);
    TimeMs best = std::numeric_limits<TimeMs>::max();
    for (int guard = 0; guard < 1'000'000; ++guard) {
        if (!nextLocal(jd, minute))
            break;
        const qint64 local = (jd - kEpochJulianDay) * kDayMs + qint64(minute) * kMinuteMs;
        // The offsets in force around it: before and after any transition near it.
        const qint64 before = offsetMs(local - kDayMs);
        const qint64 later = offsetMs(local + kDayMs);
        if (best != std::numeric_limits<TimeMs>::max() && local - qMax(before, later) > best)
            break; // no later wall time can give an earlier instant
        QVector<TimeMs> instants;
        for (qint64 o : {qMax(before, later), qMin(before, later)}) {
            const qint64 t = local - o;
            if (offsetMs(t) == o && !instants.contains(t))
                instants.append(t);
        }
        std::sort(instants.begin(), instants.end());
        QVector<TimeMs> fires;
        if (instants.isEmpty()) {
            // Skipped by spring-forward: a fixed time fires once, at the first instant after the
            // gap; a wildcard schedule simply has no such minute.
            if (m_fixedTime) {
                const QTimeZone::OffsetData t = m_zone.nextTransition(
                    QDateTime::fromMSecsSinceEpoch(local - qMax(before, later) - 1, QTimeZone::utc()));
                if (t.atUtc.isValid())
                    fires.append(t.atUtc.toMSecsSinceEpoch());
            }
        } else if (instants.size() == 2 && m_fixedTime) {
            fires.append(instants.first()); // a repeated hour: a fixed time fires once
        } else {
            fires = instants;
        }
        for (TimeMs f : std::as_const(fires)) {
            if (f > after && f < best)
                best = f;
        }
        if (++minute >= 24 * 60) {
            minute = 0;
            ++jd;
        }
    }
    return best == std::numeric_limits<TimeMs>::max() ? -1 : best;
}

QVector<TimeMs> CronExpression::next(TimeMs after, int count) const
{
    QVector<TimeMs> list;
    TimeMs t = after;
    for (int i = 0; i < count; ++i) {
        t = next(t);
        if (t < 0)
            break;
        list.append(t);
    }
    return list;
}

QString CronExpression::formatIso(TimeMs t, const QTimeZone &zone)
{
    const QDateTime d = QDateTime::fromMSecsSinceEpoch(t, zone);
    const int off = d.offsetFromUtc();
    return d.toString(u"yyyy-MM-ddTHH:mm:ss"_s)
           + u"%1%2:%3"_s.arg(QString(off < 0 ? u'-' : u'+'))
                 .arg(qAbs(off) / 3600, 2, 10, QChar(u'0'))
                 .arg(qAbs(off) % 3600 / 60, 2, 10, QChar(u'0'));
}

QString CronExpression::describe() const
{
    const auto two = [](int v) { return u"%1"_s.arg(v, 2, 10, QChar(u'0')); };
    const int minutes = int(m_minutes.count());
    const int hours = int(m_hours.count());
    QString time;
    auto firstSet = [](const auto &bits, int from) {
        for (int v = from; v < int(bits.size()); ++v) {
            if (bits[size_t(v)])
                return v;
        }
        return -1;
    };
    // An even step from 0 across a whole range reads as "every N".
    auto evenStep = [](const auto &bits, int size) {
        int first = -1, step = 0;
        for (int v = 0; v < size; ++v) {
            if (!bits[size_t(v)])
                continue;
            if (first < 0) {
                first = v;
            } else if (step == 0) {
                step = v - first;
            } else if ((v - first) % step != 0) {
                return 0;
            }
        }
        if (first != 0 || step <= 1)
            return 0;
        for (int v = 0; v < size; v += step) {
            if (!bits[size_t(v)])
                return 0;
        }
        return step;
    };
    if (minutes == 60 && hours == 24) {
        time = u"every minute"_s;
    } else if (hours == 24 && evenStep(m_minutes, 60)) {
        time = u"every %1 minutes"_s.arg(evenStep(m_minutes, 60));
    } else if (minutes == 1 && hours == 24) {
        const int m = firstSet(m_minutes, 0);
        time = m == 0 ? u"every hour, on the hour"_s : u"at minute %1 of every hour"_s.arg(m);
    } else if (minutes == 1 && hours <= 4) {
        const int m = firstSet(m_minutes, 0);
        QStringList at;
        for (int h = 0; h < 24; ++h) {
            if (m_hours[size_t(h)])
                at << two(h) + u':' + two(m);
        }
        time = u"at "_s + at.join(u", "_s);
    } else if (minutes == 1) {
        const int m = firstSet(m_minutes, 0);
        time = u"at minute %1 of hours %2"_s.arg(m).arg(runs(m_hours, 0, 23, [](int v) { return QString::number(v); }));
    } else {
        time = u"at minutes %1 of %2"_s.arg(runs(m_minutes, 0, 59, [](int v) { return QString::number(v); }),
                                           hours == 24 ? u"every hour"_s
                                                       : u"hours "_s + runs(m_hours, 0, 23, [](int v) {
                                                             return QString::number(v);
                                                         }));
    }
    const bool everyMonth = m_months.count() == 12;
    const QString weekdays = runs(m_weekdays, 0, 6, [](int v) { return QString::fromUtf16(kDayLong[v]); });
    const QString days = runs(m_days, 1, 31, [](int v) { return QString::number(v); });
    QString when;
    if (m_domStar && m_dowStar)
        when = everyMonth && !time.startsWith(u"every"_s) ? u"every day"_s : QString();
    else if (m_domStar)
        when = u"on "_s + weekdays;
    else if (m_dowStar)
        when = (m_days.count() == 1 ? u"on day %1"_s : u"on days %1"_s).arg(days) + (everyMonth ? u" of every month"_s : QString());
    else
        when = u"on day %1 or on %2"_s.arg(days, weekdays);
    if (!everyMonth)
        when += (when.isEmpty() ? u"every day in "_s : u" in "_s)
                + runs(m_months, 1, 12, [](int v) { return QString::fromUtf16(kMonthLong[v - 1]); });
    return when.isEmpty() ? u"%1, %2"_s.arg(time, m_zoneName) : u"%1 %2, %3"_s.arg(time, when, m_zoneName);
}

} // namespace Yard
