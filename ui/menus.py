"""The window's actions, menus and toolbar, with their shortcuts, in one table-like place."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar

from ui import theme
from ui.todo_dialog import show_to_do
from workbench.verdicts import LABELS, VERDICTS

VERDICT_SHORTCUTS = {"pending": "0", "verified": "1", "disputed": "2", "unverifiable": "3"}


def _action(window, text: str, slot, shortcut=None, tip: str | None = None, name: str | None = None) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        shortcuts = shortcut if isinstance(shortcut, list) else [shortcut]
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    action.setObjectName(name or text.replace("&", "").replace("…", "").strip().lower().replace(" ", "_"))
    action.triggered.connect(lambda _=False: slot())
    return action


def build(window) -> dict[str, QAction]:
    """Create every action of the main window, its menus and toolbar; return actions by name."""
    a: dict[str, QAction] = {}
    a["new_db"] = _action(window, "&New Database…", window.new_database, QKeySequence.StandardKey.New)
    a["open_db"] = _action(window, "&Open Database…", window.open_database_dialog, QKeySequence.StandardKey.Open)
    a["import"] = _action(window, "&Import Articles…", window.import_files_dialog, "Ctrl+I",
                          "Import .txt, .md, .html files or W3C annotation files")
    a["import_url"] = _action(window, "Import from &URL…", window.import_url_dialog, "Ctrl+Shift+I")
    a["paste_article"] = _action(window, "New Article from &Clipboard", window.import_clipboard, "Ctrl+Shift+V",
                                 "Paste the text of a web page as a new article")
    a["import_version"] = _action(window, "Import New &Version…", window.corrections.import_version_dialog, None,
                                  "Import the corrected text of the open article; its claims are carried over")
    a["import_annotations"] = _action(window, "Import A&nnotations onto This Article…",
                                      window.corrections.import_annotations_dialog, None,
                                      "Place the claims of a W3C annotation file (Hypothesis, Recogito, ours) "
                                      "on the open article")
    a["older_version"] = _action(window, "&Older Version", window.corrections.older_version, "Ctrl+Shift+PgUp",
                                 "Show the version of this article before this one")
    a["newer_version"] = _action(window, "Ne&wer Version", window.corrections.newer_version, "Ctrl+Shift+PgDown",
                                 "Show the corrected version after this one")
    a["place_orphan"] = _action(window, "P&lace Here", window.corrections.place_orphan, ["Ctrl+Return", "Ctrl+Enter"],
                                "Place the chosen claim that could not be placed on the selected text (Ctrl+Enter)",
                                name="place_orphan")
    a["export"] = _action(window, "&Export Report…", window.export_report, "Ctrl+Shift+E",
                          "Markdown, HTML, PDF, ClaimReview or W3C annotations, with a preview")
    a["publication"] = _action(window, "Pu&blication Settings…", window.publication_settings, "Ctrl+Shift+P",
                               "Who publishes the fact checks and where their pages are (for ClaimReview)")
    a["merge"] = _action(window, "&Merge Database…", window.files.merge_dialog, "Ctrl+Shift+M",
                         "Bring colleagues' databases into this one")
    a["save_copy"] = _action(window, "Save a &Copy…", window.files.save_copy_dialog,
                             QKeySequence.StandardKey.SaveAs, "Write a copy of this database to send to a colleague")
    a["connect_team"] = _action(window, "Connect to &Team Server…", window.team.connect_dialog, None,
                                "Sync this database with your desk's PostgreSQL server")
    a["sync_now"] = _action(window, "S&ync Now", window.team.sync_now, "F5",
                            "Send your changes to the team server and fetch your colleagues' now (F5)")
    a["disconnect_team"] = _action(window, "&Disconnect from Team Server", window.team.disconnect, None,
                                   "Stop syncing this database (everything synced so far stays)")
    for name in ("sync_now", "disconnect_team"):
        a[name].setEnabled(False)  # until a server is connected
    a["agreement"] = _action(window, "&Agreement Between Reviewers…", window.show_agreement)
    a["todo"] = _action(window, "T&o Do…", lambda: show_to_do(window), "Ctrl+Shift+T",
                        "Every claim that still needs work, across all articles, with the reason")
    a["search_articles"] = _action(window, "Search the Article &List", window.article_pane.search.setFocus,
                                   "Ctrl+Shift+L", "Find articles by title, publisher, author or web address")
    a["only_mine"] = _action(window, "Only &My Claims", window.toggle_only_mine, "Ctrl+Shift+O",
                             "Show only the claims you marked, or everyone's")
    a["only_mine"].setCheckable(True)
    a["reviewer"] = _action(window, "Reviewer &Name…", window.change_reviewer)
    a["quit"] = _action(window, "&Quit", window.close, QKeySequence.StandardKey.Quit)
    a["undo"] = window.session_undo_action("undo")
    a["redo"] = window.session_undo_action("redo")
    a["find"] = _action(window, "&Find in Article…", window.find_in_article, QKeySequence.StandardKey.Find,
                        "Highlight every place a word or phrase appears in this article (Ctrl+F)")
    a["search"] = _action(window, "&Search Everything…", window.show_search, "Ctrl+Shift+F",
                          "Search all articles, claims, rationales and evidence")
    a["mark"] = _action(window, "&Mark as Claim", window.mark_claim,
                        [Qt.Key.Key_Return, Qt.Key.Key_Enter], "Mark the selected text as a claim (Enter)")
    for verdict in VERDICTS:
        a[verdict] = _action(window, LABELS[verdict], lambda v=verdict: window.set_verdict(v),
                             VERDICT_SHORTCUTS[verdict],
                             f"Mark the current claim {LABELS[verdict].lower()} ({VERDICT_SHORTCUTS[verdict]})",
                             name=f"verdict_{verdict}")
        a[verdict].setIcon(theme.swatch(verdict, window.palette(), 16))
    a["next"] = _action(window, "&Next Claim", window.next_claim, "N", "Next claim in reading order (N)")
    a["previous"] = _action(window, "&Previous Claim", window.previous_claim, "P",
                            "Previous claim in reading order (P)")
    a["delete"] = _action(window, "&Delete Claim", window.delete_claim, [QKeySequence.StandardKey.Delete],
                          "Delete the current claim (undo brings it back)")
    a["add_evidence"] = _action(window, "Add &Evidence…", window.add_evidence, "Ctrl+E",
                                "Add a source, excerpt or attachment to the current claim (Ctrl+E)")
    a["add_evidence"].setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    a["article_details"] = _action(window, "Article &Details…", window.edit_article_details, "Ctrl+Shift+D",
                                   "Correct the title, web address, publisher, author or date")
    a["delete_article"] = _action(window, "De&lete Article", window.delete_article, None,
                                  "Delete the open article (Delete in the article list; undo brings it back)")
    a["compare"] = _action(window, "&Compare With…", window.compare_with, "Ctrl+Shift+C",
                           "The open article and another side by side, sentences aligned, differences marked")
    a["next_known"] = _action(window, "Next Sentence Checked &Before", lambda: window.known.next_mark(+1), "Ctrl+K",
                              "Show the next sentence the desk already knows (marked in the reader's margin)")
    a["previous_known"] = _action(window, "Previous Sentence Checked Be&fore", lambda: window.known.next_mark(-1),
                                  "Ctrl+Shift+K")
    a["next_article"] = _action(window, "Ne&xt Article", window.next_article, "Ctrl+PgDown")
    a["previous_article"] = _action(window, "Pre&vious Article", window.previous_article, "Ctrl+PgUp")
    a["focus_articles"] = _action(window, "Go to &Article List", window.focus_article_list, "Alt+1")
    a["focus_reader"] = _action(window, "Go to the &Reader", window.reader.setFocus, "Alt+2")
    a["focus_claims"] = _action(window, "Go to the &Claim List", window.claims_panel.list.setFocus, "Alt+3")
    a["focus_rationale"] = _action(window, "Go to the Ra&tionale", window.detail.rationale.setFocus, "Alt+4")
    a["focus_claimant"] = _action(window, "Go to Claim Made &By", window.detail.claimant.setFocus, "Alt+5")
    a["shortcuts"] = _action(window, "&Keyboard Shortcuts", window.show_shortcuts, "Ctrl+/")
    a["dark"] = _action(window, "&Dark Theme", window.toggle_dark)
    a["dark"].setCheckable(True)
    a["about"] = _action(window, "&About Fact-check Workbench", window.about)
    # Single-key shortcuts must not fire while the reviewer types a rationale: they live on
    # the reader and the claim list only.
    for name in ("mark", "next", "previous", "delete", *VERDICTS):
        a[name].setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        window.reader.addAction(a[name])
        window.claims_panel.list.addAction(a[name])
    a["place_orphan"].setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    window.reader.addAction(a["place_orphan"])
    window.orphans.list.addAction(a["place_orphan"])
    window.reader.context_actions = [a["mark"], a["verified"], a["disputed"], a["unverifiable"], a["pending"],
                                     a["delete"]]
    delete_in_list = QAction("Delete Article", window.article_list)
    delete_in_list.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
    delete_in_list.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    delete_in_list.triggered.connect(lambda _=False: window.delete_article())
    window.article_list.addAction(delete_in_list)
    _menus(window, a)
    _toolbar(window, a)
    return a


def _menus(window, a: dict[str, QAction]) -> None:
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addActions([a["new_db"], a["open_db"]])
    window.recent_menu = QMenu("Open &Recent", window)
    window.recent_menu.setObjectName("recentMenu")
    file_menu.addMenu(window.recent_menu)
    file_menu.addSeparator()
    file_menu.addActions([a["import"], a["import_url"], a["paste_article"]])
    file_menu.addActions([a["import_version"], a["import_annotations"]])
    file_menu.addSeparator()
    file_menu.addActions([a["export"], a["publication"], a["merge"], a["save_copy"]])
    file_menu.addSeparator()
    file_menu.addActions([a["connect_team"], a["sync_now"], a["disconnect_team"]])
    file_menu.addSeparator()
    file_menu.addAction(a["reviewer"])
    file_menu.addSeparator()
    file_menu.addAction(a["quit"])
    edit = bar.addMenu("&Edit")
    edit.addActions([a["undo"], a["redo"]])
    edit.addSeparator()
    edit.addActions([a["find"], a["search"]])
    article = bar.addMenu("&Article")
    article.addActions([a["article_details"], a["delete_article"]])
    article.addSeparator()
    article.addActions([a["compare"], a["next_known"], a["previous_known"]])
    article.addSeparator()
    article.addActions([a["next_article"], a["previous_article"]])
    article.addSeparator()
    article.addActions([a["older_version"], a["newer_version"]])
    claim = bar.addMenu("&Claim")
    claim.addActions([a["mark"], a["place_orphan"]])
    claim.addSeparator()
    claim.addActions([a[v] for v in ("verified", "disputed", "unverifiable", "pending")])
    claim.addSeparator()
    claim.addActions([a["next"], a["previous"]])
    claim.addSeparator()
    claim.addAction(a["add_evidence"])
    claim.addSeparator()
    claim.addAction(a["delete"])
    view = bar.addMenu("&View")
    view.addAction(a["only_mine"])
    view.addAction(a["todo"])
    view.addAction(a["search_articles"])
    view.addAction(a["agreement"])
    view.addSeparator()
    view.addActions([a["focus_articles"], a["focus_reader"], a["focus_claims"], a["focus_rationale"],
                     a["focus_claimant"]])
    view.addSeparator()
    view.addAction(a["dark"])
    help_menu = bar.addMenu("&Help")
    help_menu.addAction(a["shortcuts"])
    help_menu.addAction(a["about"])


def _toolbar(window, a: dict[str, QAction]) -> None:
    toolbar = QToolBar("Claims", window)
    toolbar.setObjectName("mainToolbar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    toolbar.setMovable(False)
    toolbar.addAction(a["mark"])
    toolbar.addSeparator()
    toolbar.addActions([a[v] for v in ("verified", "disputed", "unverifiable", "pending")])
    toolbar.addSeparator()
    toolbar.addActions([a["previous"], a["next"], a["delete"]])
    toolbar.addSeparator()
    toolbar.addActions([a["find"], a["search"]])
    window.addToolBar(toolbar)


def refresh_icons(actions: dict[str, QAction], palette) -> None:
    """Redraw the verdict swatches after a palette change."""
    for verdict in VERDICTS:
        actions[verdict].setIcon(theme.swatch(verdict, palette, 16))


def shortcut_rows(window) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every menu action with a key, in menu order: the shortcut list's rows."""
    rows = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        for action in menu.actions() if menu else ():
            keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
            if keys:
                label = action.property("label") or action.text()  # Undo and Redo add what they would do
                rows.append((menu_action.text().replace("&", ""), label.replace("&", "").rstrip("…"), keys))
    return rows
