"""File ▸ Connect to Team Server…: the desk's PostgreSQL server as host, port, database and user, or a pasted URL."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from workbench.errors import WorkbenchError
from workbench.workspace.team import Connection

FIELDS = (("host", "&Host"), ("port", "&Port"), ("dbname", "&Database"), ("user", "&User"))
NOTE = ("The password is never saved. It is taken from ~/.pgpass or PGPASSWORD, as PostgreSQL's own "
        "tools do; otherwise you are asked once per session.")
PASTED_PASSWORD = "The password in the pasted address is used for this session only; it is not saved."


class ConnectDialog(QDialog):
    """Where the desk's server is; `connection()` gives it, its password (if pasted) kept apart."""

    def __init__(self, current: str | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("teamServerDialog")
        self.setWindowTitle("Connect to Team Server")
        self.setMinimumWidth(540)
        self.password: str | None = None  # from a pasted URL: memory only
        self._options: dict[str, str] = {}
        intro = QLabel("Sync this database with your desk's PostgreSQL server: your colleagues' claims "
                       "appear here within seconds, and you keep working when it cannot be reached.")
        intro.setWordWrap(True)
        self.address = QLineEdit()
        self.address.setObjectName("teamAddress")
        self.address.setPlaceholderText("postgresql://ana@desk.example.org/factcheck_desk")
        self.address.setToolTip("Paste the connection string your desk gave you: it fills in the fields below")
        self.address.textEdited.connect(self._address_edited)
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        form.addRow("&Address", self.address)
        for key, label in FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"team_{key}")
            edit.textEdited.connect(self._field_edited)
            self.fields[key] = edit
            form.addRow(label, edit)
        self.fields["port"].setPlaceholderText("5432")
        self.fields["user"].setPlaceholderText("your login on the server")
        self.problem = QLabel()
        self.problem.setObjectName("teamProblem")
        self.problem.setWordWrap(True)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)  # it may quote what was pasted
        self.note = QLabel(NOTE)
        self.note.setObjectName("teamNote")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = self.buttons.addButton("Connect", QDialogButtonBox.ButtonRole.AcceptRole)
        self.connect_button.setObjectName("teamConnect")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        if current:
            self.address.setText(current)
            self._address_edited(current)
        self._check()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.address.setFocus()

    def connection(self) -> Connection:
        """The server as the fields say (without the password: that is `self.password`)."""
        values = {key: edit.text().strip() for key, edit in self.fields.items()}
        return Connection(**values, options=dict(self._options))

    def _address_edited(self, text: str) -> None:
        if not text.strip():
            self._check()
            return
        try:
            parsed = Connection.parse(text)
        except WorkbenchError as error:
            self._check(str(error))
            return
        if parsed.password:  # taken out of sight at once: the field, the settings and the screen never hold it
            self.password = parsed.password
            self.address.setText(parsed.url())
            self.address.setCursorPosition(0)  # show where it begins: the host, not the query
        self._options = parsed.options
        for key, edit in self.fields.items():
            edit.setText(getattr(parsed, key))
        self._check()

    def _field_edited(self, _text: str = "") -> None:
        self.address.setText(self.connection().url())
        self._check()

    def _check(self, problem: str | None = None) -> None:
        connection = self.connection()
        problem = problem or (connection.problem() if any(f.text().strip() for f in self.fields.values()) else None)
        ready = problem is None and connection.problem() is None
        self.problem.setText(problem or "")
        self.problem.setVisible(bool(problem))
        self.note.setText(NOTE + ("\n" + PASTED_PASSWORD if self.password else ""))
        self.connect_button.setEnabled(ready)
