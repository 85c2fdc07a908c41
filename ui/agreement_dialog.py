"""The agreement panel: claims by reviewer and, per pair of reviewers, agreement and Cohen's kappa."""

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout

PAIR_COLUMNS = ["Reviewers", "Claims matched", "Both judged", "Agreed", "Agreement", "Cohen's κ"]
REVIEWER_COLUMNS = ["Reviewer", "Claims marked", "Verdicts given"]


def _table(headers: list[str], rows: list[list[str]], name: str) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(value))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    return table


def pair_rows(collected: dict) -> list[list[str]]:
    """One table row per pair of reviewers."""
    rows = []
    for pair in collected["agreement"]:
        percent = "—" if pair["percent"] is None else f"{pair['percent']:.0f}%"
        kappa = "—" if pair["kappa"] is None else f"{pair['kappa']:.2f}"
        rows.append([" & ".join(pair["reviewers"]), str(pair["matched"]), str(pair["judged"]),
                     str(pair["agreed"]), percent, kappa])
    return rows


class AgreementDialog(QDialog):
    """Shows stats.collect for the open database."""

    def __init__(self, window):
        super().__init__(window)
        self.setWindowTitle("Agreement between reviewers")
        self.setObjectName("agreementDialog")
        self.resize(640, 420)
        collected = window.workspace.stats()
        reviewers = [[r["name"], str(r["claims"]), str(r["verdicts"])] for r in collected["reviewers"]]
        pairs = pair_rows(collected)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Reviewers</b>"))
        layout.addWidget(_table(REVIEWER_COLUMNS, reviewers, "reviewerTable"))
        layout.addWidget(QLabel("<b>Agreement on claims both reviewers judged</b> "
                                "(overlapping claims are matched one to one)"))
        if pairs:
            layout.addWidget(_table(PAIR_COLUMNS, pairs, "agreementTable"), 1)
        else:
            layout.addWidget(QLabel("No two reviewers have marked the same text yet. "
                                    "Merge a colleague's database (File ▸ Merge Database…) to compare."))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
