// SPDX-License-Identifier: GPL-3.0-or-later
#include "format.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace Yard::Ui::Format {

QString age(TimeMs now, TimeMs then)
{
    if (then <= 0)
        return u"—"_s;
    const qint64 s = qMax<qint64>(0, (now - then) / 1000);
    if (s < 60)
        return QCoreApplication::translate("Format", "%1 s ago").arg(s);
    if (s < 3600)
        return QCoreApplication::translate("Format", "%1 min ago").arg(s / 60);
    if (s < 86400)
        return QCoreApplication::translate("Format", "%1 h ago").arg(s / 3600);
    return QCoreApplication::translate("Format", "%1 d ago").arg(s / 86400);
}

namespace {
Zone g_zone = Zone::Local;

QDateTime inZone(TimeMs t, Zone zone)
{
    return zone == Zone::Utc ? QDateTime::fromMSecsSinceEpoch(t, QTimeZone::utc()) : QDateTime::fromMSecsSinceEpoch(t);
}
} // namespace

void setDisplayZone(Zone zone)
{
    g_zone = zone;
}

Zone displayZone()
{
    return g_zone;
}

QString timestamp(TimeMs t)
{
    if (t <= 0)
        return u"—"_s;
    const QString text = inZone(t, g_zone).toString(u"yyyy-MM-dd HH:mm:ss"_s);
    return g_zone == Zone::Utc ? text + u" UTC"_s : text;
}

QString clock(TimeMs t, bool withMs)
{
    if (t <= 0)
        return u"—"_s;
    return inZone(t, g_zone).toString(withMs ? u"HH:mm:ss.zzz"_s : u"HH:mm:ss"_s);
}

QString bothZones(TimeMs t)
{
    if (t <= 0)
        return {};
    const QString utc = inZone(t, Zone::Utc).toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s) + u" UTC"_s;
    const QString local = inZone(t, Zone::Local).toString(u"yyyy-MM-dd HH:mm:ss.zzz t"_s)
                          + QCoreApplication::translate("Format", " (local)");
    return g_zone == Zone::Utc ? utc + u'\n' + local : local + u'\n' + utc;
}

QString percent(double ratio)
{
    return u"%1 %"_s.arg(qRound(ratio * 100));
}

QString duration(qint64 ms)
{
    if (ms < 1000)
        return u"%1 ms"_s.arg(ms);
    if (ms < 60'000)
        return u"%1 s"_s.arg(double(ms) / 1000.0, 0, 'f', 1);
    if (ms < 3'600'000)
        return u"%1 min %2 s"_s.arg(ms / 60'000).arg((ms % 60'000) / 1000);
    return u"%1 h %2 min"_s.arg(ms / 3'600'000).arg((ms % 3'600'000) / 60'000);
}

QString homeRelative(const QString &path)
{
    const QString home = QDir::homePath();
    if (home.size() > 1 && (path == home || path.startsWith(home + u'/')))
        return u"~"_s + path.mid(home.size());
    return path;
}

} // namespace Yard::Ui::Format
