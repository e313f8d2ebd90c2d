// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

namespace Yard {

/// Database row ids. 0 means "none"; ids are allocated by the engine, never reused.
using SessionId = qint64;
using MessageId = qint64;
using RunId = qint64;

/// Milliseconds since the Unix epoch, UTC, as read from the injected Clock.
using TimeMs = qint64;

} // namespace Yard
