// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QTemporaryDir>

namespace Yard::Test {

/// A fresh folder for a test database; removed with the object.
class TempDatabase
{
public:
    TempDatabase() { m_dir.setAutoRemove(true); }
    QString path(const QString &name = QStringLiteral("yard.db")) const { return m_dir.filePath(name); }
    bool isValid() const { return m_dir.isValid(); }

private:
    QTemporaryDir m_dir;
};

} // namespace Yard::Test
