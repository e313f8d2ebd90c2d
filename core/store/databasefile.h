// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/errors.h"

#include <memory>

class QLockFile;

namespace Yard::DatabaseFile {

/// Checks, without writing anything, that `path` can be used as a Yardmaster database: it is
/// absent (a new one is created there), empty, or a readable and writable SQLite file in a
/// writable folder that passes SQLite's quick_check and, if it is a Yardmaster database, has
/// the tables its schema version promises. Errors name the file and the problem, and say what
/// to do.
Error check(const QString &path);
/// The part of check() about the path alone: a regular file (or none yet) in a writable folder.
Error checkPath(const QString &path);

/// Creates the parent folder of `path` if needed.
Error ensureParentDir(const QString &path);

/// Takes `path`'s owner lock (`path.lock`): one live process per database file. A lock left by
/// a process that no longer runs is taken over; a live holder is named in the error
/// (database_in_use). The lock is held until the returned object is destroyed.
Expected<std::unique_ptr<QLockFile>> lock(const QString &path);

} // namespace Yard::DatabaseFile
