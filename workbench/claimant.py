"""Who made a claim: the claimant a reviewer records, else the author of the article it is in."""

from workbench.claims import get_claim
from workbench.store import Store


def clean_claimant(claimant: str | None) -> str | None:
    """A claimant as stored: white space collapsed; None when empty (the article's author stands in)."""
    return " ".join((claimant or "").split()) or None


def set_claimant(store: Store, claim_id: str, claimant: str, *, reviewer_id: str) -> str | None:
    """Record who made the claim (white space collapsed; empty: the article's author); return the old value."""
    claimant = clean_claimant(claimant)
    with store.transaction():
        old = get_claim(store, claim_id)["claimant"]
        if old != claimant:
            store.update("claims", claim_id, claimant=claimant, updated_by=reviewer_id)
    return old


def claimant_of(claim: dict, article: dict) -> str:
    """The claim's claimant, else its article's author, else ""."""
    return " ".join((claim.get("claimant") or article.get("author") or "").split())
