"""The report as one self-contained HTML5 document, written to a stream a claim at a time.

It is written directly from the same rows and in the same words as the Markdown report
(workbench.report_markdown), not by running a Markdown parser over it: the text of every element
is escaped with html.escape, the rationale comes from the same safe tree (workbench.rationale),
and the only links are http(s)/mailto URLs (and, in a "folder" export, the attachments beside the
report). Claims carry an anchor (`id="claim-<id>"`) that review URLs can point at. In an
"embed" export, attachments whose bytes are PNG, JPEG, GIF or WebP are shown inline as data: URIs
(never SVG, which could run script); other files are listed by name.
"""

import base64
import html
from typing import TextIO

from workbench import paths, rationale
from workbench.mdtext import collapse, paragraphs, safe_url
from workbench.report import (TITLE, Progress, ReportOptions, attachment_path, claimant_shown, claims_in,
                              evidence_facts, evidence_title, human_date, made_by, scope)
from workbench.report_markdown import count
from workbench.verdicts import LABELS

IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
FLAG = "Unsupported: verified or disputed with no evidence and no rationale (shown in the preview only)"


def esc(text: str) -> str:
    """Text from the database as HTML text (bidi-isolated, white space collapsed)."""
    return html.escape(collapse(text or ""), quote=False)


def multiline(text: str) -> str:
    """A multi-line field as HTML: paragraphs as <p>, line breaks as <br>."""
    return "\n".join("<p>" + "<br>\n".join(html.escape(line, quote=False) for line in lines) + "</p>"
                     for lines in paragraphs(text))


def link(text: str, url: str | None) -> str:
    """<a href> when the URL is safe, else the text alone."""
    target = safe_url(url)
    return f'<a href="{html.escape(target)}">{esc(text)}</a>' if target else esc(text)


def stylesheet_text(stylesheet: str | None) -> str:
    """The report's style sheet (the shipped report.css unless given), unable to close its element."""
    if stylesheet is None:
        stylesheet = paths.resource_text("report.css")
    return stylesheet.replace("</", "<\\/")


def document_start(title: str, stylesheet: str | None = None) -> str:
    """The document up to the start of the report's body."""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{esc(title)}</title>\n<style>\n{stylesheet_text(stylesheet)}</style>\n"
            "</head>\n<body>\n<main class=\"report\">\n")


DOCUMENT_END = "</main>\n</body>\n</html>\n"


def title_of(found, options: ReportOptions) -> str:
    """The document's title: the report's, with the article's title for a one-article report."""
    if options.article_id is not None and found.articles:
        return TITLE + ": " + " ".join((found.articles[0]["title"] or "Untitled").split())
    return TITLE


def write_html(store, options: ReportOptions, out: TextIO, *, stylesheet: str | None = None,
               progress=None, cancelled=None) -> list[str]:
    """Write the report as an HTML document to out; return the warnings for the editor."""
    found = scope(store, options)
    run = Progress(found.total, progress, cancelled)
    out.write(document_start(title_of(found, options), stylesheet))
    for _kind, part in body_parts(store, options, found, run):
        out.write(part)
    out.write(DOCUMENT_END)
    run.check()
    return run.warnings


def body_parts(store, options: ReportOptions, found, run: Progress):
    """The report's body as ("intro" | "article" | "claim" | "empty", html) parts, in order."""
    who = made_by(store, found, options)
    intro = f"Made{f' by <strong>{esc(who)}</strong>' if who else ''} on {human_date(options.generated.date())}. "
    intro += (f"{count(found.total, 'claim')} in {count(len(found.articles), 'article')}." if found.total
              else "There are no claims to report.")
    if found.left_out:
        intro += f" {count(found.left_out, 'pending claim')} left out."
    head = f"<h1>{TITLE}</h1>\n<p>{intro}</p>\n"
    if found.total:
        head += "<h2>Summary</h2>\n" + summary(found) + "\n"
    yield "intro", head
    for article in found.articles:
        run.check()
        yield "article", article_head(article)
        shown = 0
        for claim in claims_in(store, article, options):
            number = claim["number"]  # claims.claim_numbers: as the window shows it
            yield "claim", claim_html(store, number, claim, article, options)
            run.claim(article, number, claim)
            shown = number
        if not shown:
            yield "empty", "<p>No claims to report in this article.</p>\n"


def summary(found) -> str:
    """The summary table."""
    verdicts = found.verdicts
    head = "".join(f'<th class="num" align="right">{LABELS[v]}</th>' for v in verdicts)
    rows = ['<table class="summary">', "<thead>", f'<tr><th>Article</th>{head}<th class="num" align="right">'
            'Total</th></tr>', "</thead>", "<tbody>"]
    totals = dict.fromkeys(verdicts, 0)
    for article in found.articles:
        counts = found.counts[article["id"]]
        for v in verdicts:
            totals[v] += counts[v]
        cells = "".join(f'<td class="num" align="right">{counts[v]}</td>' for v in verdicts)
        rows.append(f"<tr><td>{esc(article['title']) or 'Untitled'}</td>{cells}"
                    f'<td class="num" align="right">{sum(counts.values())}</td></tr>')
    cells = "".join(f'<td class="num" align="right"><strong>{totals[v]}</strong></td>' for v in verdicts)
    rows.append(f'<tr class="total"><td><strong>All articles</strong></td>{cells}'
                f'<td class="num" align="right"><strong>{sum(totals.values())}</strong></td></tr>')
    return "\n".join(rows + ["</tbody>", "</table>"])


