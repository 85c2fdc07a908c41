"""The verdicts a claim can have, and the evidence scales, in one place."""

PENDING, VERIFIED, DISPUTED, UNVERIFIABLE = "pending", "verified", "disputed", "unverifiable"
VERDICTS = (PENDING, VERIFIED, DISPUTED, UNVERIFIABLE)
JUDGED = (VERIFIED, DISPUTED, UNVERIFIABLE)

LABELS = {
    PENDING: "Pending",
    VERIFIED: "Verified",
    DISPUTED: "Disputed",
    UNVERIFIABLE: "Unverifiable",
}

STANCES = ("supports", "refutes", "context")
STANCE_LABELS = {"supports": "Supports", "refutes": "Refutes", "context": "Gives context"}

RELIABILITY = ("reliable", "mixed", "unreliable", "unknown")
RELIABILITY_LABELS = {
    "reliable": "Reliable",
    "mixed": "Mixed",
    "unreliable": "Unreliable",
    "unknown": "Unknown",
}


def check_verdict(verdict: str) -> str:
    """Return verdict if it is one of VERDICTS, else raise ValueError naming the choices."""
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}; expected one of {', '.join(VERDICTS)}")
    return verdict
