"""Internal records of the attribution stage (never leave the package: attribute() returns
schema types). Offsets are character offsets into Document.text."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Mention:
    """A phrase that may name a source: a subject NP, an "according to" object, a pronoun, a name."""

    start: int
    end: int
    text: str
    sent: int  # sentence index
    kind: str  # person | org | gpe | pronoun | generic
    head: str  # lower-cased head word
    plural: bool = False
    gender: str | None = None  # "m" | "f" | None
    subject: bool = False  # subject of its clause (more salient for pronouns)
    name: str | None = None  # proper name without titles ("Sergei K. Shoigu")
    full: str = ""  # the whole NP incl. relative clauses, for typing ("officials who spoke on ...")
    description: str | None = None  # apposition ("a close aide to ...")
    description_head: str | None = None  # lemma of the apposition's head noun ("aide")
    role_heads: tuple[str, ...] = ()  # common nouns before a name in the NP ("the sports daily X")
    org_of: str | None = None  # the body a spokesperson/employee speaks for ("A Chirp spokesman")
    titles: tuple[str, ...] = ()  # lower-cased title/role words before the name ("president")
    headline: bool = False  # in a title-case sentence, where the parser's names run into other words
    definite: bool = False  # "the ..." / possessive determiner
    indefinite: bool = False  # "a ..." / "an ..."
    entity: int | None = None  # index into the entity list once resolved


@dataclass
class RawClaim:
    kind: str  # direct | indirect | mixed
    content: tuple[int, int]
    cue: tuple[int, int] | None
    mention: Mention | None
    sent: int
    rule: str  # which rule produced it (for debugging and confidence)
    confidence: float = 0.85


@dataclass
class Entity:
    kind: str  # person | org | gpe | generic | pronoun
    names: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    gender: str | None = None
    plural: bool = False
    description: str | None = None
    titles: set[str] = field(default_factory=set)
    merged_into: int | None = None

    def best_name(self) -> str:
        # a headline's capitals run a name into its verb ("Tolvane Bank Abruptly Drops"): the body's
        # names come first
        names = [m.name for m in self.mentions if m.name and not m.headline] or self.names
        if names:
            # fullest proper name: most tokens, then longest
            return max(names, key=lambda n: (len(n.split()), len(n)))
        return self.mentions[0].text if self.mentions else "unknown"
