// SPDX-License-Identifier: GPL-3.0-or-later
// The API's run commands: runs.list and the actions on runs by id or by filter (Commands).
#include "apicommands.h"
#include "apijson.h"

#include "engine/scheduler.h"
#include "store/storereader.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace Yard::Api {

void Commands::readRuns(const RunFilter &filter, RunId before, int limit, std::function<void(const RunPage &)> answer)
{
    // The answer comes back queued to this thread, so it cannot overtake this registration.
    m_pendingRuns.insert(m_reader->requestRuns(filter, before, limit), std::move(answer));
}

void Commands::runsList(quint64 client, const Request &r)
{
    if (!m_reader) {
        fail(client, r.id, invalid(u"run history needs a database: this scheduler runs in memory"_s));
        return;
    }
    const Params p(r.params);
    Expected<qint64> limit = p.integer(u"limit"_s, 100, 1, 1000);
    Expected<qint64> before = p.integer(u"before"_s, 0, 0, std::numeric_limits<qint64>::max());
    Expected<QString> session = p.string(u"session"_s);
    if (const Error e = firstError(limit, before, session); e.isError()) {
        fail(client, r.id, e);
        return;
    }
    const QJsonValue id = r.id;
    const Request request = r;
    // A session is named by its key; the engine knows the ids.
    m_scheduler->call(
        m_context,
        [key = session.value()](Engine &e) {
            QHash<QString, SessionId> ids;
            if (!key.isEmpty())
                if (const Session *s = e.sessions().findByKey(key))
                    ids.insert(key, s->id);
            return ids;
        },
        [this, client, id, request, limit = int(limit.value()), before = before.value()](const QHash<QString, SessionId> &ids) {
            Expected<RunFilter> f = runFilter(Params(request.params), &ids);
            if (!f) {
                fail(client, id, f.error());
                return;
            }
            readRuns(f.value(), before, limit, [this, client, id](const RunPage &page) {
                if (page.error.isError()) {
                    fail(client, id, page.error);
                    return;
                }
                QJsonArray runs;
                for (const RunRow &row : page.rows)
                    runs.append(runJson(row));
                QJsonObject o{{u"runs"_s, runs}, {u"more"_s, page.more}};
                if (page.more && !page.rows.isEmpty())
                    o.insert(u"next_before"_s, page.rows.last().id);
                ok(client, id, o);
            });
        });
}

