// SPDX-License-Identifier: GPL-3.0-or-later
#include "plurals.h"

#include <QCoreApplication>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

QString EnglishPlurals::translate(const char *, const char *sourceText, const char *, int n) const
{
    if (n < 0 || !sourceText)
        return {};
    const QString source = QString::fromUtf8(sourceText);
    if (!source.contains(u"(s)"_s))
        return {}; // Qt uses the source as it is
    return pluralise(source, n);
}

QString EnglishPlurals::pluralise(const QString &source, int n)
{
    QString s = source;
    s.replace(u"(s)"_s, n == 1 ? QString() : u"s"_s);
    if (n == 1) {
        // The verb right after the counted noun agrees with one.
        static const QRegularExpression verbs(uR"(\b(need|match|stay|wait|remain)\b)"_s);
        const qsizetype at = s.indexOf(u"%n"_s);
        if (at >= 0) {
            QRegularExpressionMatch m = verbs.match(s, at);
            // Only a verb within the count's own clause: at most two words after "%n".
            if (m.hasMatch() && s.mid(at, m.capturedStart() - at).count(u' ') <= 2)
                s.replace(m.capturedStart(), m.capturedLength(),
                          m.captured(1) == u"match"_s ? u"matches"_s : m.captured(1) + u"s"_s);
        }
    }
    return s;
}

void installEnglishPlurals()
{
    static EnglishPlurals *installed = nullptr;
    if (installed || !QCoreApplication::instance())
        return;
    installed = new EnglishPlurals(QCoreApplication::instance());
    QCoreApplication::installTranslator(installed);
}

} // namespace Yard::Ui
