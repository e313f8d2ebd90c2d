// SPDX-License-Identifier: GPL-3.0-or-later
#include "inbox.h"

#include <QCoreApplication>
#include <QEvent>
#include "spinwait.h"

namespace Yard {

Inbox::Inbox(QObject *target)
    : m_target(target)
{
    m_items.reserve(256);
}

int Inbox::eventType()
{
    static const int type = QEvent::registerEventType();
    return type;
}

void Inbox::push(InboxItem &&item)
{
    bool post = false;
    {
        QMutexLocker locker(&m_mutex);
        m_items.push_back(std::move(item));
        m_count.store(int(m_items.size()), std::memory_order_release);
        if (!m_posted && !m_reading) {
            m_posted = true;
            post = true;
        }
    }
    if (post && m_target)
        QCoreApplication::postEvent(m_target, new QEvent(QEvent::Type(eventType())));
}

void Inbox::pushAll(std::vector<InboxItem> &items)
{
    if (items.empty())
        return;
    bool post = false;
    {
        QMutexLocker locker(&m_mutex);
        if (m_items.empty()) {
            m_items.swap(items);
        } else {
            m_items.insert(m_items.end(), std::make_move_iterator(items.begin()),
                           std::make_move_iterator(items.end()));
        }
        m_count.store(int(m_items.size()), std::memory_order_release);
        if (!m_posted && !m_reading) {
            m_posted = true;
            post = true;
        }
    }
    items.clear();
    if (post && m_target)
        QCoreApplication::postEvent(m_target, new QEvent(QEvent::Type(eventType())));
}

void Inbox::beginReading()
{
    QMutexLocker locker(&m_mutex);
    m_reading = true;
}

void Inbox::endReadingAndWake()
{
    bool post = false;
    {
        QMutexLocker locker(&m_mutex);
        m_reading = false;
        if (!m_posted) {
            m_posted = true;
            post = true;
        }
    }
    if (post && m_target)
        QCoreApplication::postEvent(m_target, new QEvent(QEvent::Type(eventType())));
}

bool Inbox::takeOrEndReading(std::vector<InboxItem> &out)
{
    out.clear();
    QMutexLocker locker(&m_mutex);
    if (m_items.empty()) {
        // The next push must wake us, even if a wake-up posted earlier is still in flight (its
        // items were read meanwhile): a stale "posted" flag would leave reports unread until
        // some other turn came by.
        m_reading = false;
        m_posted = false;
        return false;
    }
    out.swap(m_items);
    m_count.store(0, std::memory_order_release);
    m_posted = false; // a later push after reading ends must post again
    return true;
}

void Inbox::takeAll(std::vector<InboxItem> &out)
{
    out.clear();
    QMutexLocker locker(&m_mutex);
    out.swap(m_items);
    m_count.store(0, std::memory_order_release);
    m_posted = false;
}

bool Inbox::waitBriefly() const
{
    return spinUntil([this] { return m_count.load(std::memory_order_acquire) > 0; }, 20'000);
}

bool Inbox::isEmpty() const
{
    QMutexLocker locker(&m_mutex);
    return m_items.empty();
}

} // namespace Yard
