"""The ranked name search's own index (schema v12): each attendee's word prefixes, with what bm25 ranks them by.

FTS5 ranks a match with bm25 from two numbers of its row: how many of the row's words start with
the typed word (`hits`) and how many words the row has (`words`). Ranking all matches reads both
for each: a three-letter prefix or a surname matches 2,000-5,000 of 100,000 attendees, 10-16 ms.
Here every prefix of three letters and more of each attendee's words is a row of
`search_prefixes` keyed (prefix, hits, words, attendee_id), so the matches of one typed word
come in classes of equal rank: the few classes are read from the key, put in bm25's order, and
the best 20 are the first ids of the best classes, a few index look-ups at any roster size.
Equal ranks go by id, as FTS5 gives them. Kept by triggers on `attendees.search_text`, as
`attendees_fts` is; only a single typed word of three letters or more is searched here (the
others go to FTS5, which is fast for them: short prefixes unranked, two words few matches).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from kiosk.store.db import Database, is_postgres

# The shortest prefix kept: shorter typed words are not ranked (kiosk.store.attendees.search).
SHORTEST = 3
# FTS5's bm25 constants (fts5_aux.c).
K1, B = 1.2, 0.75


def prefix_rows(text: str, attendee: str) -> str:
    """A SELECT of the rows of `search_prefixes` for one attendee: SQL expressions for its search text and id.

    The words are cut at single spaces, as `kiosk.store.schema.search_text` joins them.
    """
    return f"""WITH RECURSIVE
    w(word, rest) AS (SELECT '', {text} || ' '
                      UNION ALL SELECT substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1)
                      FROM w WHERE rest != ''),
    p(word, n) AS (SELECT word, {SHORTEST} FROM w WHERE length(word) >= {SHORTEST}
                   UNION ALL SELECT word, n + 1 FROM p WHERE n < length(word))
    SELECT substr(word, 1, n) AS prefix, count(*) AS hits, (SELECT count(*) FROM w WHERE word != '') AS words,
           {attendee} AS attendee_id
    FROM p GROUP BY 1"""


def _delete(text: str, attendee: str) -> str:
    """Delete one attendee's rows, found by their whole key as computed from the text they were made from.

    Each key column by an IN of its own: then SQLite seeks every combination in the primary key. A
    row-value IN `(prefix, hits, words, attendee_id) IN (...)` seeks by the prefix only and scans all
    its rows ("gem": all 100,000; 0.5 s for one correction). Other combinations than the rows' own
    find nothing: this attendee has no rows but those.
    """
    rows = prefix_rows(text, attendee)
    return f"""DELETE FROM search_prefixes WHERE prefix IN (SELECT prefix FROM ({rows}))
    AND hits IN (SELECT hits FROM ({rows})) AND words IN (SELECT words FROM ({rows})) AND attendee_id = {attendee}"""


# The table and the triggers that keep it (migration v12 of kiosk.store.schema).
V12_SQL = f"""
CREATE TABLE search_prefixes (
    prefix TEXT NOT NULL,
    hits INTEGER NOT NULL,
    words INTEGER NOT NULL,
    attendee_id INTEGER NOT NULL,
    PRIMARY KEY (prefix, hits, words, attendee_id)
) WITHOUT ROWID;
CREATE TRIGGER search_prefixes_insert AFTER INSERT ON attendees WHEN new.search_text != '' BEGIN
    INSERT INTO search_prefixes (prefix, hits, words, attendee_id) {prefix_rows('new.search_text', 'new.id')};
END;
CREATE TRIGGER search_prefixes_delete AFTER DELETE ON attendees WHEN old.search_text != '' BEGIN
    {_delete('old.search_text', 'old.id')};
END;
CREATE TRIGGER search_prefixes_update AFTER UPDATE OF search_text ON attendees
WHEN old.search_text IS NOT new.search_text BEGIN
    {_delete('old.search_text', 'old.id')};
    INSERT INTO search_prefixes (prefix, hits, words, attendee_id) {prefix_rows('new.search_text', 'new.id')};
