"""Demo and synthetic data, at the top of the house (STYLE.md §13): no app imports this package
(only the benchmarks in jiefen.ops, for the synthetic county).

- `manage.py seed_demo`: the demo county 青山县 with a year of cases, one login per role (county.py, built from
  township.py, people.py, matters.py and year.py, then leadership.py, grid.py and duty.py for those apps' data).
- `manage.py load_synthetic`: a synthetic county of N cases for the benchmark (synthetic.py).

Everything is written through the apps' own action functions (the demo) or in bulk with the values the actions
would have written (synthetic data); no app below depends on it.
"""


class DemoError(Exception):
    """The demo year could not be planned as the article reports it; seed_demo prints why and stops."""
