// SPDX-License-Identifier: GPL-3.0-or-later
#include "commandpalette.h"

#include <QKeyEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

namespace {
// Every query word must appear in the title, in order: "pa sch" finds "Pause scheduler".
bool matches(const QString &title, const QString &query)
{
    int from = 0;
    for (const QString &word : query.split(u' ', Qt::SkipEmptyParts)) {
        const int at = title.indexOf(word, from, Qt::CaseInsensitive);
        if (at < 0)
            return false;
        from = at + int(word.size());
    }
    return true;
}
} // namespace

CommandPalette::CommandPalette(Provider provider, QWidget *parent)
    : QDialog(parent, Qt::Popup | Qt::FramelessWindowHint)
    , m_provider(std::move(provider))
    , m_query(new QLineEdit)
    , m_list(new QListWidget)
{
    setWindowTitle(tr("Command palette"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    m_query->setPlaceholderText(tr("Type a command, a session key, or #run…"));
    m_query->setAccessibleName(tr("Command"));
    m_list->setAccessibleName(tr("Commands"));
    m_list->setUniformItemSizes(true);
    layout->addWidget(m_query);
    layout->addWidget(m_list);
    m_query->installEventFilter(this);
    connect(m_query, &QLineEdit::textChanged, this, &CommandPalette::setQuery);
    connect(m_list, &QListWidget::itemActivated, this, [this] { runCurrent(); });
    resize(560, 360);
    setQuery({});
}

void CommandPalette::setQuery(const QString &query)
{
    if (m_query->text() != query)
        m_query->setText(query);
    m_commands.clear();
    for (const Command &c : m_provider(query.trimmed())) {
        if (matches(c.title, query.trimmed()) || query.trimmed().startsWith(u'#'))
            m_commands.append(c);
    }
    refill();
}

void CommandPalette::refill()
{
    m_list->clear();
    for (const Command &c : std::as_const(m_commands)) {
        auto *item = new QListWidgetItem(c.hint.isEmpty() ? c.title : c.title + u"    "_s + c.hint);
        m_list->addItem(item);
    }
    if (m_list->count())
        m_list->setCurrentRow(0);
}

int CommandPalette::visibleCommands() const
{
    return int(m_commands.size());
}

QString CommandPalette::commandTitle(int row) const
{
    return row >= 0 && row < m_commands.size() ? m_commands.at(row).title : QString();
}

QString CommandPalette::commandHint(int row) const
{
    return row >= 0 && row < m_commands.size() ? m_commands.at(row).hint : QString();
}

void CommandPalette::runCurrent()
{
    const int row = m_list->currentRow();
    if (row < 0 || row >= m_commands.size())
        return;
    const std::function<void()> fn = m_commands.at(row).run;
    accept();
    if (fn)
        fn();
}

bool CommandPalette::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_query && event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        switch (key->key()) {
        case Qt::Key_Down:
            m_list->setCurrentRow(qMin(m_list->currentRow() + 1, m_list->count() - 1));
            return true;
        case Qt::Key_Up:
            m_list->setCurrentRow(qMax(m_list->currentRow() - 1, 0));
            return true;
        case Qt::Key_Return:
        case Qt::Key_Enter:
            runCurrent();
            return true;
        case Qt::Key_Escape:
            reject();
            return true;
        default:
            break;
        }
    }
    return QDialog::eventFilter(watched, event);
}

} // namespace Yard::Ui
