// SPDX-License-Identifier: GPL-3.0-or-later
#include "lanenames.h"

#include "namepool.h"

namespace Yard::LaneNames {

quint16 intern(const QString &name)
{
    return NamePool::lanes().intern(name);
}

QString name(quint16 id)
{
    return NamePool::lanes().name(id);
}

} // namespace Yard::LaneNames
