"""Chinese keyword search over cases.

Chinese has no spaces and most words are two characters, so a case is indexed as its overlapping character
bigrams (工资拖欠 → 工资 资拖 拖欠) plus its Latin/digit words; a query matches cases holding all its bigrams.
SQLite keeps them in an FTS5 table, PostgreSQL in a text[] column with a GIN index (both made in migration
cases.0002); neither depends on a server-side Chinese tokenizer or locale.
"""

import re

from django.db import connection

CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
WORD = re.compile(r"[0-9a-z]+")


def tokens(text):
    """Distinct index terms of `text`: CJK bigrams (a lone CJK character stays a unigram) and Latin/digit words."""
    text = (text or "").lower()
    terms = []
    for run in CJK_RUN.findall(text):
        terms.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
    terms.extend(WORD.findall(text))
    return list(dict.fromkeys(terms))


def query_terms(query):
    return tokens(query)


def _case_text(case):
    parties = " ".join(p.name for p in case.parties.all())
    village = case.village.name if case.village_id else ""
    return f"{case.number} {case.category.name} {village} {parties} {case.request} {case.facts}"


def index_case(case):
    """Write (or rewrite) the search row of `case`; call inside the transaction that changed it."""
    terms = tokens(_case_text(case))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "INSERT INTO cases_fts (case_id, centre_id, terms) VALUES (%s, %s, %s) "
                "ON CONFLICT (case_id) DO UPDATE SET centre_id = EXCLUDED.centre_id, terms = EXCLUDED.terms",
                [case.pk, case.centre_id, terms],
            )
        else:
            cursor.execute("DELETE FROM cases_fts WHERE rowid = %s", [case.pk])
            cursor.execute("INSERT INTO cases_fts (rowid, terms) VALUES (%s, %s)", [case.pk, " ".join(terms)])


def matching_ids_sql(query, centre_id=None):
    """(sql, params) selecting the ids of cases matching every term of `query`, or None if it has no term.

    `centre_id` narrows the match to one township on PostgreSQL (the access scope still applies on top)."""
    terms = query_terms(query)
    if not terms:
        return None
    if connection.vendor == "postgresql":
        if centre_id:
            return "SELECT case_id FROM cases_fts WHERE terms @> %s::text[] AND centre_id = %s", [terms, centre_id]
        return "SELECT case_id FROM cases_fts WHERE terms @> %s::text[]", [terms]
    match = " ".join(f'"{t}"' for t in terms)
    return "SELECT rowid FROM cases_fts WHERE cases_fts MATCH %s", [match]


# Above this many matching cases, a newest-first page is found faster by walking the case index (queries.case_list).
COMMON_WORD_HITS = 2000


def is_common(sql, params):
    """Whether a SQLite match selects more than COMMON_WORD_HITS cases (PostgreSQL plans this well by itself)."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql} LIMIT {COMMON_WORD_HITS + 1})", params)
        return cursor.fetchone()[0] > COMMON_WORD_HITS
