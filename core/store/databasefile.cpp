// SPDX-License-Identifier: GPL-3.0-or-later
#include "databasefile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace Yard::DatabaseFile {

Error check(const QString &path)
{
    if (path.isEmpty())
        return Error::make(ErrorCode::InvalidDatabase, u"no database path given"_s);
    const QFileInfo info(path);
    if (!info.exists())
        return {};
    if (info.isDir())
        return Error::make(ErrorCode::InvalidDatabase,
                           u"%1 is a directory, not a database file"_s.arg(path));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Error::make(ErrorCode::InvalidDatabase,
                           u"cannot read database file %1: %2"_s.arg(path, file.errorString()));
    }
    if (file.size() == 0)
        return {}; // SQLite treats an empty file as an empty database
    static const QByteArray kMagic("SQLite format 3\0", 16);
    const QByteArray header = file.read(16);
    if (header != kMagic) {
        return Error::make(ErrorCode::InvalidDatabase,
                           u"%1 is not a SQLite database (its header does not match); "
                           "refusing to open it"_s
                               .arg(path));
    }
    if (!info.isWritable()) {
        return Error::make(ErrorCode::InvalidDatabase,
                           u"database file %1 is read-only; Yardmaster needs to write to it"_s.arg(path));
    }
    return {};
}

Error ensureParentDir(const QString &path)
{
    const QFileInfo info(path);
    QDir dir = info.absoluteDir();
    if (dir.exists())
        return {};
    if (!dir.mkpath(u"."_s)) {
        return Error::make(ErrorCode::InvalidDatabase,
                           u"cannot create the folder %1 for the database"_s.arg(dir.absolutePath()));
    }
    return {};
}

} // namespace Yard::DatabaseFile
