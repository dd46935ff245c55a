"""A deterministic, clearly fictional roster spread over the G40 cities, for rehearsals and demos."""

from __future__ import annotations

import random
from collections.abc import Iterator

from kiosk.domain.roster import RosterRow

# The G40 city network (the cities the event's attendees come from).
G40_CITIES = [
    "Alkmaar", "Almelo", "Almere", "Alphen aan den Rijn", "Amersfoort", "Apeldoorn", "Arnhem", "Assen",
    "Breda", "Delft", "Deventer", "Dordrecht", "Ede", "Emmen", "Enschede", "Gouda", "Groningen",
    "Haarlem", "Haarlemmermeer", "Heerlen", "Helmond", "Hengelo", "'s-Hertogenbosch", "Hilversum",
    "Hoorn", "Leeuwarden", "Leiden", "Lelystad", "Maastricht", "Nijmegen", "Oss", "Roosendaal",
    "Schiedam", "Sittard-Geleen", "Tilburg", "Venlo", "Zaanstad", "Zoetermeer", "Zwolle", "Purmerend",
]
# Fictional people: common given names and surnames, with the diacritics real rosters carry.
GIVEN = [
    "Anna", "Bram", "Çiğdem", "Daan", "Eva", "Fleur", "Gijs", "Hanna", "Iris", "Jeroen", "Joëlle", "Kees",
    "Lotte", "Mehmet", "Noor", "Olaf", "Pieter", "Renée", "Søren", "Tess", "Ülkü", "Victor", "Willemijn",
    "Youssef", "Zoë", "Łukasz", "Aïsha", "Björn", "Chloé", "Sanne",
]
SURNAMES = [
    "de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
    "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit",
    "Çelik", "Yılmaz", "van 't Hof", "El Amrani", "Nowak", "Kowalczyk", "Müller", "Ødegaard", "Dijkstra",
    "Koç", "van der Meer", "Öztürk",
]
ROLES = ["Gemeente", "Gemeente", "Gemeente", "Regio", "Provincie"]


def demo_roster(count: int, seed: int = 40) -> Iterator[RosterRow]:
    """`count` fictional attendees; the same seed gives the same people and codes."""
    rng = random.Random(seed)
    for number in range(1, count + 1):
        given, surname, city = rng.choice(GIVEN), rng.choice(SURNAMES), rng.choice(G40_CITIES)
        organisation = f"{rng.choice(ROLES)} {city}"
        yield RosterRow(
            name=f"{given} {surname}",
            organisation=organisation,
            city=city,
            email=f"demo{number}@example.invalid",
            code="",
        )


def demo_rng(seed: int = 40) -> random.Random:
    """The generator demo codes come from, seeded so that demo codes are the same each time."""
    return random.Random(seed * 7919)
