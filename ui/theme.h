// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>
#include <QString>

class QPalette;

namespace Yard::Ui {

/// Light and dark palettes (SPEC U12). "System" keeps the platform palette.
class Theme final
{
public:
    enum class Mode { System, Light, Dark };

    static void apply(Mode mode);
    static Mode current();
    static QString name(Mode mode);
    static Mode fromName(const QString &name);
    static bool isDark();

    /// Semantic colours that read well on the current palette.
    enum class Role { Running, Queued, Completed, Failed, Cancelled, Warning, Paused, Muted };
    static QColor color(Role role);
};

} // namespace Yard::Ui
