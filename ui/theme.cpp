// SPDX-License-Identifier: GPL-3.0-or-later
#include "theme.h"

#include <QApplication>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

namespace {
Theme::Mode s_mode = Theme::Mode::System;
QPalette s_systemPalette;
bool s_haveSystemPalette = false;

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x20, 0x23, 0x27), base(0x17, 0x19, 0x1c), text(0xe6, 0xe8, 0xeb);
    const QColor button(0x2b, 0x2f, 0x34), highlight(0x2f, 0x6f, 0xb3);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x1d, 0x20, 0x24));
    p.setColor(QPalette::ToolTipBase, button);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x91, 0x99));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, button);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xff));
    p.setColor(QPalette::Mid, QColor(0x3a, 0x3f, 0x45));
    p.setColor(QPalette::Dark, QColor(0x12, 0x14, 0x16));
    p.setColor(QPalette::Light, QColor(0x40, 0x46, 0x4d));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0x70, 0x76, 0x7d));
    return p;
}

QPalette lightPalette()
{
    QPalette p = QStyleFactory::create(u"Fusion"_s)->standardPalette();
    p.setColor(QPalette::Highlight, QColor(0x2b, 0x6c, 0xb0));
    p.setColor(QPalette::AlternateBase, QColor(0xf3, 0xf5, 0xf7));
    return p;
}
} // namespace

void Theme::apply(Mode mode)
{
    if (!s_haveSystemPalette) {
        s_systemPalette = QApplication::palette();
        s_haveSystemPalette = true;
    }
    s_mode = mode;
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
    switch (mode) {
    case Mode::System:
        QApplication::setPalette(s_systemPalette);
        break;
    case Mode::Light:
        QApplication::setPalette(lightPalette());
        break;
    case Mode::Dark:
        QApplication::setPalette(darkPalette());
        break;
    }
}

Theme::Mode Theme::current()
{
    return s_mode;
}

QString Theme::name(Mode mode)
{
    switch (mode) {
    case Mode::Light:
        return u"light"_s;
    case Mode::Dark:
        return u"dark"_s;
    case Mode::System:
        break;
    }
    return u"system"_s;
}

Theme::Mode Theme::fromName(const QString &name)
{
    if (name == u"light")
        return Mode::Light;
    if (name == u"dark")
        return Mode::Dark;
    return Mode::System;
}

bool Theme::isDark()
{
    return QApplication::palette().color(QPalette::Window).lightness() < 128;
}

QColor Theme::color(Role role)
{
    const bool dark = isDark();
    switch (role) {
    case Role::Running:
        return dark ? QColor(0x5a, 0xa9, 0xff) : QColor(0x1f, 0x6f, 0xc5);
    case Role::Queued:
        return dark ? QColor(0xc4, 0xa0, 0xff) : QColor(0x6b, 0x46, 0xc1);
    case Role::Completed:
        return dark ? QColor(0x4c, 0xd1, 0x8b) : QColor(0x1a, 0x7f, 0x4b);
    case Role::Failed:
        return dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xc0, 0x26, 0x2d);
    case Role::Cancelled:
        return dark ? QColor(0xa0, 0xa7, 0xb0) : QColor(0x6b, 0x72, 0x80);
    case Role::Warning:
        return dark ? QColor(0xff, 0xb0, 0x3b) : QColor(0xb4, 0x53, 0x09);
    case Role::Paused:
        return dark ? QColor(0xff, 0x9f, 0x1c) : QColor(0xb4, 0x53, 0x09);
    case Role::Muted:
        return QApplication::palette().color(QPalette::PlaceholderText);
    }
    return {};
}

} // namespace Yard::Ui
