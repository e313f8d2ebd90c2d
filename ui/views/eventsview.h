// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "console.h"

#include "model/event.h"

#include <QWidget>

#include <functional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace Yard::Ui {

class EventsFilter;
class EventsModel;
class SessionsModel;

/// Events and audit log (SPEC U9, E2): a live tail with filters, and CSV export.
class EventsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventsView)

public:
    EventsView(const Console &console, SessionsModel *sessions, QWidget *parent = nullptr);

    void applyEvents(const EventBatch &events);
    EventsModel *model() const { return m_model; }
    EventsFilter *filter() const { return m_filter; }
    /// Writes the rows the filter shows to `path`; false with a message on error.
    bool exportCsv(const QString &path, QString *error) const;
    /// Shows one category (-1 = all), as if chosen in the filter box.
    void showCategory(int category);

public Q_SLOTS:
    void exportCsvInteractive();

Q_SIGNALS:
    void runActivated(Yard::RunId run);

private:
    Console m_console;
    EventsModel *m_model;
    EventsFilter *m_filter;
    QTableView *m_table;
    QComboBox *m_category;
    QLineEdit *m_text;
    QCheckBox *m_follow;
    QLabel *m_count;
    std::function<QString(SessionId)> m_names;
};

} // namespace Yard::Ui
