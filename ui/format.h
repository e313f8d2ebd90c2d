// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/ids.h"

#include <QString>

namespace Yard::Ui::Format {

/// "12 s ago", "3 min ago", "2 h ago", "—" for 0.
QString age(TimeMs now, TimeMs then);
/// Local "yyyy-MM-dd HH:mm:ss".
QString timestamp(TimeMs t);
/// "42 %".
QString percent(double ratio);
/// "850 ms", "12.3 s", "4 min 5 s", "1 h 15 min".
QString duration(qint64 ms);
/// A file path with the home folder written as "~".
QString homeRelative(const QString &path);

} // namespace Yard::Ui::Format
