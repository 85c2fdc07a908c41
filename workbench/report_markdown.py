"""The report as Markdown, written to a stream a claim at a time (layout: workbench.report).

Every piece of text from the database is escaped with workbench.mdtext, so CommonMark, GitHub's
cmark-gfm, Python-Markdown (with or without extensions) and pandoc all show it as stored; the
rationale is the reviewer's Markdown rewritten from safe constructs (workbench.rationale).
"""

from typing import TextIO

from workbench import rationale
from workbench.mdtext import blockquote, escape_line, escape_markdown, md_link, safe_url
from workbench.report import (TITLE, Progress, ReportOptions, attachment_path, claimant_shown, claims_in,
                              evidence_facts, evidence_title, human_date, made_by, scope)
from workbench.verdicts import LABELS


def write_markdown(store, options: ReportOptions, out: TextIO, *, progress=None, cancelled=None) -> list[str]:
    """Write the report as Markdown to out; return the warnings for the editor."""
    found = scope(store, options)
    run = Progress(found.total, progress, cancelled)
    who = made_by(store, found, options)
    intro = f"Made{f' by **{escape_line(who)}**' if who else ''} on {human_date(options.generated.date())}. "
    intro += (f"{count(found.total, 'claim')} in {count(len(found.articles), 'article')}." if found.total
              else "There are no claims to report.")
    if found.left_out:
        intro += f" {count(found.left_out, 'pending claim')} left out."
    out.write(f"# {TITLE}\n\n{intro}\n")
    if found.total:
        out.write("\n## Summary\n\n" + summary(found) + "\n")
    for article in found.articles:
        run.check()
        out.write("\n" + "\n\n".join(article_head(article)) + "\n")
        shown = 0
        for claim in claims_in(store, article, options):
            number = claim["number"]  # claims.claim_numbers: as the window shows it
            out.write("\n" + "\n\n".join(claim_parts(number, claim, article, options)) + "\n")
            run.claim(article, number, claim)
            shown = number
        if not shown:
            out.write("\nNo claims to report in this article.\n")
    run.check()
    return run.warnings


def count(n: int, noun: str) -> str:
    """"1 claim", "2 claims"."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def summary(found) -> str:
    """The summary table: claims by verdict per article, and a total row."""
    verdicts = found.verdicts
    head = ["Article", *(LABELS[v] for v in verdicts), "Total"]
    rows = ["| " + " | ".join(head) + " |", "| :-- |" + " --: |" * (len(head) - 1)]
    totals = dict.fromkeys(verdicts, 0)
    for article in found.articles:
        counts = found.counts[article["id"]]
        for v in verdicts:
            totals[v] += counts[v]
        cells = [escape_line(article["title"] or "") or "Untitled", *(str(counts[v]) for v in verdicts),
                 str(sum(counts.values()))]
        rows.append("| " + " | ".join(cells) + " |")
    cells = ["**All articles**", *(f"**{totals[v]}**" for v in verdicts), f"**{sum(totals.values())}**"]
    rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def article_head(article: dict) -> list[str]:
    """The article's heading and its facts (publisher, author, date, URLs)."""
    facts = [f"{key.capitalize()}: {escape_line(article[key])}"
             for key in ("publisher", "author", "published") if (article[key] or "").strip()]
    if article["url"]:
        facts.append(f"URL: {md_link(article['url'], article['url'])}")
    if article["urls"]:
        facts.append("Also at: " + ", ".join(md_link(u, u) for u in article["urls"]))
    parts = ["## " + (escape_line(article["title"] or "") or "Untitled")]
    if facts:
        parts.append("  \n".join(facts))
    return parts


def claim_parts(number: int, claim: dict, article: dict, options: ReportOptions) -> list[str]:
    """One claim: heading, quote, claimant, who gave the verdict, rationale, evidence."""
    parts = [f"### Claim {number} · {LABELS[claim['verdict']]}", blockquote(escape_markdown(claim["quote"]))]
    claimant = claimant_shown(claim, article)
    if claimant:
        parts.append(f"Claim made by {escape_line(claimant)}.")
    if claim["judge"]:
        parts.append(f"Verdict given by {escape_line(claim['judge'])} on {escape_line(claim['judged_on'])}.")
    text = rationale.to_markdown(rationale.parse(claim["rationale"] or ""))
    if text:
        parts += ["#### Rationale", text]
    if claim["evidence"]:
        items = [evidence(n, item, options) for n, item in enumerate(claim["evidence"], start=1)]
        parts += ["#### Evidence", "\n\n".join(items)]
    return parts


def evidence(number: int, item: dict, options: ReportOptions) -> str:
    """One evidence item as an item of an ordered list."""
    head = md_link(evidence_title(item), item["url"])
    if item["url"] and not safe_url(item["url"]) and item["title"]:
        head += f" ({escape_line(item['url'])})"
    if item["publisher"]:
        head += f", {escape_line(item['publisher'])}"
    lines = [head]
    stance, reliability, accessed = evidence_facts(item)
    facts = [f"*{escape_line(stance)}*" if stance else "",
             f"reliability: {escape_line(reliability)}" if reliability else "",
             f"accessed {escape_line(accessed)}" if accessed else ""]
    facts = [fact for fact in facts if fact]
    if facts:
        lines.append(" · ".join(facts))
    if item["attachments"]:
        if options.attachments == "folder":
            names = [f"[{escape_line(a['filename'])}](<{attachment_path(a)}>)" for a in item["attachments"]]
        else:
            names = [escape_line(a["filename"]) for a in item["attachments"]]
        lines.append("Attached: " + ", ".join(names))
    if (item["note"] or "").strip():
        lines.append("Note: " + escape_markdown(item["note"]).replace("\n\n", "  \n"))
    marker = f"{number}.".ljust(3) + " "
    indent = " " * len(marker)
    text = marker + ("  \n" + indent).join(line.replace("\n", "\n" + indent) for line in lines)
    if (item["excerpt"] or "").strip():
        text += "\n\n" + "\n".join(indent + line for line in blockquote(escape_markdown(item["excerpt"])).split("\n"))
    return text
