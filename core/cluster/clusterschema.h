// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/errors.h"

class QSqlDatabase;

namespace Yard::ClusterSchema {

/// The newest schema version this build writes.
int currentVersion();
/// Brings an open PostgreSQL database to the current schema, under an advisory lock so nodes
/// starting together migrate once. Refuses a database newer than this build, naming both versions.
Error migrate(QSqlDatabase &db);

} // namespace Yard::ClusterSchema