END;
"""


# An import that writes more rows than this share of the roster (and at least BULK_ROWS) rebuilds
# the table once instead of letting the triggers add each row's prefixes: a trigger puts ~20 rows
# at random places in the index (100,000 new attendees: 66 s instead of 20 s), a rebuild sorts them
# first (12 s for 100,000 attendees, whatever the import's size).
BULK_SHARE = 4
BULK_ROWS = 2000


def rebuild_prefixes(conn: Database) -> None:
    """Make `search_prefixes` again from every attendee's `search_text` (a migration, a copy, an import); inside a write.

    The rows are made by the triggers' own SELECT into a scratch table, then put in key order.
    """
    conn.execute("DELETE FROM search_prefixes")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS search_prefixes_made (prefix TEXT, hits INTEGER, words INTEGER, "
                 "attendee_id INTEGER)")
    try:
        rows = conn.execute("SELECT search_text, id FROM attendees WHERE search_text != ''").fetchall()
        conn.executemany(f"INSERT INTO temp.search_prefixes_made {prefix_rows('?1', '?2')}", rows)
        conn.execute("INSERT INTO search_prefixes (prefix, hits, words, attendee_id) "
                     "SELECT * FROM temp.search_prefixes_made ORDER BY 1, 2, 3, 4")
    finally:
        conn.execute("DROP TABLE temp.search_prefixes_made")


@contextmanager
def bulk_writes(conn: Database, rows: int) -> Iterator[None]:
    """Around the writes of `rows` attendee rows in one transaction: triggers off and one rebuild after, when that is faster.

    Inside a write transaction (DDL in SQLite is transactional: a rollback puts the triggers back).
    Nothing on PostgreSQL, which has no prefix table.
    """
    if is_postgres(conn):
        yield
        return
    total = int(conn.execute("SELECT COUNT(*) FROM attendees").fetchone()[0]) + rows
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE "
                            "'search\\_prefixes\\_%' ESCAPE '\\'").fetchall()
    if rows < BULK_ROWS or rows * BULK_SHARE < total or not triggers:
        yield
        return
    for name, _ in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    yield
    for _, sql in triggers:
        conn.execute(sql)
    rebuild_prefixes(conn)


def _varints(blob: bytes, count: int) -> list[int]:
    """The first `count` of SQLite's big-endian varints in `blob`."""
    values: list[int] = []
    at = 0
    while len(values) < count and at < len(blob):
        value = 0
        for _ in range(9):
            byte = blob[at]
            at += 1
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        values.append(value)
    return values


def average_words(conn: Database) -> float:
    """The average row length bm25 weighs with: FTS5's own count (its averages record), so the order is FTS5's."""
    # attendees_fts_data row 1 is FTS5's "averages" record: the row count, then each column's token total.
    row = conn.execute("SELECT block FROM attendees_fts_data WHERE id = 1").fetchone()
    rows, tokens = (_varints(bytes(row[0]), 2) + [0, 0])[:2] if row else (0, 0)
    return tokens / rows if rows and tokens else 1.0


def ranked_ids(conn: Database, word: str, limit: int) -> list[int]:
    """The ids of the `limit` best matches of one typed word (a prefix, folded), in FTS5's bm25 order, ties by id."""
    avgdl = average_words(conn)
    classes: list[tuple[float, int, int]] = []
    hits, words = 0, 0
    # The distinct (hits, words) of this prefix, one key look-up each: a broad prefix ("gem": every
    # row) has as few classes as a narrow one.
    while row := conn.execute(
        """SELECT hits, words FROM search_prefixes WHERE prefix = ? AND (hits, words) > (?, ?)
           ORDER BY hits, words LIMIT 1""",
        (word, hits, words),
    ).fetchone():
        hits, words = row
        # bm25 as fts5_aux.c computes it, without the typed word's IDF: one factor for every row.
        score = hits * (K1 + 1.0) / (hits + K1 * (1 - B + B * words / avgdl))
        classes.append((score, hits, words))
    classes.sort(key=lambda c: -c[0])
    found: list[int] = []
    at = 0
    while at < len(classes) and len(found) < limit:
        # Classes of one score (equal to the last bit) are one rank: their ids merged in order.
        same = [c for c in classes[at:] if c[0] == classes[at][0]]
        at += len(same)
        ids = sorted(
            attendee
            for _, hits, words in same
            for (attendee,) in conn.execute(
                """SELECT attendee_id FROM search_prefixes WHERE prefix = ? AND hits = ? AND words = ?
                   ORDER BY attendee_id LIMIT ?""",
                (word, hits, words, limit - len(found)),
            )
        )
        found += ids[: limit - len(found)]
    return found