def article_head(article: dict) -> str:
    """The article's heading and facts."""
    facts = [f"{key.capitalize()}: {esc(article[key])}"
             for key in ("publisher", "author", "published") if (article[key] or "").strip()]
    if article["url"]:
        facts.append(f"URL: {link(article['url'], article['url'])}")
    if article["urls"]:
        facts.append("Also at: " + ", ".join(link(u, u) for u in article["urls"]))
    text = f"<h2>{esc(article['title']) or 'Untitled'}</h2>\n"
    return text + (f"<p>{'<br>'.join(facts)}</p>\n" if facts else "")


def claim_html(store, number: int, claim: dict, article: dict, options: ReportOptions) -> str:
    """One claim: heading with its verdict badge, quote, givers, rationale, evidence."""
    verdict = claim["verdict"]
    parts = [f'<h3 class="claim claim-{verdict}" id="claim-{html.escape(claim["id"])}">Claim {number} · '
             f'<span class="verdict verdict-{verdict}">{LABELS[verdict]}</span></h3>',
             f'<blockquote class="quote">\n{multiline(claim["quote"])}\n</blockquote>']
    if options.flag_unsupported and _unsupported(claim):
        parts.append(f'<p class="flag">⚠ {FLAG}</p>')
    claimant = claimant_shown(claim, article)
    if claimant:
        parts.append(f"<p>Claim made by {esc(claimant)}.</p>")
    if claim["judge"]:
        parts.append(f"<p>Verdict given by {esc(claim['judge'])} on {esc(claim['judged_on'])}.</p>")
    tree = rationale.parse(claim["rationale"] or "")
    if tree:
        parts += ["<h4>Rationale</h4>", rationale.to_html(tree)]
    if claim["evidence"]:
        items = [evidence(store, item, options) for item in claim["evidence"]]
        parts += ["<h4>Evidence</h4>", "<ol>\n" + "\n".join(items) + "\n</ol>"]
    return "\n".join(parts) + "\n"


def _unsupported(claim: dict) -> bool:
    from workbench.report import unsupported

    return unsupported(claim)


def evidence(store, item: dict, options: ReportOptions) -> str:
    """One evidence item as a list item."""
    head = link(evidence_title(item), item["url"])
    if item["url"] and not safe_url(item["url"]) and item["title"]:
        head += f" ({esc(item['url'])})"
    if item["publisher"]:
        head += f", {esc(item['publisher'])}"
    lines = [head]
    stance, reliability, accessed = evidence_facts(item)
    facts = [f"<em>{esc(stance)}</em>" if stance else "", f"reliability: {esc(reliability)}" if reliability else "",
             f"accessed {esc(accessed)}" if accessed else ""]
    facts = [fact for fact in facts if fact]
    if facts:
        lines.append(" · ".join(facts))
    images = []
    if item["attachments"]:
        names = []
        for attachment in item["attachments"]:
            if options.attachments == "folder":
                names.append(f'<a href="{html.escape(attachment_path(attachment))}">{esc(attachment["filename"])}</a>')
            else:
                names.append(esc(attachment["filename"]))
                if options.attachments == "embed":
                    image = embedded_image(store, attachment)
                    if image:
                        images.append(image)
        lines.append("Attached: " + ", ".join(names))
    if (item["note"] or "").strip():
        lines.append("Note: " + "<br>\n".join(html.escape(line, quote=False)
                                              for lines_ in paragraphs(item["note"]) for line in lines_))
    text = "<li>\n<p>" + "<br>\n".join(lines) + "</p>"
    for image in images:
        text += "\n" + image
    if (item["excerpt"] or "").strip():
        text += f'\n<blockquote class="excerpt">\n{multiline(item["excerpt"])}\n</blockquote>'
    return text + "\n</li>"


def embedded_image(store, attachment: dict) -> str | None:
    """An <img> holding the attachment's bytes when they are a raster image, else None."""
    from workbench.evidence import sniff_media_type

    row = store.conn.execute("SELECT data FROM blobs WHERE id = ?", [attachment["blob_id"]]).fetchone()
    data = bytes(row[0] or b"") if row else b""
    kind = sniff_media_type(data)
    if kind not in IMAGE_TYPES:
        return None
    encoded = base64.b64encode(data).decode("ascii")
    alt = html.escape(collapse(attachment["filename"]))
    return f'<p class="attachment"><img src="data:{kind};base64,{encoded}" alt="{alt}"></p>'


def write_preview(store, options: ReportOptions, out: TextIO, *, limit: int, progress=None,
                  cancelled=None) -> list[str]:
    """The HTML report cut after `limit` claims (a note says so): a preview that stays quick to show."""
    found = scope(store, options)
    run = Progress(found.total, progress, cancelled)
    out.write(document_start(title_of(found, options)))
    shown = 0
    for kind, part in body_parts(store, options, found, run):
        if kind == "claim" and shown >= limit:
            out.write(f"<p><em>The preview stops here: it shows the first {limit:,} of {found.total:,} claims. "
                      "The saved report has them all.</em></p>\n")
            break
        out.write(part)
        shown += kind == "claim"
    out.write(DOCUMENT_END)
    run.check()
    return run.warnings
