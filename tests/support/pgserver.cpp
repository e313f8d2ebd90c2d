// SPDX-License-Identifier: GPL-3.0-or-later
#include "pgserver.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTcpServer>

#include <pwd.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace Yard::Test {

namespace {

int freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

} // namespace

PgServer::PgServer() = default;

PgServer::~PgServer()
{
    stop();
}

QString PgServer::binDir()
{
    for (const QString &dir : {u"/usr/lib/postgresql/15/bin"_s, u"/usr/lib/postgresql/16/bin"_s,
                               u"/usr/lib/postgresql/17/bin"_s}) {
        if (QFileInfo(dir + u"/initdb"_s).isExecutable())
            return dir;
    }
    return {};
}

QString PgServer::run(const QString &program, const QStringList &args, bool *ok) const
{
    QProcess p;
    p.setWorkingDirectory(m_dir->path());
    p.setProcessChannelMode(QProcess::MergedChannels);
    if (m_asPostgres)
        p.start(u"runuser"_s, QStringList{u"-u"_s, u"postgres"_s, u"--"_s, program} + args);
    else
        p.start(program, args);
    const bool finished = p.waitForFinished(120000);
    *ok = finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    return QString::fromLocal8Bit(p.readAll());
}

QString PgServer::start()
{
    const QString bin = binDir();
    if (bin.isEmpty())
        return u"PostgreSQL 15 is not installed (no /usr/lib/postgresql/15/bin/initdb): run scripts/deps, "
               "which installs postgresql-15 and libqt6sql6-psql"_s;
    m_asPostgres = ::geteuid() == 0;
    uid_t uid = 0;
    gid_t gid = 0;
    if (m_asPostgres) {
        const passwd *pw = ::getpwnam("postgres");
        if (!pw)
            return u"running as root, and there is no 'postgres' user to run PostgreSQL as (it refuses root); "
                   "the postgresql-15 package creates it"_s;
        uid = pw->pw_uid;
        gid = pw->pw_gid;
    }
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + u"/yard-pg-XXXXXX"_s);
    if (!m_dir->isValid())
        return u"cannot create a temporary folder for the server: "_s + m_dir->errorString();
    if (m_asPostgres && ::chown(QFile::encodeName(m_dir->path()).constData(), uid, gid) != 0)
        return u"cannot hand %1 to the postgres user"_s.arg(m_dir->path());
    m_data = m_dir->filePath(u"data"_s);
    bool ok = false;
    QString out = run(bin + u"/initdb"_s,
                      {u"-D"_s, m_data, u"-U"_s, u"yard"_s, u"-A"_s, u"trust"_s, u"-E"_s, u"UTF8"_s,
                       u"--locale=C"_s, u"--no-sync"_s},
                      &ok);
    if (!ok)
        return u"initdb failed: "_s + out;
    QString lastError;
    for (int attempt = 0; attempt < 3; ++attempt) {
        m_port = freePort();
        QFile conf(m_data + u"/postgresql.conf"_s);
        // Written as the server's user could not be: root writes, then hands the file back.
        if (!conf.open(QIODevice::Append))
            return u"cannot write postgresql.conf"_s;
        conf.write(u"\n# yardmaster test server\nport = %1\nlisten_addresses = '127.0.0.1'\n"
                   "unix_socket_directories = '%2'\nmax_connections = 100\nshared_buffers = 128MB\n"
                   "fsync = on\nsynchronous_commit = on\n"_s.arg(m_port).arg(m_dir->path()).toUtf8());
        conf.close();
        out = run(bin + u"/pg_ctl"_s,
                  {u"-D"_s, m_data, u"-l"_s, m_dir->filePath(u"server.log"_s), u"-w"_s, u"-t"_s, u"60"_s,
                   u"start"_s},
                  &ok);
        if (ok)
            break;
        QFile log(m_dir->filePath(u"server.log"_s));
        log.open(QIODevice::ReadOnly);
        lastError = out + QString::fromLocal8Bit(log.readAll().right(2000));
    }
    if (!ok)
        return u"the server did not start: "_s + lastError;
    m_running = true;
    out = run(bin + u"/createdb"_s,
              {u"-h"_s, u"127.0.0.1"_s, u"-p"_s, QString::number(m_port), u"-U"_s, u"yard"_s, u"yard"_s}, &ok);
    if (!ok)
        return u"createdb failed: "_s + out;
    return {};
}

void PgServer::stop()
{
    if (!m_running)
        return;
    bool ok = false;
    run(binDir() + u"/pg_ctl"_s, {u"-D"_s, m_data, u"-m"_s, u"immediate"_s, u"-w"_s, u"stop"_s}, &ok);
    m_running = false;
}

bool PgServer::prependHba(const QString &line)
{
    QFile hba(m_data + u"/pg_hba.conf"_s);
    if (!hba.open(QIODevice::ReadOnly))
        return false;
    const QByteArray rest = hba.readAll();
    hba.close();
    if (!hba.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    hba.write(line.toUtf8() + '\n' + rest);
    hba.close();
    bool ok = false;
    psql(u"SELECT pg_reload_conf()"_s, &ok);
    return ok;
}

QString PgServer::url() const
{
    return u"postgresql://yard@127.0.0.1:%1/yard"_s.arg(m_port);
}

QString PgServer::psql(const QString &sql, bool *ok) const
{
    bool done = false;
    const QString out = run(binDir() + u"/psql"_s,
                            {u"-h"_s, u"127.0.0.1"_s, u"-p"_s, QString::number(m_port), u"-U"_s, u"yard"_s,
                             u"-d"_s, u"yard"_s, u"-At"_s, u"-v"_s, u"ON_ERROR_STOP=1"_s, u"-c"_s, sql},
                            &done);
    if (ok)
        *ok = done;
    return out.trimmed();
}

} // namespace Yard::Test
