"""Counts of claims by article, verdict and reviewer, and agreement between reviewers.

A claim belongs to the reviewer who created it, and the counts use its current verdict. Only
live claims on live articles count. Agreement compares each reviewer's own verdict
(disagreements.own_verdicts: the last verdict they gave, never a settlement, so a settled
disagreement still counts as one): two reviewers' own verdicts on the same claim are a pair, and
so are their own verdicts on their own claims whose ranges on the same article overlap; each
claim is paired with at most one claim of the other reviewer, the largest overlaps first (ties:
the closer ends, then ids), among all their live claims. Agreement is then measured over the
pairs whose verdicts are both judged (verified, disputed or unverifiable): percent agreement and
Cohen's kappa. Kappa is None when there is nothing to compare or when both reviewers
used one and the same category throughout (chance agreement is then 1 and kappa is undefined).
"""

import unicodedata
from collections import Counter

from workbench import order
from workbench.disagreements import Opinions, own_verdicts
from workbench.overlaps import overlapping_pairs
from workbench.verdicts import JUDGED, LABELS, VERDICTS

TITLE_WIDTH = 40
NAME_WIDTH = 24


def collect(store) -> dict:
    """Counts by article, by verdict and by reviewer, and agreement for each pair of reviewers."""
    articles = sorted(store.query("SELECT id, title FROM articles WHERE deleted_at IS NULL"),
                      key=lambda a: (order.natural_key(a["title"]), a["title"] or "", a["id"]))
    claims = store.query(
        'SELECT c.id, c.article_id, c.start, c."end", c.created_at, c.verdict, c.created_by FROM claims c '
        "JOIN articles a ON a.id = c.article_id WHERE c.deleted_at IS NULL AND a.deleted_at IS NULL "
        f'ORDER BY c.article_id, {order.claims_sql("c")}')
    given = {r["created_by"]: r["n"] for r in store.query(
        "SELECT h.created_by, count(*) AS n FROM verdict_history h "
        "JOIN claims c ON c.id = h.claim_id JOIN articles a ON a.id = c.article_id "
        "WHERE h.deleted_at IS NULL AND c.deleted_at IS NULL AND a.deleted_at IS NULL "
        f"AND h.to_verdict IN ({', '.join('?' for _ in JUDGED)}) GROUP BY h.created_by", JUDGED)}
    names = store.reviewer_names()

    per_article = {a["id"]: dict.fromkeys(VERDICTS, 0) for a in articles}
    overall = dict.fromkeys(VERDICTS, 0)
    created = Counter()
    for claim in claims:
        per_article[claim["article_id"]][claim["verdict"]] += 1
        overall[claim["verdict"]] += 1
        created[claim["created_by"]] += 1
    reviewers = sorted(
        ({"id": rid, "name": name, "claims": created[rid], "verdicts": given.get(rid, 0)}
         for rid, name in names.items()),
        key=lambda r: (r["name"].casefold(), r["id"]))
    return {
        "articles": [{"id": a["id"], "title": a["title"], "counts": per_article[a["id"]],
                      "total": sum(per_article[a["id"]].values())} for a in articles],
        "verdicts": overall,
        "total": len(claims),
        "reviewers": reviewers,
        "agreement": agreement(claims, names, own_verdicts(store)),
    }


def agreement(claims: list[dict], names: dict[str, str], own: Opinions | None = None) -> list[dict]:
    """Agreement for each pair of reviewers (claim rows as collect reads them, their own verdicts)."""
    pairs = matched_pairs(claims, own or {})
    result = []
    for (a, b), matched in pairs.items():
        if names.get(a, a).casefold() > names.get(b, b).casefold():
            a, b = b, a
            matched = [(y, x) for x, y in matched]
        judged = [(x, y) for x, y in matched if x in JUDGED and y in JUDGED]
        agreed = sum(x == y for x, y in judged)
        result.append({
            "reviewers": (names.get(a, a), names.get(b, b)),
            "ids": (a, b),
            "matched": len(matched),
            "judged": len(judged),
            "agreed": agreed,
            "percent": 100.0 * agreed / len(judged) if judged else None,
            "kappa": cohen_kappa(judged),
        })
    result.sort(key=lambda r: (r["reviewers"][0].casefold(), r["reviewers"][1].casefold(), r["ids"]))
    return result


