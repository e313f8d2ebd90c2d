// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <optional>

namespace Yard {

/// Run priorities, high to low (SPEC P1). Lower numeric value = more urgent, so it sorts first.
enum class Priority : quint8 { Interactive = 0, Urgent, High, Normal, Low, Count };

QString priorityName(Priority priority);
/// Accepts the P1 names plus the seed aliases (ui, last_effort, critical, medium, background).
std::optional<Priority> priorityFromName(QStringView name);

} // namespace Yard
