// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QTranslator>

namespace Yard::Ui {

/// English plurals for the console's tr("%n run(s) …", nullptr, n) texts without a .qm file:
/// "(s)" becomes "s" or nothing, and the few verbs that follow a count agree with it
/// ("1 run needs attention", "3 runs need attention"). Installed once by installEnglishPlurals().
class EnglishPlurals final : public QTranslator
{
    Q_OBJECT

public:
    using QTranslator::QTranslator;
    bool isEmpty() const override { return false; }
    QString translate(const char *context, const char *sourceText, const char *disambiguation = nullptr,
                      int n = -1) const override;
    /// The rule itself (exposed for tests).
    static QString pluralise(const QString &source, int n);
};

/// Installs EnglishPlurals in the application once (later calls do nothing).
void installEnglishPlurals();

} // namespace Yard::Ui
