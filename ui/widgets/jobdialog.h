// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/job.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QStackedWidget;

namespace Yard::Ui {

/// Creates or edits a job (SPEC U6, J1-J4): every field of the definition, with the schedule
/// checked as it is typed (a cron error names the field and the token) and the next five fire
/// times shown in the schedule's own zone (local and UTC on hover). Save stays disabled while
/// anything is invalid, and says why.
class JobDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobDialog)

public:
    /// `others`: the existing jobs (after_job picks one of them).
    JobDialog(const QVector<Job> &others, QWidget *parent = nullptr);

    void setSpec(const JobSpec &spec);
    /// The definition as entered; valid only when isValid().
    JobSpec spec() const;
    bool isValid() const { return m_problem.isEmpty(); }
    /// What is wrong, or empty.
    QString problem() const { return m_problem; }
    /// The preview's lines (for tests): "2026-03-29 03:00:00 CEST".
    QStringList preview() const;
    /// The time the preview counts from (now by default; tests set it).
    void setPreviewFrom(TimeMs from);

    QLineEdit *cronEdit() const { return m_cron; }
    QComboBox *zoneBox() const { return m_zone; }
    QComboBox *kindBox() const { return m_kind; }

private:
    void revalidate();
    Expected<JobSpec> collect() const;

    QVector<Job> m_others;
    TimeMs m_previewFrom = 0;
    QString m_problem;
    QLineEdit *m_name;
    QComboBox *m_type;
    QComboBox *m_kind;
    QStackedWidget *m_scheduleStack;
    QLineEdit *m_cron;
    QComboBox *m_zone;
    QSpinBox *m_every;
    QDateTimeEdit *m_at;
    QComboBox *m_afterJob;
    QSpinBox *m_afterDelay;
    QLabel *m_reading;
    QLabel *m_preview;
    QComboBox *m_priority;
    QLineEdit *m_lane;
    QLineEdit *m_session;
    QLineEdit *m_requires;
    QPlainTextEdit *m_payload;
    QSpinBox *m_attempts;
    QComboBox *m_backoff;
    QSpinBox *m_initial;
    QDoubleSpinBox *m_factor;
    QSpinBox *m_maxDelay;
    QDoubleSpinBox *m_jitter;
    QSpinBox *m_timeout;
    QComboBox *m_misfire;
    QCheckBox *m_enabled;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
};

} // namespace Yard::Ui
