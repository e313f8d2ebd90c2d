// SPDX-License-Identifier: GPL-3.0-or-later
#include "laneset.h"

#include "logging.h"

#include <QProcessEnvironment>

using namespace Qt::StringLiterals;

namespace Yard {

LaneSet::LaneSet()
{
    m_limits = {{u"main"_s, 30}, {u"subagent"_s, 50}, {u"team"_s, 100}, {u"cron"_s, 30}};
    m_lanes.emplace_back(u"main"_s, 30);
    m_indexes.insert(u"main"_s, kMain);
}

void LaneSet::define(const QString &name, int limit)
{
    const QString n = name.trimmed();
    if (n.isEmpty())
        return;
    m_limits.insert(n, limit <= 0 ? 2 : limit);
    auto it = m_indexes.constFind(n);
    if (it != m_indexes.cend())
        m_lanes[size_t(*it)].setLimit(limit);
}

Error LaneSet::applyEnvironment()
{
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    QStringList vars = env.keys();
    vars.sort();
    for (const QString &var : std::as_const(vars)) {
        if (!var.startsWith(u"YARD_LANE_"_s))
            continue;
        const QString name = var.mid(10).toLower();
        const QString value = env.value(var);
        if (name.isEmpty())
            return Error::make(ErrorCode::InvalidConfig,
                               u"%1=%2 names no lane: use YARD_LANE_<NAME>=<limit>, e.g. YARD_LANE_MAIN=40"_s
                                   .arg(var, value));
        bool ok = false;
        const qint64 limit = value.trimmed().toLongLong(&ok);
        if (!ok || limit > 100'000)
            return Error::make(ErrorCode::InvalidConfig,
                               u"%1=%2: a lane limit must be a whole number up to 100000"_s.arg(var, value));
        if (limit <= 0) // SPEC L1: limits <= 0 mean 2; said, not silent
            qCWarning(lcLanes).noquote() << u"%1=%2: a limit of %2 means 2 (SPEC L1)"_s.arg(var, value);
        define(name, int(limit));
    }
    return {};
}

int LaneSet::find(const QString &name)
{
    auto it = m_indexes.constFind(name);
    if (it != m_indexes.cend())
        return *it;
    auto limit = m_limits.constFind(name);
    if (limit == m_limits.cend())
        return -1;
    m_lanes.emplace_back(name, *limit);
    const int index = int(m_lanes.size()) - 1;
    m_indexes.insert(name, index);
    return index;
}

int LaneSet::resolveSlow(const QString &name)
{
    const int index = find(name);
    if (index >= 0)
        return index;
    if (!m_warnedUnknown.contains(name)) {
        m_warnedUnknown.insert(name);
        qCWarning(lcLanes).noquote() << u"unknown lane \"%1\": its runs go to \"main\""_s.arg(name);
    }
    return kMain;
}

LaneStats LaneSet::stats(const QString &name) const
{
    auto it = m_indexes.constFind(name);
    if (it != m_indexes.cend()) {
        LaneStats s = m_lanes[size_t(*it)].stats();
        s.preemptGraceDefault = s.preemptGraceMs == 0;
        s.preemptGraceMs = preemptGraceMs(*it);
        return s;
    }
    LaneStats s;
    s.name = name;
    s.limit = m_limits.value(name, 2);
    return s;
}

int LaneSet::running() const
{
    int n = 0;
    for (const Lane &lane : m_lanes)
        n += lane.active();
    return n;
}

int LaneSet::totalLimit() const
{
    qint64 total = 0;
    for (int limit : m_limits)
        total += limit;
    return int(qMin<qint64>(total, 1'000'000));
}

void LaneSet::markAllDirty()
{
    for (int i = 0; i < count(); ++i)
        markDirty(i);
}

void LaneSet::takeDirty(std::vector<int> &out)
{
    out.clear();
    out.swap(m_dirty);
    for (int index : out)
        m_dirtyFlags[size_t(index)] = false;
}

QStringList LaneSet::names() const
{
    QStringList list = m_limits.keys();
    list.sort();
    return list;
}

} // namespace Yard
