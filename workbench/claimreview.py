"""schema.org ClaimReview JSON-LD: one review for each judged claim of the report.

The file is a JSON array of ClaimReview objects, in report order (articles, then claims in
reading order); keys sorted, UTF-8, two-space indent, so the same database and options give the
same bytes. It is written a review at a time. Pending claims never get a review.

Each review meets Google's required and recommended ClaimReview properties when the publication
settings (workbench.publication) are set:
- url: the fact check's page on the publisher's site (the review URL template).
- author: the publishing Organization (name, url); without settings, the Person who gave the
  verdict, with a warning.
- claimReviewed: the exact quote; name: the verdict and the quote, shortened.
- reviewRating: a Rating whose name and alternateName are the verdict's label. Numbers, on a
  scale whose worstRating is 1 and bestRating is 2: verified 2, disputed 1. "Unverifiable" is not
  a point on a scale of truth, so its rating has no numbers (Google recommends them, not requires).
- itemReviewed: a Claim, whose author is who made the claim (its claimant, else the article's
  author), datePublished the article's date, and appearance the article (a CreativeWork: url,
  headline, datePublished, author, publisher). An author string naming several ("A; B and C")
  becomes several; a name that reads as an organisation ("Deutsche Welle", "AFP") or is the
  article's publisher becomes an Organization, any other a Person.
- reviewBody: the rationale as plain text; citation: the evidence (name, url, publisher, and the
  reviewer's note as its description).
- datePublished: the report's date.
Every "<" is written as the JSON escape \\u003c (the same string), so the text can be pasted into
an HTML <script type="application/ld+json"> element without a quote closing it.
"""

import json
import re

from workbench import rationale
from workbench.claimant import claimant_of
from workbench.mdtext import isolate, safe_url
from workbench.publication import load_publication
from workbench.report import Progress, ReportOptions, claims_in, evidence_title, scope
from workbench.verdicts import DISPUTED, JUDGED, LABELS, VERIFIED

CONTEXT = "https://schema.org"
RATING = {VERIFIED: 2, DISPUTED: 1}
BEST, WORST = 2, 1
NAME_WORDS = 12  # words of the quote in a review's name
_SEPARATORS = re.compile(r"\s*(?:;|\||&|\band\b|\bund\b|\bet\b|\by\b)\s*", re.IGNORECASE)
_ORGANISATION = re.compile(
    r"(?i)\b(agency|agence|press|news|newsroom|times|post|tribune|herald|gazette|journal|welle|radio|"
    r"tv|television|network|media|ministry|ministerium|office|department|government|council|commission|"
    r"committee|parliament|party|institute|university|foundation|association|union|bank|group|"
    r"service|staff|desk|editorial|team|inc|ltd|llc|gmbh|corp|corporation|company|reuters|bbc|cnn)\b")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.]{1,9}$")
# The warnings about missing publication settings (the Export dialog says these in its own words).
NO_REVIEW_URL = ("no review URL is set (--review-url or the publication settings): the reviews have no `url`, "
                 "which Google requires")
NO_PUBLISHER = ("no publisher is set (--publisher): each review's author is the reviewer, where Google recommends "
                "the publishing organisation")
SETTINGS_WARNINGS = (NO_REVIEW_URL, NO_PUBLISHER)


def build_claimreview(store, options: ReportOptions) -> str:
    """The ClaimReview JSON-LD text, ending in a newline."""
    import io

    out = io.StringIO()
    write_claimreview(store, options, out)
    return out.getvalue()


def claim_reviews(store, options: ReportOptions) -> list[dict]:
    """The ClaimReview objects, as parsed back from the file."""
    return json.loads(build_claimreview(store, options))


def write_claimreview(store, options: ReportOptions, out, *, progress=None, cancelled=None) -> list[str]:
    """Write the ClaimReview array to out; return warnings for missing publication settings."""
    publication = options.publication if options.publication is not None else load_publication(store)
    found = scope(store, options)
    run = Progress(found.total, progress, cancelled)
    out.write("[")
    first = True
    for article in found.articles:
        run.check()
        for claim in claims_in(store, article, options):
            number = claim["number"]  # claims.claim_numbers: as the window shows it
            run.claim(article, number, claim)
            if claim["verdict"] not in JUDGED:
                continue
            text = json.dumps(review(article, claim, options, publication), sort_keys=True, ensure_ascii=False,
                              indent=2).replace("<", "\\u003c")
            out.write(("\n  " if first else ",\n  ") + text.replace("\n", "\n  "))
            first = False
    out.write("]\n" if first else "\n]\n")
    run.check()
    warnings = []
    if not first and not publication.review_url:
        warnings.append(NO_REVIEW_URL)
    if not first and not publication.publisher:
        warnings.append(NO_PUBLISHER)
    return warnings


