"""Similar past matters at intake (issue 13, point 2): as the clerk types the request, the cases of the township
that say the most of the same thing, ranked, with the words they share.

Over the search index already there (search.tokens: character bigrams and Latin/digit words, cases_fts), weighted
by how rare each term is, so that what tells one matter from another (a company, an amount, a village, a name)
counts for more than what every wage claim says (拖欠、工资、要求):

1. weights: the inverse document frequency of each term, estimated from a random sample of the index (SAMPLE
   rows, kept per process for SAMPLE_AGE); a term the sample never saw is as rare as can be;
2. candidates: the newest CANDIDATES cases of the township holding any of the query's RAREST terms (one index
   query: FTS5 OR on SQLite, `&&` on the GIN index on PostgreSQL);
3. score: weighted Dice of the query's terms and each candidate's, 2·W(q∩d) / (W(q) + W(d)); the top `limit`
   above MIN_SCORE, each with the rarest terms it shares as the reason.

`manage.py bench_similar` measures precision and recall@5 on a labelled set of paraphrases and the time per
suggestion (README, Benchmark).
"""

import math
import random
import time
from dataclasses import dataclass

from django.db import connection

from .access import cases_for
from .search import CJK_RUN, WORD, tokens

SAMPLE = 4000
SAMPLE_AGE = 3600  # seconds
RAREST = 4
# The OR probe takes only terms in at most this share of cases: a commoner one reads too many rows to sort.
OR_MAX_SHARE = 0.005
CANDIDATES = 400
MIN_SCORE = 0.2

_weights: dict = {"at": 0.0, "rows": 0, "df": {}}


def _sample_ids(low, high):
    """SAMPLE ids at random between `low` and `high` (all of them when there are no more)."""
    if high - low < SAMPLE:
        return list(range(low, high + 1))
    return sorted(random.sample(range(low, high + 1), SAMPLE))


def _sample_rows():
    """Up to SAMPLE rows of the index, at random: [terms, ...] each a list of terms."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT min(case_id), max(case_id) FROM cases_fts")
            low, high = cursor.fetchone()
            if low is None:
                return []
            ids = _sample_ids(low, high)
            cursor.execute("SELECT terms FROM cases_fts WHERE case_id = ANY(%s)", [ids])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT min(rowid), max(rowid) FROM cases_fts")
        low, high = cursor.fetchone()
        if low is None:
            return []
        ids = _sample_ids(low, high)
        rows = []
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            cursor.execute(
                f"SELECT terms FROM cases_fts WHERE rowid IN ({','.join('%s' for _c in chunk)})", chunk
            )
            rows += [row[0].split() for row in cursor.fetchall()]
        return rows


def weights(refresh=False):
    """(document frequency per term in the sample, sample size), refreshed every SAMPLE_AGE seconds."""
    now = time.monotonic()
    if refresh or not _weights["rows"] or now - _weights["at"] > SAMPLE_AGE:
        df: dict[str, int] = {}
        rows = _sample_rows()
        for terms in rows:
            for term in set(terms):
                df[term] = df.get(term, 0) + 1
        _weights.update(at=now, rows=len(rows), df=df)
    return _weights["df"], _weights["rows"]


def idf(term, df, rows):
    return math.log((rows + 1) / (df.get(term, 0) + 0.5))


def phrases(text, shared, limit=4):
    """The stretches of `text` its shared terms cover, longest first ("宏达建材", "12000"): the reason shown."""
    found = []
    for run in CJK_RUN.findall((text or "").lower()):
        covered = [False] * len(run)
        for i in range(len(run) - 1):
            if run[i : i + 2] in shared:
                covered[i] = covered[i + 1] = True
        start = None
        for i, hit in enumerate([*covered, False]):
            if hit and start is None:
                start = i
            elif not hit and start is not None:
                found.append(run[start:i])
                start = None
    found += [w for w in WORD.findall((text or "").lower()) if w in shared]
    return sorted(dict.fromkeys(found), key=lambda p: -len(p))[:limit]


@dataclass
class Similar:
    case: object
    score: float
    shared: list  # the stretches of what was typed that it shares, longest first


def _probe(terms, centre_id, *, every):
    """Ids of the newest CANDIDATES cases holding every one (`every`) or any of `terms` (in the township on
    PostgreSQL; on SQLite the township is applied after, on the case rows)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            operator = "@>" if every else "&&"
            cursor.execute(
                f"SELECT case_id FROM cases_fts WHERE terms {operator} %s::text[] AND centre_id = %s "
                "ORDER BY case_id DESC LIMIT %s",
                [terms, centre_id, CANDIDATES],
            )
        else:
            match = (" AND " if every else " OR ").join(f'"{t}"' for t in terms)
            # FTS5 returns rowids in ascending order; ORDER BY rowid DESC walks it from the newest.
            cursor.execute(
                "SELECT rowid FROM cases_fts WHERE cases_fts MATCH %s ORDER BY rowid DESC LIMIT %s",
                [match, CANDIDATES * 3],
            )
        return [row[0] for row in cursor.fetchall()]


