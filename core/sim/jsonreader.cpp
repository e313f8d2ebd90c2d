// SPDX-License-Identifier: GPL-3.0-or-later
#include "jsonreader.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace Yard::Sim {

QString got(const QJsonValue &v)
{
    QString text;
    if (v.isUndefined())
        return u"nothing"_s;
    if (v.isObject() || v.isArray())
        text = QString::fromUtf8(v.isObject() ? QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact)
                                              : QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    else
        text = QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
    return text.size() > 60 ? text.left(57) + u"..."_s : text;
}

} // namespace Yard::Sim
