"""A django-filter FilterSet as the query of an API list: the same names, choices and types as the page's form.

The case list's filters are declared once (jiefen.cases.filters.CaseFilter); the API's query schema, its
validation (errors in Chinese, api.invalid) and its OpenAPI parameters are derived from them here.
"""

import datetime as dt
from typing import Literal

import django_filters
from ninja import Schema
from pydantic import Field, create_model


def query_schema(filterset_class, *, max_id):
    """A ninja Schema with one optional query parameter per filter of `filterset_class`; an empty value is no filter."""
    fields = {name: _parameter(f, max_id) for name, f in filterset_class.base_filters.items()}
    return create_model(f"{filterset_class.__name__}Query", __base__=Schema, **fields)


def _parameter(f, max_id):
    label = str(f.label)
    if isinstance(f, django_filters.ModelChoiceFilter):
        return int | None, Field(None, ge=1, le=max_id, description=f"{label}（编号）")
    if isinstance(f, django_filters.ChoiceFilter):
        choices = [(str(code), str(name)) for code, name in f.extra["choices"]]
        described = "；".join(f"{code} {name}" for code, name in choices)
        return Literal[("", *(code for code, _name in choices))], Field("", description=f"{label}：{described}")
    if isinstance(f, django_filters.DateFilter):
        return dt.date | None, Field(None, description=label)
    if isinstance(f, django_filters.BooleanFilter):
        return bool, Field(False, description=label)
    return str, Field("", max_length=f.extra.get("max_length"), description=label)


def filter_values(query):
    """The filters given in `query` (a schema from query_schema), as the list's query function takes them."""
    return {name: value for name, value in query.dict().items() if value not in ("", None, False)}
