"""What a web page states about itself: title, author, site name, canonical URL and publication date.

Read only from the page's metadata (meta tags, JSON-LD, `<time pubdate>`), never guessed from its
text: a page that states no publication date gets none (a footer's "© 2025" is not a date of
publication). One pass over the parsed tree, so it takes time in proportion to the page.
"""

import datetime
import json
import re
from dataclasses import dataclass

TITLE_KEYS = ("og:title", "twitter:title", "dc.title", "dcterms.title")
AUTHOR_KEYS = ("author", "article:author", "dc.creator", "dcterms.creator", "byl", "parsely-author",
               "sailthru.author", "citation_author")
SITE_KEYS = ("og:site_name", "application-name", "publisher", "dc.publisher", "dcterms.publisher")
DATE_KEYS = ("article:published_time", "og:published_time", "published_time", "datepublished",
             "date", "pubdate", "publishdate", "publish-date", "publish_date", "dc.date.issued",
             "dcterms.issued", "dc.date", "dcterms.date", "dcterms.created", "citation_publication_date",
             "citation_date", "parsely-pub-date", "sailthru.date", "article.published", "og:article:published_time")
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_COMPACT_DAY = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:$|[T\s])")
_SLASH_DAY = re.compile(r"^\s*(\d{4})/(\d{2})/(\d{2})\b")


@dataclass
class PageMeta:
    """The metadata a page states; None where it states nothing usable."""

    title: str | None = None
    author: str | None = None
    sitename: str | None = None
    url: str | None = None
    published: str | None = None  # YYYY-MM-DD


def read_meta(root) -> PageMeta:
    """The metadata of a parsed lxml.html document (meta tags first, then JSON-LD, then `<time>`)."""
    meta: dict[str, str] = {}
    for element in root.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        value = " ".join((element.get("content") or "").split())
        if key and value and key not in meta:
            meta[key] = value
    found = PageMeta(
        title=_first(meta, TITLE_KEYS),
        author=_first(meta, AUTHOR_KEYS, reject=_is_url),
        sitename=_first(meta, SITE_KEYS, reject=_is_url),
        published=next((d for d in (_day(meta.get(k)) for k in DATE_KEYS) if d), None),
    )
    canonical = next((link.get("href") for link in root.iter("link")
                      if (link.get("rel") or "").strip().lower() == "canonical" and link.get("href")), None)
    found.url = (canonical or meta.get("og:url") or "").strip() or None
    for node in _json_ld(root):
        _fill_from_json_ld(found, node)
    if found.published is None:
        found.published = next((d for d in (_day(t.get("datetime")) for t in root.iter("time")
                                            if t.get("pubdate") is not None
                                            or (t.get("itemprop") or "").lower() == "datepublished") if d), None)
    if found.title is None:
        title = root.find(".//title")
        text = " ".join(title.text_content().split()) if title is not None else ""
        found.title = text or None
    return found


def _first(meta: dict[str, str], keys, reject=None) -> str | None:
    for key in keys:
        value = meta.get(key)
        if value and not (reject and reject(value)):
            return value
    return None


def _is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://", "//"))


def _day(value) -> str | None:
    """YYYY-MM-DD from a stated date (ISO 8601, 20240305, 2024/03/05), or None if it is not one."""
    if not isinstance(value, str):
        return None
    for pattern in (_ISO_DAY, _COMPACT_DAY, _SLASH_DAY):
        found = pattern.match(value)
        if found:
            try:
                return datetime.date(*map(int, found.groups())).isoformat()
            except ValueError:
                return None
    return None


def _json_ld(root):
    """Every JSON-LD object of the page (inside lists and @graph too)."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(reversed(node))
            elif isinstance(node, dict):
                yield node
                if isinstance(node.get("@graph"), list):
                    stack.extend(reversed(node["@graph"]))


def _fill_from_json_ld(found: PageMeta, node: dict) -> None:
    types = node.get("@type")
    types = {types} if isinstance(types, str) else set(t for t in types if isinstance(t, str)) if isinstance(types, list) else set()
    if not types & {"Article", "NewsArticle", "BlogPosting", "ReportageNewsArticle", "WebPage",
                    "AnalysisNewsArticle", "OpinionNewsArticle", "ScholarlyArticle", "Report"}:
        return
    if found.published is None:
        found.published = _day(node.get("datePublished"))
    if found.title is None and isinstance(node.get("headline"), str):
        found.title = " ".join(node["headline"].split()) or None
    if found.author is None:
        found.author = _names(node.get("author"))
    if found.sitename is None:
        found.sitename = _names(node.get("publisher"))


def _names(value) -> str | None:
    values = value if isinstance(value, list) else [value]
    names = []
    for item in values:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip() and not _is_url(name.strip()):
            names.append(" ".join(name.split()))
    return ", ".join(names) or None
