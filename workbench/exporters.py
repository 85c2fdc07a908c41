"""Every export format in one registry, used by the command line and the Export dialog alike.

An `Exporter` has a name (`--format NAME`), a label, a file suffix and filter, whether it writes
bytes or text, and a `write(store, options, stream, progress=None, cancelled=None)` function that
writes the whole export to an open stream (text or binary) and returns warnings for the editor.
`progress(done, total)` is called as claims are written; `cancelled()` is polled and stops the
export with workbench.report.Cancelled. Formats that need Qt (the PDF) live in ui/ and register
themselves here at start-up (ui/launcher.py); the core never imports them.

`export_to_file` writes to a temporary file beside the target and renames it when complete, so a
failed or cancelled export never leaves half a file under the chosen name.
"""

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.report import Cancelled, ReportOptions


@dataclass(frozen=True)
class Exporter:
    """One export format."""

    name: str
    label: str
    suffix: str
    file_filter: str
    binary: bool
    write: Callable  # (store, options, stream, *, progress=None, cancelled=None) -> list[str]
    preview: str = "text"  # how the Export dialog previews it: "html" (the report as read) or "text"


_REGISTRY: dict[str, Exporter] = {}
# The formats the command line offers even before the one that needs Qt has registered itself.
KNOWN = ("markdown", "html", "pdf", "claimreview", "annotations")


def register(exporter: Exporter) -> None:
    """Add (or replace) a format."""
    _REGISTRY[exporter.name] = exporter


def get(name: str) -> Exporter:
    """The format called name; WorkbenchError if it is not available in this program."""
    try:
        return _REGISTRY[name]
    except KeyError:
        if name == "pdf":
            raise WorkbenchError("the PDF export needs the desktop part of the workbench (Qt): run the "
                                 "installed `workbench` command") from None
        raise WorkbenchError(f"unknown export format {name!r}") from None


def available() -> list[Exporter]:
    """The registered formats, in the order of KNOWN, then any others."""
    order = {name: n for n, name in enumerate(KNOWN)}
    return sorted(_REGISTRY.values(), key=lambda e: (order.get(e.name, len(order)), e.name))


def export_to_file(exporter: Exporter, store, options: ReportOptions, path: str | Path, *,
                   progress=None, cancelled=None) -> list[str]:
    """Write the export to path (complete or not at all); return the warnings."""
    path = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as error:
        raise WorkbenchError(f"{path}: cannot write ({error.strerror})") from None
    try:
        mode = "wb" if exporter.binary else "w"
        with os.fdopen(handle, mode, **({} if exporter.binary else {"encoding": "utf-8", "newline": "\n"})) as out:
            warnings = exporter.write(store, options, out, progress=progress, cancelled=cancelled)
        os.replace(temporary, path)
    except OSError as error:
        _remove(temporary)
        raise WorkbenchError(f"{path}: cannot write ({error.strerror})") from None
    except BaseException:
        _remove(temporary)
        raise
    return warnings


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


# -- the formats of the core ---------------------------------------------------------------------

def _markdown(store, options, out, *, progress=None, cancelled=None) -> list[str]:
    from workbench.report_markdown import write_markdown

    return write_markdown(store, options, out, progress=progress, cancelled=cancelled)


def _html(store, options, out, *, progress=None, cancelled=None) -> list[str]:
    from workbench.report_html import write_html

    return write_html(store, options, out, progress=progress, cancelled=cancelled)


def _claimreview(store, options, out, *, progress=None, cancelled=None) -> list[str]:
    from workbench.claimreview import write_claimreview

    return write_claimreview(store, options, out, progress=progress, cancelled=cancelled)


def _annotations(store, options, out, *, progress=None, cancelled=None) -> list[str]:
    from workbench import annotations

    if cancelled is not None and cancelled():
        raise Cancelled()
    annotations.write_collection(store, options.article_id, out)
    return []


for _exporter in (
    Exporter("markdown", "Markdown report", ".md", "Markdown (*.md)", False, _markdown, "html"),
    Exporter("html", "HTML report", ".html", "HTML (*.html)", False, _html, "html"),
    Exporter("claimreview", "ClaimReview JSON-LD", ".jsonld", "JSON-LD (*.jsonld *.json)", False, _claimreview),
    Exporter("annotations", "W3C Web Annotations", ".jsonld", "JSON-LD (*.jsonld *.json)", False, _annotations),
):
    register(_exporter)


def copy_attachments(store, options: ReportOptions, folder: str | Path) -> int:
    """Write the attachments of the report's evidence into folder/attachments/ (the names the report links)."""
    from workbench.report import attachment_path, claims_in, scope

    folder = Path(folder)
    written = 0
    for article in scope(store, options).articles:
        for claim in claims_in(store, article, options):
            for item in claim["evidence"]:
                for attachment in item["attachments"]:
                    target = folder / attachment_path(attachment)
                    row = store.conn.execute("SELECT data FROM blobs WHERE id = ?", [attachment["blob_id"]]).fetchone()
                    try:
                        target.parent.mkdir(exist_ok=True)
                        target.write_bytes(bytes(row[0] or b"") if row else b"")
                    except OSError as error:
                        raise WorkbenchError(f"{target}: cannot write ({error.strerror})") from None
                    written += 1
    return written