def _candidates(lookup, centre_id, enough, uncommon):
    """Candidate ids, probes from the rarest terms down: all of the three rarest (the same matter, told again,
    holds them all, however old it is), all of the two rarest, and only if these found fewer than `enough`, the
    newest holding any of the `uncommon` ones (an OR over common terms reads many rows: 0.6 s at 1M on
    PostgreSQL)."""
    ids: list = []
    for every, terms in ((True, lookup[:3]), (True, lookup[:2]), (False, uncommon[:RAREST])):
        if not every and len(set(ids)) >= enough:
            break
        if terms and (not every or len(terms) > 1 or not ids):
            ids += _probe(terms, centre_id, every=every)
    return list(dict.fromkeys(ids))


def _terms_of(ids):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT case_id, terms FROM cases_fts WHERE case_id = ANY(%s)", [ids])
            return dict(cursor.fetchall())
        found = {}
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            cursor.execute(
                f"SELECT rowid, terms FROM cases_fts WHERE rowid IN ({','.join('%s' for _c in chunk)})", chunk
            )
            found.update((rowid, terms.split()) for rowid, terms in cursor.fetchall())
        return found


def similar_matters(user, text, centre, *, limit=5, exclude=()):
    """The cases of `centre` in `user`'s scope most like `text` (request, facts, names and village as typed),
    best first, at most `limit`, each with its score and the terms it shares. A fixed number of queries."""
    query = tokens(text)
    if len(query) < 3 or centre is None:
        return []
    df, rows = weights()
    weight = {t: idf(t, df, rows) for t in query}
    # Look up by the rarest terms the index is known to hold (a word the sample never saw may be in no case at
    # all: the filler of a retelling, "我再来问一下"), numbers and Latin words (an amount, a plate) first.
    words = [t for t in query if not CJK_RUN.fullmatch(t) and t in df]
    known = sorted((t for t in query if t in df and t not in words), key=lambda t: (df[t], t))
    lookup = sorted(words, key=lambda t: (df[t], t)) + known
    uncommon = [t for t in lookup if df[t] <= OR_MAX_SHARE * rows]
    ids = _candidates(lookup, centre.pk, enough=limit, uncommon=uncommon)
    if not ids:
        return []
    visible = dict(
        cases_for(user).filter(id__in=ids, centre=centre).exclude(id__in=list(exclude))
        .values_list("id", "received_at")
    )
    if not visible:
        return []
    found = _terms_of(sorted(visible))
    # What was typed that no candidate holds and the sample never saw says nothing of any of them: left out of the
    # query's weight, so that a retelling's own words do not push every score down.
    held = set().union(*map(set, found.values())) if found else set()
    total_q = sum(w for t, w in weight.items() if t in held or t in df)
    scored = []
    for case_id, terms in found.items():
        doc = set(terms)
        shared = [t for t in query if t in doc]
        if not shared:
            continue
        w_shared = sum(weight[t] for t in shared)
        w_doc = sum(weight[t] if t in weight else idf(t, df, rows) for t in doc)
        score = 2 * w_shared / (total_q + w_doc)
        if score >= MIN_SCORE:
            scored.append((score, visible[case_id], case_id, shared))
    scored.sort(key=lambda s: (-s[0], -s[1].timestamp(), -s[2]))
    top = scored[:limit]
    cases = cases_for(user).select_related("category", "village").in_bulk([s[2] for s in top])
    return [Similar(cases[case_id], round(score, 3), phrases(text, set(shared))) for score, _at, case_id, shared in top
            if case_id in cases]


# ---- A labelled set: the same matter told again in other words (tests and manage.py bench_similar) ----

# How people retell the same thing: other words for the same, and the filler they add or leave out.
REWORDINGS = [
    ("反映", "称"), ("要求", "希望"), ("尽快", "抓紧"), ("至今", "到现在还"), ("拖欠", "欠着"), ("未", "没有"),
    ("多次", "好几次"), ("发放", "发"), ("支付", "给付"), ("问题", "事情"), ("依法", "按规定"), ("邻居", "隔壁"),
]
FILLERS = ["我再来问一下，", "上次来过，", "还是那个事，", "麻烦领导看看，"]


def paraphrase(text, rng):
    """`text` retold: two or three words replaced by others, clauses in another order, a filler in front."""
    said = text
    for old, new in rng.sample(REWORDINGS, len(REWORDINGS)):
        if old in said and rng.random() < 0.7:
            said = said.replace(old, new, 1)
    clauses = [c for c in said.rstrip("。").split("，") if c]
    if len(clauses) > 2 and rng.random() < 0.5:
        head, *rest = clauses
        rng.shuffle(rest)
        clauses = [head, *rest]
    return rng.choice(FILLERS) + "，".join(clauses) + "。"