def review(article: dict, claim: dict, options: ReportOptions, publication) -> dict:
    """One ClaimReview object."""
    verdict = claim["verdict"]
    label = LABELS[verdict]
    rating = {"@type": "Rating", "alternateName": label, "name": label}
    if verdict in RATING:
        rating.update(ratingValue=RATING[verdict], bestRating=BEST, worstRating=WORST)
    quote = isolate(claim["quote"])
    words = " ".join(claim["quote"].split()).split(" ")
    short = " ".join(words[:NAME_WORDS]) + ("…" if len(words) > NAME_WORDS else "")
    item = {"@type": "Claim", "appearance": appearance(article)}
    claimant = parties(claimant_of(claim, article), article)
    if claimant:
        item["author"] = claimant if len(claimant) > 1 else claimant[0]
    if (article["published"] or "").strip():
        item["datePublished"] = article["published"].strip()
    result = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "claimReviewed": quote,
        "name": isolate(f"{label}: {short}"),
        "reviewRating": rating,
        "itemReviewed": item,
        "datePublished": options.generated.date().isoformat(),
    }
    if publication.publisher:
        result["author"] = {"@type": "Organization", "name": publication.publisher}
        if publication.publisher_url:
            result["author"]["url"] = publication.publisher_url
    else:
        name = claim["judge"] or options.reviewer or "Unknown reviewer"
        result["author"] = {"@type": "Person", "name": isolate(name)}
    url = publication.review_url_for(claim["id"], article["id"])
    if url:
        result["url"] = url
    body = rationale.to_text(rationale.parse(claim["rationale"] or ""))
    if body:
        result["reviewBody"] = isolate(body)
    citations = [citation(item) for item in claim["evidence"]]
    if citations:
        result["citation"] = citations
    return result


def appearance(article: dict) -> dict:
    """The article as the CreativeWork where the claim appeared."""
    work = {"@type": "CreativeWork", "headline": isolate(" ".join((article["title"] or "").split()))}
    url = safe_url(article["url"])
    if url:
        work["url"] = url
    authors = parties(article["author"] or "", article)
    if authors:
        work["author"] = authors if len(authors) > 1 else authors[0]
    if (article["published"] or "").strip():
        work["datePublished"] = article["published"].strip()
    if (article["publisher"] or "").strip():
        work["publisher"] = {"@type": "Organization", "name": isolate(" ".join(article["publisher"].split()))}
    return work


def parties(names: str, article: dict) -> list[dict]:
    """An author string as Persons and Organizations ("A; B and C" is three)."""
    names = re.sub(r"(?i)^\s*by\s+", "", " ".join((names or "").split()))
    parts = [p.strip(" ,") for p in _SEPARATORS.split(names) if p.strip(" ,")]
    split = []
    for part in parts:
        pieces = [p.strip() for p in part.split(",")]
        split.extend(pieces if len(pieces) > 1 and all(" " in p for p in pieces) else [part])
    publisher = " ".join((article.get("publisher") or "").split()).casefold()
    return [{"@type": "Organization" if _is_organisation(name, publisher) else "Person", "name": isolate(name)}
            for name in split]


def _is_organisation(name: str, publisher: str) -> bool:
    return bool(_ORGANISATION.search(name) or _ACRONYM.match(name) or (publisher and name.casefold() == publisher))


def citation(item: dict) -> dict:
    """A piece of evidence as a cited CreativeWork."""
    work = {"@type": "CreativeWork", "name": isolate(" ".join(evidence_title(item).split()))}
    url = safe_url(item["url"])
    if url:
        work["url"] = url
    if (item["publisher"] or "").strip():
        work["publisher"] = {"@type": "Organization", "name": isolate(" ".join(item["publisher"].split()))}
    if (item["note"] or "").strip():
        work["description"] = isolate(item["note"].strip())
    return work
