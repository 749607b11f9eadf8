"""Operations, at the top of the house (STYLE.md §13): nothing in jiefen imports this package.

- `manage.py backup PATH` / `restore PATH` (backup.py): consistent online backup and checked restore.
- `manage.py rotate_personal_data`: re-encrypt ID numbers and phones under the first key.
- `manage.py bench`, `bench_figures`, `bench_import`: the benchmarks of the case desk, the dashboards and the
  Excel import, on the synthetic county of jiefen.demo.
"""
