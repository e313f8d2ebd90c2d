// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/errors.h"

class QSqlDatabase;

namespace Yard::Schema {

/// The schema version this build writes.
int currentVersion();
/// `PRAGMA application_id` marking a Yardmaster database ("YARD").
constexpr int kApplicationId = 0x59415244;

/// Brings an open database to currentVersion() with forward-only migrations, each in its own
/// transaction. Refuses databases from a newer build and SQLite files that are not ours.
Error migrate(QSqlDatabase &db, const QString &path);

/// Read-only: a Yardmaster database (by its marker) must have a schema version and the tables
/// that version promises. Other files pass (migrate() judges them).
Error validate(QSqlDatabase &db, const QString &path);

/// Connection pragmas every connection uses (WAL, busy timeout, synchronous=NORMAL).
Error configureConnection(QSqlDatabase &db, const QString &path, bool writer);

} // namespace Yard::Schema
