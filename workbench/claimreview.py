"""schema.org ClaimReview JSON-LD: one review for each judged claim of the report.

The file is a JSON array of ClaimReview objects, in report order (articles, then claims in
reading order); keys sorted, UTF-8, two-space indent, so the same database and options give the
same bytes. Pending claims never get a review (they have no verdict), whatever the options say.

Each review:
- claimReviewed: the exact quote.
- reviewRating: a Rating whose alternateName is the verdict's label. Numbers, on a scale whose
  worstRating is 1 and bestRating is 2: verified 2, disputed 1. "Unverifiable" is not a point
  on a scale of truth, so its rating has the alternateName alone.
- itemReviewed: a Claim. Its appearance is the article (a CreativeWork: url, headline, author
  and datePublished when the database knows them, publisher as an Organization); the claim's
  author and datePublished are the article's, when known (who first made a quoted claim is not
  recorded).
- author: the Person who gave the current verdict (from the verdict history), else the report's
  reviewer. datePublished: the report's date.
- url: the article's URL with a text fragment (`#:~:text=`) that highlights the quote in
  browsers that support it; long quotes use the `start,end` form. Left out when the article has
  no http(s) URL. (schema.org means the page of the fact check itself; that page is not known
  here, so a publisher replaces it with theirs.)
"""

import json
import urllib.parse

from workbench.report import ReportOptions, collect, safe_url
from workbench.verdicts import DISPUTED, JUDGED, LABELS, VERIFIED

CONTEXT = "https://schema.org"
RATING = {VERIFIED: 2, DISPUTED: 1}
BEST, WORST = 2, 1
FRAGMENT_WORDS = 4  # words at each end of a long quote in a `start,end` text fragment
FRAGMENT_MAX = 80  # quotes up to this many characters are matched whole


def build_claimreview(store, options: ReportOptions) -> str:
    """The ClaimReview JSON-LD text, ending in a newline.

    Every "<" is written as the JSON escape \\u003c (the same string), so the text can be pasted
    into an HTML <script type="application/ld+json"> element without a quote closing it.
    """
    text = json.dumps(claim_reviews(store, options), sort_keys=True, ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c") + "\n"


def claim_reviews(store, options: ReportOptions) -> list[dict]:
    """One ClaimReview dict for each judged claim in the report's scope."""
    data = collect(store, options)
    reviews = []
    for section in data["sections"]:
        article = section["article"]
        for claim in section["claims"]:
            if claim["verdict"] in JUDGED:
                reviews.append(_review(article, claim, options))
    return reviews


def _review(article: dict, claim: dict, options: ReportOptions) -> dict:
    verdict = claim["verdict"]
    rating = {"@type": "Rating", "alternateName": LABELS[verdict]}
    if verdict in RATING:
        rating.update(ratingValue=RATING[verdict], bestRating=BEST, worstRating=WORST)
    appearance = {"@type": "CreativeWork", "headline": " ".join((article["title"] or "").split())}
    item = {"@type": "Claim", "appearance": appearance}
    url = safe_url(article["url"])
    if url:
        appearance["url"] = url
    if article["author"]:
        appearance["author"] = item["author"] = {"@type": "Person", "name": article["author"].strip()}
    if article["published"]:
        appearance["datePublished"] = item["datePublished"] = article["published"].strip()
    if article["publisher"]:
        appearance["publisher"] = {"@type": "Organization", "name": article["publisher"].strip()}
    review = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "claimReviewed": claim["quote"],
        "reviewRating": rating,
        "itemReviewed": item,
        "author": {"@type": "Person", "name": claim["judge"] or options.reviewer or "Unknown reviewer"},
        "datePublished": options.generated.date().isoformat(),
    }
    if url:
        review["url"] = text_fragment_url(url, claim["quote"])
    return review


def text_fragment_url(url: str, quote: str) -> str:
    """url with a `:~:text=` directive that finds the quote (white space collapsed)."""
    words = quote.split()
    if len(" ".join(words)) <= FRAGMENT_MAX or len(words) <= 2 * FRAGMENT_WORDS:
        directive = _fragment_text(" ".join(words))
    else:
        directive = (_fragment_text(" ".join(words[:FRAGMENT_WORDS])) + ","
                     + _fragment_text(" ".join(words[-FRAGMENT_WORDS:])))
    return url + ("#" if "#" not in url else "") + ":~:text=" + directive


def _fragment_text(text: str) -> str:
    # `-`, `,` and `&` have meanings inside a text directive; quote() leaves `-` alone.
    return urllib.parse.quote(text, safe="").replace("-", "%2D")
