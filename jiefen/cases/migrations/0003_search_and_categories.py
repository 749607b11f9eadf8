from django.db import migrations

CATEGORIES = [
    "土地征收", "房屋拆迁", "农村土地承包", "宅基地", "劳动工资", "社会保障", "环境保护", "城乡建设",
    "邻里纠纷", "婚姻家庭", "山林水利", "涉法涉诉", "干部作风", "民生服务", "其他",
]


def create_search_table(apps, schema_editor):
    # See cases/search.py: bigram terms, FTS5 on SQLite, text[] with GIN on PostgreSQL. No foreign key: the
    # FTS5 table cannot have one, and on PostgreSQL it would block `flush` (TRUNCATE); a row is always
    # rewritten for its case id and every search is joined to the cases in scope.
    if schema_editor.connection.vendor == "postgresql":
        # centre_id lets a township's search combine the GIN match with a btree on the centre instead of
        # visiting every matching row of the city (search.matching_ids_sql).
        schema_editor.execute(
            "CREATE TABLE cases_fts (case_id bigint PRIMARY KEY, centre_id bigint NOT NULL, terms text[] NOT NULL)"
        )
        schema_editor.execute("CREATE INDEX cases_fts_terms ON cases_fts USING gin (terms)")
        schema_editor.execute("CREATE INDEX cases_fts_centre ON cases_fts (centre_id)")
    else:
        schema_editor.execute("CREATE VIRTUAL TABLE cases_fts USING fts5(terms, tokenize='unicode61')")


def drop_search_table(apps, schema_editor):
    schema_editor.execute("DROP TABLE cases_fts")


def seed_categories(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    for i, name in enumerate(CATEGORIES):
        Category.objects.get_or_create(name=name, defaults={"sort": i})


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]
    operations = [
        migrations.RunPython(create_search_table, drop_search_table),
        migrations.RunPython(seed_categories, migrations.RunPython.noop),
    ]
