// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "errors.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace Yard {

/// How a session queue treats a new message while it is busy (SPEC Q3).
enum class QueueMode : quint8 { Queue, Followup, Interrupt, Collect };
/// What a full queue does (SPEC Q4).
enum class DropPolicy : quint8 { Old, New };

QString queueModeName(QueueMode mode);
std::optional<QueueMode> queueModeFromName(QStringView name);
QString dropPolicyName(DropPolicy drop);
/// Unknown names map to Old, as SPEC Q4 requires; `known` tells whether it was recognised.
DropPolicy dropPolicyFromName(QStringView name, bool *known = nullptr);

/// Effective per-session queue configuration (SPEC Q2). Defaults are goclaw's.
struct QueueConfig
{
    QueueMode mode = QueueMode::Queue;
    int cap = 10;
    DropPolicy drop = DropPolicy::Old;
    int debounceMs = 800;
    int maxConcurrent = 1; ///< 0 (or less) means 1

    int effectiveMaxConcurrent() const { return maxConcurrent <= 0 ? 1 : maxConcurrent; }
    QJsonObject toJson() const;
    bool operator==(const QueueConfig &) const = default;
};

/// Per-session overrides on top of the global defaults; unset fields follow the defaults live.
struct QueueConfigOverride
{
    std::optional<QueueMode> mode;
    std::optional<int> cap;
    std::optional<DropPolicy> drop;
    std::optional<int> debounceMs;
    std::optional<int> maxConcurrent;

    bool isEmpty() const { return !mode && !cap && !drop && !debounceMs && !maxConcurrent; }
    QueueConfig applyTo(QueueConfig base) const;
    QJsonObject toJson() const;
    /// Parses {"mode","cap","drop","debounce_ms","max_concurrent"}; every field optional.
    /// Errors name the bad field and value (invalid_request).
    static Expected<QueueConfigOverride> fromJson(const QJsonObject &object);
    bool operator==(const QueueConfigOverride &) const = default;
};

} // namespace Yard
