// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/errors.h"

namespace Yard::DatabaseFile {

/// Checks, without writing anything, that `path` can be used as a Yardmaster database: it is
/// absent (a new one is created there), empty, or a readable and writable SQLite file. Errors name
/// the file and the problem.
Error check(const QString &path);

/// Creates the parent folder of `path` if needed.
Error ensureParentDir(const QString &path);

} // namespace Yard::DatabaseFile
