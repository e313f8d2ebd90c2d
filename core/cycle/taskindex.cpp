// SPDX-License-Identifier: GPL-3.0-or-later
#include "taskindex.h"

namespace Yard {

TaskIndex::TaskIndex() = default;
TaskIndex::~TaskIndex() = default;

QString TaskIndex::keyOf(const TaskRequirements &needs)
{
    QStringList caps = needs.capabilities;
    caps.sort();
    caps.removeDuplicates();
    const QChar sep(0x1f);
    return needs.workspace + sep + needs.channel + sep + needs.owner + sep + caps.join(sep);
}

TaskIndex::GroupId TaskIndex::add(RunId id, Priority priority, TimeMs queuedAt,
                                  const TaskRequirements &needs)
{
    const QString key = keyOf(needs);
    GroupId g = m_byKey.value(key, -1);
    if (g < 0) {
        auto group = std::make_unique<Group>();
        group->needs = needs;
        if (!m_free.empty()) {
            g = m_free.back();
            m_free.pop_back();
            m_groups[size_t(g)] = std::move(group);
        } else {
            g = GroupId(m_groups.size());
            m_groups.push_back(std::move(group));
        }
        m_byKey.insert(key, g);
    }
    Group &group = *m_groups[size_t(g)];
    const size_t p = qBound(size_t(0), size_t(priority), group.runs.size() - 1);
    if (group.runs[p].insert(Key{queuedAt, id}).second) {
        ++group.size;
        ++m_size;
    }
    return g;
}

bool TaskIndex::remove(GroupId g, RunId id, Priority priority, TimeMs queuedAt)
{
    if (g < 0 || size_t(g) >= m_groups.size() || !m_groups[size_t(g)])
        return false;
    Group &group = *m_groups[size_t(g)];
    const size_t p = qBound(size_t(0), size_t(priority), group.runs.size() - 1);
    if (group.runs[p].erase(Key{queuedAt, id}) == 0)
        return false;
    --m_size;
    if (--group.size == 0) {
        m_byKey.remove(keyOf(group.needs));
        m_groups[size_t(g)].reset();
        m_free.push_back(g);
    }
    return true;
}

void TaskIndex::clear()
{
    m_groups.clear();
    m_free.clear();
    m_byKey.clear();
    m_size = 0;
}

std::vector<TaskIndex::GroupId> TaskIndex::groups() const
{
    std::vector<GroupId> out;
    out.reserve(m_groups.size());
    for (size_t i = 0; i < m_groups.size(); ++i) {
        if (m_groups[i])
            out.push_back(GroupId(i));
    }
    return out;
}

} // namespace Yard
