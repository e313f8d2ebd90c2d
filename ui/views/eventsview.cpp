// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventsview.h"

#include "models/eventsmodel.h"
#include "models/sessionsmodel.h"
#include "widgets/listtable.h"

#include "store/storereader.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

EventsView::EventsView(const Console &console, SessionsModel *sessions, QWidget *parent)
    : QWidget(parent)
    , m_console(console)
    , m_model(new EventsModel(20000, this))
    , m_filter(new EventsFilter(this))
    , m_table(new QTableView)
    , m_category(new QComboBox)
    , m_text(new QLineEdit)
    , m_follow(new QCheckBox(tr("Follow")))
    , m_count(new QLabel)
{
    m_names = [sessions](SessionId id) {
        const SessionStatus *s = sessions->session(id);
        return s ? s->key : QString::number(id);
    };
    m_model->setSessionNames(m_names);
    m_filter->setSourceModel(m_model);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto *bar = new QHBoxLayout;
    m_category->addItem(tr("All events"), -1);
    m_category->addItem(tr("Operator actions (audit log)"), int(EventsModel::Category::Operator));
    m_category->addItem(tr("Problems"), int(EventsModel::Category::Problem));
    m_category->addItem(tr("Runs"), int(EventsModel::Category::Run));
    m_category->addItem(tr("Scheduler and lanes"), int(EventsModel::Category::Scheduler));
    m_category->addItem(tr("Sessions"), int(EventsModel::Category::Session));
    m_category->setAccessibleName(tr("Event category"));
    m_text->setObjectName(u"search"_s); // "/" focuses it (MainWindow::focusSearch)
    m_text->setPlaceholderText(tr("Filter events…"));
    m_text->setClearButtonEnabled(true);
    m_text->setAccessibleName(tr("Event filter"));
    m_follow->setChecked(true);
    m_follow->setToolTip(tr("Keep the newest event in view"));
    auto *progress = new QCheckBox(tr("Show progress"));
    progress->setToolTip(tr("Include run.progress events (one per handler step)"));
    connect(progress, &QCheckBox::toggled, m_filter, &EventsFilter::setShowProgress);
    auto *exportButton = new QPushButton(tr("Export CSV…"));
    connect(exportButton, &QPushButton::clicked, this, &EventsView::exportCsvInteractive);
    bar->addWidget(m_category);
    bar->addWidget(m_text, 1);
    bar->addWidget(progress);
    bar->addWidget(m_follow);
    bar->addWidget(exportButton);
    layout->addLayout(bar);
    connect(m_category, &QComboBox::currentIndexChanged, this,
            [this] { m_filter->setCategory(m_category->currentData().toInt()); });
    connect(m_text, &QLineEdit::textChanged, m_filter, &EventsFilter::setText);

    m_table->setModel(m_filter);
    setUpListTable(m_table, QAbstractItemView::ExtendedSelection, tr("Events"));
    m_table->horizontalHeader()->setStretchLastSection(true);
    for (auto [col, w] : {std::pair{EventsModel::Time, 100}, {EventsModel::Type, 150}, {EventsModel::Run, 70},
                          {EventsModel::Session, 160}, {EventsModel::Lane, 80}, {EventsModel::Code, 120}})
        m_table->setColumnWidth(col, w);
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &idx) {
        if (const RunId run = idx.data(EventsModel::RunIdRole).toLongLong())
            Q_EMIT runActivated(run);
    });
    layout->addWidget(m_table, 1);
    m_count->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_count);

    if (m_console.reader) {
        const quint64 request = m_console.reader->requestAudit(500);
        connect(m_console.reader, &StoreReader::auditReady, this,
                [this, request](quint64 id, const AuditLog &log) {
                    if (id == request)
                        m_model->addAuditHistory(log);
                });
    }
}

void EventsView::showCategory(int category)
{
    m_category->setCurrentIndex(qMax(0, m_category->findData(category)));
}

void EventsView::applyEvents(const EventBatch &events)
{
    m_model->appendEvents(events);
    if (m_follow->isChecked())
        m_table->scrollToBottom();
    m_count->setText(tr("%1 of the newest %2 events shown").arg(m_filter->rowCount()).arg(m_model->rowCount()));
}

bool EventsView::exportCsv(const QString &path, QString *error) const
{
    QVector<Event> rows;
    rows.reserve(m_filter->rowCount());
    for (int r = 0; r < m_filter->rowCount(); ++r)
        rows.append(m_model->eventAt(m_filter->mapToSource(m_filter->index(r, 0)).row()));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = file.errorString();
        return false;
    }
    file.write(EventsModel::toCsv(rows, m_names));
    if (!file.commit()) {
        *error = file.errorString();
        return false;
    }
    return true;
}

void EventsView::exportCsvInteractive()
{
    const QString suggested = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation)
                              + u"/yardmaster-events.csv"_s;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export events"), suggested, tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportCsv(path, &error))
        QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1: %2").arg(path, error));
    else
        m_count->setText(tr("Exported %1 events to %2").arg(m_filter->rowCount()).arg(path));
}

} // namespace Yard::Ui
