// SPDX-License-Identifier: GPL-3.0-or-later
#include "databasefile.h"

#include "schema.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <atomic>

using namespace Qt::StringLiterals;

namespace Yard::DatabaseFile {

namespace {

std::atomic<int> s_checkSerial{0};

Error damaged(const QString &path, const QString &what)
{
    return Error::make(ErrorCode::InvalidDatabase,
                       u"%1 is damaged (%2). Yardmaster has not changed it. Restore it from a "
                       "backup, or move it aside together with its -wal and -shm files and start "
                       "again to begin with a new database (sqlite3's .recover command may save "
                       "part of its data)."_s
                           .arg(path, what));
}

/// quick_check and the tables, on a read-only connection: nothing is written.
Error checkContents(const QString &path)
{
    const QString name = u"yard-check-%1"_s.arg(s_checkSerial.fetch_add(1));
    Error result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(path);
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
        if (!db.open()) {
            result = damaged(path, db.lastError().text().trimmed());
        } else {
            QSqlQuery q(db);
            QStringList problems;
            if (!q.exec(u"PRAGMA quick_check"_s)) {
                problems << q.lastError().text().trimmed();
            } else {
                while (q.next() && problems.size() < 3)
                    problems << q.value(0).toString();
            }
            if (problems != QStringList{u"ok"_s})
                result = damaged(path, u"SQLite's integrity check says: "_s + problems.join(u"; "_s));
            else
                result = Schema::validate(db, path);
        }
    }
    QSqlDatabase::removeDatabase(name);
    return result;
}

} // namespace

Expected<std::unique_ptr<QLockFile>> lock(const QString &path)
{
    auto lock = std::make_unique<QLockFile>(path + u".lock"_s);
    lock->setStaleLockTime(0); // never stale by age: only when its process is gone
    if (lock->tryLock(0))
        return lock;
    qint64 pid = 0;
    QString host, app;
    switch (lock->error()) {
    case QLockFile::LockFailedError:
        if (lock->getLockInfo(&pid, &host, &app))
            return Error::make(ErrorCode::DatabaseInUse,
                               u"%1 is in use by another Yardmaster (%2, pid %3 on %4); stop that "
                               "one first, or give this one another file with --db"_s
                                   .arg(path, app.isEmpty() ? u"yardmaster"_s : app)
                                   .arg(pid)
                                   .arg(host.isEmpty() ? u"this host"_s : host));
        return Error::make(ErrorCode::DatabaseInUse,
                           u"%1 is locked by %1.lock, which names no process; if no Yardmaster "
                           "uses this file, remove the lock file"_s
                               .arg(path));
    case QLockFile::PermissionError:
        return Error::make(ErrorCode::InvalidDatabase,
                           u"cannot create the lock file %1.lock: the folder %2 is not writable"_s.arg(
                               path, QFileInfo(path).absolutePath()));
    default: {
        // QLockFile does not say why; trying the file does (a full disk, most often).
        QFile probe(path + u".lock"_s);
        const QString why = probe.open(QIODevice::WriteOnly | QIODevice::NewOnly) ? QString()
                                                                                  : probe.errorString();
        if (probe.isOpen()) {
            probe.close();
            probe.remove();
        }
        return Error::make(ErrorCode::InvalidDatabase,
                           u"cannot create the lock file %1.lock%2"_s.arg(path, why.isEmpty() ? QString()
                                                                                               : u": "_s + why));
    }
    }
}

Error checkPath(const QString &path)
{
    if (path.isEmpty())
        return Error::make(ErrorCode::InvalidDatabase, u"no database path given"_s);
    const QFileInfo info(path);
    if (info.exists() && info.isDir())
        return Error::make(ErrorCode::InvalidDatabase,
                           u"%1 is a directory, not a database file"_s.arg(path));
    if (info.exists() && !info.isFile())
        return Error::make(ErrorCode::InvalidDatabase,
                           u"%1 is not a regular file (a device, pipe or socket); give a database "
                           "file's path"_s
                               .arg(path));
    const QFileInfo folder(info.absolutePath());
    if (folder.exists() && !folder.isWritable())
        return Error::make(ErrorCode::InvalidDatabase,
                           u"the folder %1 is read-only: SQLite needs to create %2-wal and %2-shm "
                           "next to the database"_s
                               .arg(folder.absoluteFilePath(), path));
    return {};
}

Error check(const QString &path)
{
    if (Error e = checkPath(path); e.isError())
        return e;
    const QFileInfo info(path);
    if (!info.exists())
        return {};
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
    if (file.size() < 512)
        return damaged(path, u"it is too short to hold a database"_s);
    return checkContents(path);
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
