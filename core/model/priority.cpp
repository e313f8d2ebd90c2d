// SPDX-License-Identifier: GPL-3.0-or-later
#include "priority.h"

#include <array>

namespace Yard {

namespace {
constexpr std::array<const char16_t *, size_t(Priority::Count)> kNames{
    u"interactive", u"urgent", u"high", u"normal", u"low"};
}

QString priorityName(Priority priority)
{
    const auto i = size_t(priority);
    return i < kNames.size() ? QString::fromUtf16(kNames[i]) : QString();
}

std::optional<Priority> priorityFromName(QStringView name)
{
    for (size_t i = 0; i < kNames.size(); ++i) {
        if (name.compare(QStringView(kNames[i]), Qt::CaseInsensitive) == 0)
            return Priority(i);
    }
    static const struct
    {
        const char16_t *alias;
        Priority priority;
    } kAliases[] = {{u"ui", Priority::Interactive},     {u"last_effort", Priority::Urgent},
                    {u"critical", Priority::Urgent},    {u"medium", Priority::Normal},
                    {u"background", Priority::Low}};
    for (const auto &a : kAliases) {
        if (name.compare(QStringView(a.alias), Qt::CaseInsensitive) == 0)
            return a.priority;
    }
    return std::nullopt;
}

} // namespace Yard
