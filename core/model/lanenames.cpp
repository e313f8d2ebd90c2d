// SPDX-License-Identifier: GPL-3.0-or-later
#include "lanenames.h"

#include <QHash>
#include <QMutex>
#include <QStringList>

namespace Yard::LaneNames {

namespace {
QMutex s_mutex;
QStringList s_names{QString()}; // id 0 = none
QHash<QString, quint16> s_ids;
} // namespace

quint16 intern(const QString &name)
{
    if (name.isEmpty())
        return 0;
    QMutexLocker locker(&s_mutex);
    auto it = s_ids.constFind(name);
    if (it != s_ids.cend())
        return *it;
    if (s_names.size() >= 0xFFFF)
        return 0;
    const auto id = quint16(s_names.size());
    s_names.append(name);
    s_ids.insert(name, id);
    return id;
}

QString name(quint16 id)
{
    QMutexLocker locker(&s_mutex);
    return id < s_names.size() ? s_names.at(id) : QString();
}

} // namespace Yard::LaneNames
