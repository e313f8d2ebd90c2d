// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/ids.h"
#include "model/priority.h"
#include "model/taskinfo.h"

#include <QHash>

#include <array>
#include <memory>
#include <set>
#include <vector>

namespace Yard {

/// The queued tasks, indexed by what they require (SPEC D3). Tasks with the same requirements
/// form a group, and each group keeps its runs in wake order (priority, queued time, id). A
/// cycle then looks at the few distinct requirement sets and the first runs of each, never at
/// every queued run: its cost follows the sessions and groups, not the queue's length.
///
/// The index holds ids and order keys only; it never touches a run's record.
class TaskIndex final
{
    Q_DISABLE_COPY_MOVE(TaskIndex)

public:
    struct Key
    {
        TimeMs queuedAt = 0;
        RunId id = 0;
        auto operator<=>(const Key &) const = default;
    };
    struct Group
    {
        TaskRequirements needs;
        /// Runs by priority (Interactive first), each by queued time, then id.
        std::array<std::set<Key>, size_t(Priority::Count)> runs;
        int size = 0;

        /// Calls fn(Priority, const Key &) for the runs in wake order until fn returns false.
        template<typename Fn>
        void forEachInOrder(Fn fn) const
        {
            for (size_t p = 0; p < runs.size(); ++p) {
                for (const Key &k : runs[p]) {
                    if (!fn(Priority(p), k))
                        return;
                }
            }
        }
    };
    using GroupId = int;

    TaskIndex();
    ~TaskIndex();

    /// Adds a queued task; returns its group, which remove() needs.
    GroupId add(RunId id, Priority priority, TimeMs queuedAt, const TaskRequirements &needs);
    /// Removes a task added with these values. False if it was not there.
    bool remove(GroupId group, RunId id, Priority priority, TimeMs queuedAt);
    void clear();

    int size() const { return m_size; }
    /// Groups with at least one run (a group that empties is dropped, its id reused).
    std::vector<GroupId> groups() const;
    const Group &group(GroupId id) const { return *m_groups[size_t(id)]; }

private:
    static QString keyOf(const TaskRequirements &needs);

    std::vector<std::unique_ptr<Group>> m_groups; ///< nullptr: a free id
    std::vector<GroupId> m_free;
    QHash<QString, GroupId> m_byKey;
    int m_size = 0;
};

} // namespace Yard
