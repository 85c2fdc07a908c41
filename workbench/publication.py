"""Publication settings, kept per database: who publishes the fact checks and where they live.

Stored in the `meta` table (keys `publication.publisher`, `publication.publisher_url`,
`publication.review_url`); the Publication Settings dialog and `workbench publish DB --publisher …`
write them with `save_publication`, the ClaimReview export reads them with `load_publication`, and
`export --publisher …` overrides them for one run (`Publication.merged`).

The review URL is a template for the page of each fact check: `{claim_id}` and `{article_id}`
are replaced. A template without `{claim_id}` is one page for all claims: each review's URL then
ends in `#claim-<id>`, the anchor the HTML report gives each claim. It must be an http(s) address
on the publisher's site (the same host, or a subdomain of it), as Google requires.
"""

import string
import urllib.parse
from dataclasses import dataclass, fields, replace

from workbench.errors import WorkbenchError
from workbench.mdtext import safe_url

PREFIX = "publication."
PLACEHOLDERS = {"claim_id", "article_id"}


@dataclass(frozen=True)
class Publication:
    """Who publishes the fact checks (an organisation and its site) and the template of their pages."""

    publisher: str = ""
    publisher_url: str = ""
    review_url: str = ""

    def merged(self, **overrides: str | None) -> "Publication":
        """These settings with the given non-None values replacing them (checked)."""
        changed = {key: value for key, value in overrides.items() if value is not None}
        return check(replace(self, **changed)) if changed else self

    def review_url_for(self, claim_id: str, article_id: str) -> str:
        """The page of one fact check ("" when no template is set)."""
        if not self.review_url:
            return ""
        if "{claim_id}" in self.review_url:
            return self.review_url.format(claim_id=claim_id, article_id=article_id)
        base = self.review_url.format(claim_id=claim_id, article_id=article_id).split("#", 1)[0]
        return f"{base}#claim-{claim_id}"


def _host(url: str) -> str:
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def check(publication: Publication) -> Publication:
    """The settings with white space trimmed; WorkbenchError naming the first problem."""
    cleaned = Publication(" ".join(publication.publisher.split()), publication.publisher_url.strip(),
                          publication.review_url.strip())
    for label, url in (("publisher URL", cleaned.publisher_url), ("review URL", cleaned.review_url)):
        if url and (not safe_url(url) or urllib.parse.urlsplit(url).scheme.lower() not in ("http", "https")):
            raise WorkbenchError(f"the {label} must be an http(s) address with a host (got {url!r})")
    template = cleaned.review_url
    if template:
        try:
            names = {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name is not None}
            template.format(claim_id="x", article_id="y")
        except (ValueError, IndexError, KeyError):
            names = {"?"}
        if names - PLACEHOLDERS:
            raise WorkbenchError("the review URL may contain only {claim_id} and {article_id} "
                                 f"(got {template!r}; write a literal brace as {{{{ or }}}})")
        if cleaned.publisher_url:
            review, site = _host(template.format(claim_id="x", article_id="y")), _host(cleaned.publisher_url)
            if review != site and not review.endswith("." + site):
                raise WorkbenchError(f"the review URL must be on the publisher's site ({site}), not {review}")
    return cleaned


def load_publication(store) -> Publication:
    """The publication settings saved in this database (empty where none are)."""
    return Publication(**{f.name: store.meta(PREFIX + f.name) or "" for f in fields(Publication)})


def save_publication(store, publication: Publication) -> Publication:
    """Check and save the publication settings in this database (one transaction); return them."""
    publication = check(publication)
    with store.transaction():
        for f in fields(Publication):
            store.set_meta(PREFIX + f.name, getattr(publication, f.name))
    return publication
