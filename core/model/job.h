// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "errors.h"
#include "ids.h"
#include "priority.h"

#include <QByteArray>
#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

namespace Yard {

using JobId = qint64;

/// When a job fires (SPEC J2).
struct Schedule
{
    enum class Kind : quint8 {
        Once,      ///< at `at`
        Immediate, ///< once, as soon as it is created
        Interval,  ///< every `everyMs`, anchored at the job's anchor: it keeps its offset
        Cron,      ///< `cron` in zone `timeZone` (empty = the machine's)
        AfterJob,  ///< `delayMs` after each successful run of job `afterJob`
    };
    Kind kind = Kind::Immediate;
    TimeMs at = 0;
    qint64 everyMs = 0;
    QString cron;
    QString timeZone;
    JobId afterJob = 0;
    qint64 delayMs = 0;

    /// {"once": {"at": ISO}}, {"immediate": true}, {"interval": {"every_ms": N}},
    /// {"cron": EXPR, "tz": ZONE}, {"after_job": {"job": ID, "delay_ms": N}} (SCENARIO.md's
    /// shapes). Errors name the key and the value; a cron expression is checked here.
    static Expected<Schedule> fromJson(const QJsonObject &json);
    QJsonObject toJson() const;
    /// "cron 30 2 * * * (Europe/Berlin)", "every 5 min", "once at …", "after job 3 + 10 s".
    QString summary() const;
    bool operator==(const Schedule &) const = default;
};

/// Retries of a failed run (SPEC J4): attempts in all, backoff fixed or exponential with jitter.
struct RetryPolicy
{
    int maxAttempts = 3;
    bool exponential = true;
    qint64 initialMs = 100;
    double factor = 2.0;
    qint64 maxMs = 30'000;
    double jitter = 0.25; ///< ± this fraction

    /// The delay before attempt `nextAttempt` (2 = the first retry); `unit` in [0, 1) picks the
    /// jitter (deterministic for tests and the simulator).
    qint64 delayBefore(int nextAttempt, double unit) const;
    /// {"max_attempts": 3, "backoff": "exponential"|"fixed", "initial_ms": 100, "factor": 2,
    /// "max_ms": 30000, "jitter": 0.25}; missing keys take the defaults.
    static Expected<RetryPolicy> fromJson(const QJsonObject &json);
    QJsonObject toJson() const;
    bool operator==(const RetryPolicy &) const = default;
};

/// What a missed fire does after downtime (SPEC J7).
enum class Misfire : quint8 {
    CatchUp, ///< fire once at start
    Skip,    ///< wait for the next regular time
};

/// What an operator defines (SPEC J1).
struct JobSpec
{
    QString name;
    QString type = QStringLiteral("simulate"); ///< the handler
    Schedule schedule;
    Priority priority = Priority::Normal;
    QByteArray payloadJson;
    RetryPolicy retry;
    qint64 timeoutMs = 0; ///< 0 = none
    QString lane = QStringLiteral("cron");
    QString sessionKey;     ///< runs in this session's queue; empty = free
    QStringList capabilities; ///< required: then each fire is a task for the cycle (SPEC D3)
    bool enabled = true;
    Misfire misfire = Misfire::CatchUp;

    /// The fields above from JSON (the API, the simulator); errors name the key.
    static Expected<JobSpec> fromJson(const QJsonObject &json);
    QJsonObject toJson() const;
    /// Checks what fromJson() cannot (a name, a type, bounds).
    Error validate() const;
};

/// A job with its durable cursor and its status (SPEC J1, J6, J7).
struct Job
{
    JobId id = 0;
    JobSpec spec;
    TimeMs createdAt = 0;
    /// The next fire (0 = none: a once job that fired, an after_job job waiting for its
    /// trigger). Advanced in the same commit as the fire's run, so a restart never fires twice.
    TimeMs nextFireAt = 0;
    TimeMs lastFireAt = 0;
    TimeMs anchorAt = 0; ///< interval jobs: fires are anchorAt + k * every
    quint64 fires = 0;
    // Status (SPEC J6).
    RunId lastRunId = 0;
    QString lastOutcome; ///< "completed", "failed", … of its last finished run
    QString lastError;
    TimeMs lastFinishedAt = 0;
    quint64 completed = 0;
    quint64 failed = 0;
};

} // namespace Yard

Q_DECLARE_METATYPE(Yard::Job)
