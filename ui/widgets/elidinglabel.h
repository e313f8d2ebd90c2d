// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFrame>

namespace Yard::Ui {

/// A one-line label that gives up width gracefully: when squeezed it draws "…" where the text
/// is cut (at the end or in the middle, for paths) instead of overlapping its neighbours, and
/// shows the whole text in its tooltip.
class ElidingLabel final : public QFrame
{
    Q_OBJECT

public:
    explicit ElidingLabel(Qt::TextElideMode mode = Qt::ElideRight, QWidget *parent = nullptr);

    QString text() const { return m_text; }
    void setText(const QString &text);
    /// Extra tooltip text shown under the full text.
    void setHint(const QString &hint);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void updateToolTip();

    QString m_text;
    QString m_hint;
    Qt::TextElideMode m_mode;
};

} // namespace Yard::Ui
