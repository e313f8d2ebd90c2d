// SPDX-License-Identifier: GPL-3.0-or-later
#include "isotime.h"

#include <QDateTime>

namespace Yard {

QString isoUtc(TimeMs t)
{
    // Qt::UTC (not QTimeZone::utc(), which Qt 6.4 spells "+00:00").
    return QDateTime::fromMSecsSinceEpoch(t, Qt::UTC).toString(Qt::ISODateWithMs);
}

} // namespace Yard
