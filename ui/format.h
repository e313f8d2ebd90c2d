// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/ids.h"

#include <QString>

namespace Yard::Ui::Format {

/// "12 s ago", "3 min ago", "2 h ago", "—" for 0.
QString age(TimeMs now, TimeMs then);
/// The zone the console shows times in (View > Times, remembered): the machine's or UTC.
enum class Zone { Local, Utc };
void setDisplayZone(Zone zone);
Zone displayZone();
/// "yyyy-MM-dd HH:mm:ss" in the display zone, with " UTC" when that is UTC; "—" for 0.
QString timestamp(TimeMs t);
/// "HH:mm:ss" (or "HH:mm:ss.zzz") in the display zone.
QString clock(TimeMs t, bool withMs = false);
/// For tooltips: the time in both zones, the display zone first, e.g.
/// "2026-12-06 04:03:11 UTC\n2026-12-06 05:03:11 CET (local)".
QString bothZones(TimeMs t);
/// "42 %".
QString percent(double ratio);
/// "850 ms", "12.3 s", "4 min 5 s", "1 h 15 min".
QString duration(qint64 ms);
/// A file path with the home folder written as "~".
QString homeRelative(const QString &path);

} // namespace Yard::Ui::Format