def matched_pairs(claims: list[dict], own: Opinions | None = None) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(reviewer a, reviewer b) with a < b -> their own verdicts on the same or matched claims, (a's, b's)."""
    own = own or {}
    by_article: dict[str, list[dict]] = {}
    result: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for claim in claims:
        if claim["created_by"]:
            by_article.setdefault(claim["article_id"], []).append(claim)
        given = sorted(own.get(claim["id"], {}).items())
        for i, (a, x) in enumerate(given):
            for b, y in given[i + 1:]:
                result.setdefault((a, b), []).append((x, y))
    for article_claims in by_article.values():
        candidates: dict[tuple[str, str], list] = {}
        by_id = {c["id"]: c for c in article_claims}
        spans = [(c["start"], c["end"], c["id"]) for c in article_claims]
        for x, y in ((by_id[i], by_id[j]) for i, j in overlapping_pairs(spans)):
            if x["created_by"] == y["created_by"]:
                continue
            if x["created_by"] > y["created_by"]:
                x, y = y, x
            overlap = min(x["end"], y["end"]) - max(x["start"], y["start"])
            distance = abs(x["start"] - y["start"]) + abs(x["end"] - y["end"])
            candidates.setdefault((x["created_by"], y["created_by"]), []).append(
                (-overlap, distance, x["id"], y["id"], x, y))
        for pair, options in candidates.items():
            used: set[str] = set()
            for *_, x, y in sorted(options, key=lambda o: o[:4]):
                if x["id"] not in used and y["id"] not in used:
                    used.update((x["id"], y["id"]))
                    result.setdefault(pair, []).append((_own(x, own), _own(y, own)))
    return result


def _own(claim: dict, own: Opinions) -> str:
    """The creator's own verdict on their claim; a claim without any history stands for its verdict."""
    given = own.get(claim["id"])
    if not given:
        return claim["verdict"]
    return given.get(claim["created_by"], "pending")


def cohen_kappa(pairs: list[tuple[str, str]]) -> float | None:
    """Cohen's kappa of paired labels; None if there are none or chance agreement is total."""
    n = len(pairs)
    if n == 0:
        return None
    agreed = sum(a == b for a, b in pairs)
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    chance = sum(first[k] * second[k] for k in first)  # expected agreements, times n
    if chance == n * n:
        return None
    return (agreed * n - chance) / (n * n - chance)


# -- the plain-text table -------------------------------------------------------------------------

def render(stats: dict) -> str:
    """The plain-text tables printed by `workbench stats DB`."""
    lines = [f"{_count(stats['total'], 'claim')} in {_count(len(stats['articles']), 'article')}",
             "", "Claims by article"]
    headers = [LABELS[v] for v in VERDICTS] + ["Total"]
    lines.append(_row("Article", TITLE_WIDTH, headers, headers))
    for article in stats["articles"]:
        values = [article["counts"][v] for v in VERDICTS] + [article["total"]]
        lines.append(_row(article["title"], TITLE_WIDTH, values, headers))
    lines.append(_row("All articles", TITLE_WIDTH,
                      [stats["verdicts"][v] for v in VERDICTS] + [stats["total"]], headers))

    lines += ["", "Claims by reviewer"]
    headers = ["Claims", "Verdicts given"]
    lines.append(_row("Reviewer", NAME_WIDTH, headers, headers))
    for reviewer in stats["reviewers"]:
        lines.append(_row(reviewer["name"], NAME_WIDTH, [reviewer["claims"], reviewer["verdicts"]], headers))
    if not stats["reviewers"]:
        lines.append("  (no reviewers)")

    lines += ["", "Agreement on overlapping claims (both judged)"]
    headers = ["Overlapping", "Both judged", "Agreement", "Cohen's kappa"]
    lines.append(_row("Reviewers", NAME_WIDTH * 2, headers, headers))
    for pair in stats["agreement"]:
        percent = "—" if pair["percent"] is None else f"{pair['percent']:.1f}%"
        kappa = "—" if pair["kappa"] is None else f"{pair['kappa']:.2f}"
        lines.append(_row(" / ".join(pair["reviewers"]), NAME_WIDTH * 2,
                          [pair["matched"], pair["judged"], percent, kappa], headers))
    if not stats["agreement"]:
        lines.append("  (no two reviewers marked overlapping claims)")
    return "\n".join(lines) + "\n"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _row(label: str, width: int, values: list, headers: list[str]) -> str:
    cells = [str(v).rjust(max(len(h), 5)) for v, h in zip(values, headers)]
    return "  " + _fit(label, width) + "  " + "  ".join(cells)


def _fit(text: str, width: int) -> str:
    """text made safe for a terminal, then cut (with …) or padded to width display columns."""
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    used = sum(_width(ch) for ch in text)
    if used <= width:
        return text + " " * (width - used)
    out, used = [], 0
    for ch in text:
        if used + _width(ch) > width - 1:
            break
        out.append(ch)
        used += _width(ch)
    return "".join(out) + "…" + " " * (width - 1 - used)


def _width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
