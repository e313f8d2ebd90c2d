// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What the API's commands share: errors, times, and the JSON of runs, jobs and lanes.

#include "apiprotocol.h"

#include "engine/enginestatus.h"
#include "model/job.h"
#include "store/runquery.h"

#include <QHash>
#include <QJsonObject>
#include <QJsonValue>

namespace Yard::Api {

constexpr int kMaxBulk = 10'000; ///< runs one filter may act on at once

Error invalid(const QString &what);
/// ISO-8601 UTC, or "" / null for no time (0).
QString iso(TimeMs t);
QJsonValue isoOrNull(TimeMs t);
/// A time parameter: ISO-8601, or milliseconds since the epoch; 0 when absent.
Expected<TimeMs> timeParam(const Params &p, const QString &key);
QJsonObject runJson(const RunRow &r);
QJsonObject jobJson(const Job &j);
QJsonObject laneJson(const LaneStats &l);
/// A run filter from request parameters; `sessions` resolves a session key to its id.
Expected<RunFilter> runFilter(const Params &p, const QHash<QString, SessionId> *sessions = nullptr);

} // namespace Yard::Api
