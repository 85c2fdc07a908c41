"""Seeded, realistic benchmark text: news-like paragraphs with names, numbers, accents and emoji."""

import random

SUBJECTS = ["The minister", "Nato's military committee", "A spokesperson for the ministry", "Officials in Gdańsk",
            "The Kremlin", "Admiral Cavo Dragone", "Kaja Kallas", "Researchers at the Université de Genève",
            "Polish air defence", "The European Commission", "Analysts in São Paulo", "Frau Müller"]
VERBS = ["said", "claimed", "denied", "confirmed", "warned", "reported", "estimated", "announced"]
OBJECTS = ["that {n} drones crossed the border", "that spending rose by {n}%", "a {n}-point plan for the Baltic",
           "that {n} cables were damaged since January", "the talks would resume on {d} November",
           "that {n} jets were scrambled 🛩️", "a budget of €{n} million", "that turnout reached {n}% 📊",
           "that the agreement covers {n} countries 🇪🇺", "that the figure was “grossly exaggerated”"]
TAILS = ["", " according to a statement", " in an interview", ", citing unnamed sources", " on Tuesday",
         " — a claim the opposition rejects", " (see the annex)", " 😐"]


def sentence(rng: random.Random) -> str:
    """One news-like sentence."""
    obj = rng.choice(OBJECTS).format(n=rng.randint(2, 9_000), d=rng.randint(1, 30))
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {obj}{rng.choice(TAILS)}."


def article_text(rng: random.Random, length: int) -> str:
    """About `length` code points of paragraphs (3–9 sentences each), cut at a sentence end."""
    paragraphs, size = [], 0
    while size < length:
        paragraph = " ".join(sentence(rng) for _ in range(rng.randint(3, 9)))
        paragraphs.append(paragraph)
        size += len(paragraph) + 1
    return "\n".join(paragraphs)[:length].rstrip()


def claim_ranges(rng: random.Random, text: str, count: int) -> list[tuple[int, int]]:
    """`count` claim ranges on word boundaries, some overlapping, sorted by start."""
    starts = [i for i in range(1, len(text)) if text[i - 1] == " "]
    picked = sorted(rng.sample(starts, count))
    ranges = []
    for start in picked:
        end = text.find(" ", start + rng.randint(8, 120))
        ranges.append((start, end if end > start else len(text)))
    return ranges
