from django.apps import AppConfig


def hard_cases(queryset, value):
    """The cases designated 疑难积案 ("1211"): a figure's drill-down."""
    return queryset.filter(hard_case__isnull=False) if value else queryset


class Config(AppConfig):
    name = "jiefen.leadership"
    label = "leadership"
    verbose_name = "领导包案与疑难案件"

    def ready(self):
        from jiefen.cases import extensions

        from . import queries, steps  # declaring the steps registers them

        steps.register_checks()
        extensions.register_once(extensions.case_page_sections, queries.case_section)
        extensions.case_narrowings["hard"] = hard_cases
