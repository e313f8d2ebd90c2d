// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ids.h"

#include <QString>

namespace Yard {

/// An instant as ISO-8601 UTC with milliseconds, "2026-03-29T00:30:00.030Z": the one spelling of
/// time in everything machines read (API replies, events, simulator traces, job definitions).
QString isoUtc(TimeMs t);

} // namespace Yard
