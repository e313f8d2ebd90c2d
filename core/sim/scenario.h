// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/engineoptions.h"
#include "model/errors.h"
#include "model/queueconfig.h"
#include "model/session.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

namespace Yard::Sim {

/// What the `simulate` handler does for one attempt of a run (SCENARIO.md `outcome`).
struct Outcome
{
    qint64 durationMs = 1000;
    enum class Result : quint8 { Ok, Fail, Hang } result = Result::Ok;
    QString error;
    int steps = 1;
    bool saveState = false;
    bool yields = true;
    bool noReschedule = false;
    bool retryable = true;
    bool throws = false;
    bool restoreCorrupt = false;
    bool vanish = false;
};

/// The simulate handler's payload for these outcomes (one per attempt, the last repeats).
QByteArray payloadFor(const QVector<Outcome> &outcomes);

struct SessionDef
{
    QString key;
    QString agent;
    QString lane;
    QString workspace;
    QString channel;
    QStringList capabilities;
    SessionState state = SessionState::Active;
    bool prompting = false;
    bool claims = false;
    qint64 contextWindow = 0; ///< 0: the product default
    QueueConfigOverride queue;
};

/// One action, validated: the fields its verb uses are set, the rest keep their defaults.
struct Action
{
    qint64 atMs = 0;
    int index = 0; ///< its place in the file (ties in at_ms keep file order)
    QString verb;
    QString ref;
    QString session;
    QString text;
    QString priority = QStringLiteral("normal");
    QString lane;
    QVector<Outcome> outcomes;
    qint64 submittedAtMs = -1; ///< message: when the sender sent it (-1: at at_ms)
    qint64 tokens = -1;        ///< message: the transcript's token estimate after it
    // task
    QStringList requires_;
    QString workspace;
    QString channel;
    QString owner;
    // job
    QJsonObject job;   ///< the JobSpec fields (name, schedule, priority, lane, retry, …)
    QString jobRef;    ///< job_enable/job_disable/job_run_now: which job
    QString afterJob;  ///< a schedule {"after_job": {"job": REF}}: the job it follows
    // cancel / recover / acknowledge
    QString run;
    // pause / drain / set_lane / set_session / crash
    QString reason;
    qint64 timeoutMs = -1;
    int limit = 0;
    std::optional<bool> paused;
    std::optional<SessionState> state;
    std::optional<bool> prompting;
    qint64 downMs = 0;
};

struct Scenario
{
    qint64 startMs = 0;  ///< virtual time 0, as milliseconds since the epoch
    qint64 untilMs = -1; ///< -1: until nothing is left to happen (at most 30 virtual days)
    EngineOptions engine;
    QString timeZone;    ///< for cron schedules without their own
    QVector<SessionDef> sessions;
    QVector<Action> actions; ///< in at_ms order, ties in file order
};

/// Reads a scenario (SCENARIO.md). An error names the JSON path and the problem, as in
/// `actions[3].at_ms: expected a number, got "soon"` (code invalid_request).
Expected<Scenario> parseScenario(const QByteArray &json);

/// The longest a scenario runs without until_ms: 30 virtual days.
constexpr qint64 kMaxVirtualMs = 30LL * 86'400'000;

} // namespace Yard::Sim
