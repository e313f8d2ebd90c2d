// SPDX-License-Identifier: GPL-3.0-or-later
#include "clusterurl.h"

#include <QSqlDatabase>
#include <QUrl>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace Yard {

namespace {

const QStringList kPassedOn = {u"sslmode"_s, u"sslrootcert"_s, u"sslcert"_s, u"sslkey"_s,
                               u"connect_timeout"_s, u"application_name"_s, u"target_session_attrs"_s};

Error bad(const QString &why)
{
    return Error::make(ErrorCode::InvalidConfig, u"database URL: "_s + why);
}

} // namespace

bool ClusterUrl::isClusterUrl(const QString &text)
{
    return text.startsWith(u"postgresql://"_s, Qt::CaseInsensitive)
           || text.startsWith(u"postgres://"_s, Qt::CaseInsensitive);
}

Expected<ClusterUrl> ClusterUrl::parse(const QString &text)
{
    if (!isClusterUrl(text))
        return bad(u"\"%1\" does not start with postgresql://"_s.arg(text.left(40)));
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid())
        return bad(u"cannot read it (%1)"_s.arg(url.errorString()));
    if (!url.password().isEmpty())
        return bad(u"it holds a password; put the password in ~/.pgpass (or the file PGPASSFILE names) or in "
                   "PGPASSWORD, never on the command line"_s);
    ClusterUrl u;
    u.user = url.userName();
    u.host = url.host();
    u.port = url.port(0);
    if (url.port(-1) != -1 && (u.port <= 0 || u.port > 65535))
        return bad(u"port %1 is not a port"_s.arg(url.port(-1)));
    u.dbname = url.path().mid(1);
    if (u.dbname.isEmpty())
        return bad(u"no database name (postgresql://user@host/DBNAME)"_s);
    if (u.dbname.contains(u'/'))
        return bad(u"\"%1\" is not a database name"_s.arg(u.dbname));
    QStringList options;
    const QUrlQuery query(url);
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (key == u"host") {
            u.host = value;
            continue;
        }
        if (key == u"password")
            return bad(u"it holds a password; use ~/.pgpass, PGPASSFILE or PGPASSWORD"_s);
        if (!kPassedOn.contains(key))
            return bad(u"unknown parameter \"%1\" (known: host, %2)"_s.arg(key, kPassedOn.join(u", "_s)));
        QString v = value;
        v.replace(u'\\', u"\\\\"_s).replace(u'\'', u"\\'"_s);
        options << u"%1='%2'"_s.arg(key, v);
    }
    u.options = options.join(u' ');
    return u;
}

QString ClusterUrl::display() const
{
    QString s = u"postgresql://"_s;
    if (!user.isEmpty())
        s += user + u'@';
    s += host.startsWith(u'/') ? QString() : host;
    if (port)
        s += u':' + QString::number(port);
    s += u'/' + dbname;
    if (host.startsWith(u'/'))
        s += u"?host="_s + host;
    return s;
}

Expected<QSqlDatabase> ClusterUrl::connection(const QString &connectionName) const
{
    if (!QSqlDatabase::isDriverAvailable(u"QPSQL"_s))
        return Error::make(ErrorCode::InvalidDatabase,
                           u"Qt's PostgreSQL driver (QPSQL) is not installed: install libqt6sql6-psql "
                           "(scripts/deps does)"_s);
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, connectionName);
    if (!host.isEmpty())
        db.setHostName(host);
    if (port)
        db.setPort(port);
    if (!user.isEmpty())
        db.setUserName(user);
    db.setDatabaseName(dbname);
    QString opts = options;
    if (!opts.contains(u"connect_timeout"_s))
        opts += u" connect_timeout=10"_s;
    // Schema checks say "already exists, skipping" at NOTICE level: not news for an operator.
    opts += u" options='-c client_min_messages=warning'"_s;
    if (!opts.contains(u"application_name"_s))
        opts += u" application_name=yardmaster"_s;
    db.setConnectOptions(opts.trimmed().replace(u' ', u';'));
    return db;
}

} // namespace Yard