void Commands::runsAct(quint64 client, const QString &user, const Request &r, const QString &action)
{
    const Params p(r.params);
    Expected<QString> reason = p.string(u"reason"_s);
    Expected<bool> dryRun = p.boolean(u"dry_run"_s, false);
    Expected<QJsonObject> filterJson = p.object(u"filter"_s);
    if (const Error e = firstError(reason, dryRun, filterJson); e.isError()) {
        fail(client, r.id, e);
        return;
    }
    QVector<RunId> ids;
    const QJsonValue list = r.params.value(u"ids"_s);
    if (list.isArray()) {
        for (const QJsonValue &v : list.toArray()) {
            if (!v.isDouble() || v.toDouble() < 1) {
                fail(client, r.id, invalid(u"\"ids\" must be a list of run ids"_s));
                return;
            }
            ids << RunId(v.toDouble());
        }
    } else if (!list.isUndefined()) {
        fail(client, r.id, invalid(u"\"ids\" must be a list of run ids"_s));
        return;
    }
    const bool byFilter = !filterJson->isEmpty();
    {
        static const QStringList kRunKeys{u"state"_s, u"session"_s, u"lane"_s, u"type"_s, u"priority"_s,
                                          u"job"_s, u"text"_s, u"created_after"_s, u"created_before"_s};
        static const QStringList kAttentionKeys{u"capability"_s, u"workspace"_s, u"text"_s};
        const QStringList &known = action == u"recover" || action == u"ack" ? kAttentionKeys : kRunKeys;
        for (auto it = filterJson->begin(); it != filterJson->end(); ++it) {
            if (!known.contains(it.key())) {
                fail(client, r.id, invalid(u"unknown filter \"%1\" for %2 (known: %3)"_s.arg(it.key(), r.command, known.join(u", "_s))));
                return;
            }
        }
    }
    if (ids.isEmpty() == !byFilter) {
        fail(client, r.id, invalid(u"%1 needs either \"ids\" or a \"filter\""_s.arg(r.command)));
        return;
    }
    if (action == u"ack" && reason->trimmed().isEmpty()) {
        fail(client, r.id, invalid(u"an acknowledgement needs a \"reason\" (the note kept with the runs)"_s));
        return;
    }
    const QJsonValue id = r.id;
    const QString actor = u"api:"_s + user;
    const QString why = reason.value();
    const bool dry = dryRun.value();
    // Needs-attention actions (SPEC D8) resolve their filter in the engine, on every match.
    if (action == u"recover" || action == u"ack") {
        const Params fp(filterJson.value());
        Expected<QString> capability = fp.string(u"capability"_s);
        Expected<QString> workspace = fp.string(u"workspace"_s);
        Expected<QString> text = fp.string(u"text"_s);
        if (const Error e = firstError(capability, workspace, text); e.isError()) {
            fail(client, id, e);
            return;
        }
        NeedsAttentionFilter f;
        f.capability = capability.value();
        f.workspace = workspace.value();
        f.text = text.value();
        m_scheduler->call(
            m_context,
            [f, ids, dry, action, actor, why](Engine &e) -> QJsonObject {
                if (dry)
                    return {{u"dry_run"_s, true},
                            {u"matches"_s, ids.isEmpty() ? e.needsAttentionPage(f, 0, 1).total : int(ids.size())}};
                const AttentionOutcome o = e.resolveAttention(action == u"ack" ? AttentionAction::Acknowledge : AttentionAction::Requeue,
                                                              ids, f, actor, why);
                return {{u"done"_s, o.done}, {u"failed"_s, o.failed}, {u"errors"_s, QJsonArray::fromStringList(o.errors)}};
            },
            [this, client, id](const QJsonObject &o) { ok(client, id, o); });
        return;
    }
    auto act = [this, client, id, action, actor, why, dry](const QVector<RunId> &runs, bool truncated) {
        if (dry) {
            ok(client, id, QJsonObject{{u"dry_run"_s, true}, {u"matches"_s, int(runs.size())}, {u"more"_s, truncated}});
            return;
        }
        if (truncated) {
            fail(client, id, invalid(u"the filter matches more than %1 runs: narrow it (or act in steps)"_s.arg(kMaxBulk)));
            return;
        }
        m_scheduler->call(
            m_context,
            [runs, action, actor, why](Engine &e) {
                int done = 0;
                QJsonArray errors;
                QJsonArray created;
                e.batch([&] {
                    for (RunId run : runs) {
                        Error err;
                        if (action == u"cancel") {
                            err = e.cancelRun(run, why.isEmpty() ? QString() : u"cancelled by %1: %2"_s.arg(actor, why));
                        } else if (action == u"retry") {
                            Expected<RunId> n = e.retryRun(run);
                            if (n)
                                created.append(n.value());
                            else
                                err = n.error();
                        } else {
                            err = e.requeueRun(run);
                        }
                        if (err.isError()) {
                            if (errors.size() < 20)
                                errors.append(u"run %1: %2"_s.arg(run).arg(err.toString()));
                        } else {
                            ++done;
                        }
                    }
                    e.audit(actor, u"%1_runs"_s.arg(action), u"%1 runs"_s.arg(runs.size()), why,
                            u"%1 done, %2 not"_s.arg(done).arg(runs.size() - done));
                });
                QJsonObject o{{u"done"_s, done}, {u"failed"_s, int(runs.size()) - done}, {u"errors"_s, errors}};
                if (!created.isEmpty())
                    o.insert(u"created"_s, created);
                return o;
            },
            [this, client, id](const QJsonObject &o) { ok(client, id, o); });
    };
    if (!byFilter) {
        act(ids, false);
        return;
    }
    if (!m_reader) {
        fail(client, id, invalid(u"acting on a filter needs a database: this scheduler runs in memory"_s));
        return;
    }
    const QJsonObject fj = filterJson.value();
    m_scheduler->call(
        m_context,
        [key = fj.value(u"session"_s).toString()](Engine &e) {
            QHash<QString, SessionId> sessions;
            if (!key.isEmpty())
                if (const Session *s = e.sessions().findByKey(key))
                    sessions.insert(key, s->id);
            return sessions;
        },
        [this, client, id, fj, act](const QHash<QString, SessionId> &sessions) {
            Expected<RunFilter> f = runFilter(Params(fj), &sessions);
            if (!f) {
                fail(client, id, f.error());
                return;
            }
            readRuns(f.value(), 0, kMaxBulk, [this, client, id, act](const RunPage &page) {
                if (page.error.isError()) {
                    fail(client, id, page.error);
                    return;
                }
                QVector<RunId> runs;
                for (const RunRow &row : page.rows)
                    runs << row.id;
                act(runs, page.more);
            });
        });
}

} // namespace Yard::Api
