"""Measure the desk's similar-matter suggestions (jiefen.cases.similar) on the configured database.

The labelled set: `--pairs` cases drawn at random from the synthetic data, each retold as a clerk would type it
again (similar.paraphrase of its request: other words, clauses reordered, a filler in front; with the party's name
and the village, as the desk sends them). The pair's answer is the case it was drawn from. For each retelling the
suggestions of the case's township are asked for as a clerk of that township sees them.

Prints recall@1 and recall@5 (the case among the first 1 or 5), MRR, precision@5 (the share of suggestions shown
that are the matter itself: with one right answer per retelling it is at most 1/5 when five are shown), how many
were shown, and the server time per suggestion (p50, p95, max; the first call, which samples the index for the
term weights, is timed apart). Targets: recall@5 ≥ 0.9, p95 ≤ 100 ms.
"""

import random
import statistics
import time

from django.core.management.base import BaseCommand, CommandError

from jiefen.cases import similar
from jiefen.cases.models import Case
from jiefen.demo import synthetic
from jiefen.org.queries import desk_of


class Command(BaseCommand):
    help = "Precision and recall@5 and p95 time of the similar-matter suggestions on a labelled set of retellings."

    def add_arguments(self, parser):
        parser.add_argument("--pairs", type=int, default=200, help="labelled pairs (default 200)")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, pairs, seed, **options):
        if not synthetic.is_loaded():
            raise CommandError("no synthetic data in this database: run load_synthetic first")
        rng = random.Random(seed)
        high = Case.objects.order_by("-id").values_list("id", flat=True).first()
        picked = []
        while len(picked) < pairs:
            ids = [rng.randint(1, high) for _i in range(pairs * 2)]
            picked += list(
                Case.objects.filter(id__in=ids).select_related("centre", "village").prefetch_related("parties")
            )
        picked = picked[:pairs]
        clerks = {}
        started = time.perf_counter()
        similar.weights(refresh=True)
        sample_ms = (time.perf_counter() - started) * 1000
        ranks, shown, times = [], [], []
        for case in picked:
            clerk = clerks.get(case.centre_id)
            if clerk is None:
                clerk = clerks[case.centre_id] = desk_of(case.centre).first()
            party = next(iter(case.parties.all()), None)
            typed = " ".join([similar.paraphrase(case.request, rng), party.name if party else "",
                              case.village.name if case.village_id else ""])
            start = time.perf_counter()
            found = similar.similar_matters(clerk, typed, case.centre)
            times.append((time.perf_counter() - start) * 1000)
            numbers = [s.case.pk for s in found]
            ranks.append(numbers.index(case.pk) + 1 if case.pk in numbers else None)
            shown.append(len(found))
        hits5 = sum(r is not None for r in ranks)
        hits1 = sum(r == 1 for r in ranks)
        mrr = sum(1 / r for r in ranks if r) / len(ranks)
        precision = hits5 / max(sum(shown), 1)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        self.stdout.write(
            f"cases {Case.objects.count():,} · pairs {len(ranks)} · recall@1 {hits1 / len(ranks):.3f} · "
            f"recall@5 {hits5 / len(ranks):.3f} · MRR {mrr:.3f} · precision@5 {precision:.3f} "
            f"(shown {statistics.mean(shown):.1f} per retelling)"
        )
        self.stdout.write(
            f"time per suggestion: p50 {statistics.median(times):.1f} ms · p95 {p95:.1f} ms · max {times[-1]:.1f} ms"
            f" · sampling the index for the weights {sample_ms:.0f} ms (once per process per hour)"
        )
        if hits5 / len(ranks) < 0.9 or p95 > 100:
            self.stdout.write(self.style.WARNING("below target (recall@5 ≥ 0.9, p95 ≤ 100 ms)"))
