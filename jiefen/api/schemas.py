"""Request and response shapes of the open API (they make its OpenAPI 3 document)."""

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict


class FieldError(Schema):
    field: str = Field(description="出错的字段")
    message: str = Field(description="错误说明")


class ErrorOut(Schema):
    detail: str = Field(description="错误说明（中文）")
    errors: list[FieldError] = Field(default_factory=list, description="逐个字段的错误")


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class CaseSummary(Schema):
    number: str = Field(description="案件编号（一案一码）")
    kind: str
    kind_label: str
    channel: str
    channel_label: str
    legal_class: str
    status: str
    status_label: str
    category: str
    village: str | None
    centre: str
    responsible_unit: str | None
    pending_unit: str | None
    request: str
    received_at: dt.datetime
    next_due_on: dt.date | None = Field(description="最近的法定期限截止日")
    contact_count: int
    person_times: int


class CaseList(Schema):
    count: int
    page: int
    page_size: int
    results: list[CaseSummary]


class PartyOut(Schema):
    role: str
    name: str
    id_number: str = Field(description="脱敏显示")
    phone: str = Field(description="脱敏显示")


class DeadlineOut(Schema):
    rule: str
    name: str
    state: str
    started_on: dt.date
    due_on: dt.date | None
    finished_on: dt.date | None
    explanation: str


class EventOut(Schema):
    kind: str
    at: dt.datetime
    summary: str
    from_status: str
    to_status: str
    public: bool
    unit: str | None = Field(description="操作人所在单位")


class StepOut(Schema):
    action: str
    label: str


class StepFieldOut(Schema):
    name: str
    label: str
    type: str = Field(description="string / integer / boolean / date / array / file")
    required: bool
    choices: list[str]
    help: str


class StepMoveOut(Schema):
    label: str
    kinds: list[str]
    sources: list[str]
    target: str | None


class StepDefinition(Schema):
    action: str
    versioned: bool = Field(description="是否须提交 expected_version（改变案件版本的操作）")
    public: bool = Field(description="信访人查询时是否可见")
    moves: list[StepMoveOut]
    fields: list[StepFieldOut] = Field(description="该操作的输入字段，与案件页面上该操作的表单相同")


class CaseDetail(CaseSummary):
    version: int = Field(description="办理操作时作为 expected_version 提交，防止并发覆盖")
    facts: str
    accepted_on: dt.date | None
    reply_outcome: str
    reply_served_on: dt.date | None
    closed_at: dt.datetime | None
    resolved: bool | None
    satisfaction: str
    parties: list[PartyOut]
    deadlines: list[DeadlineOut]
    events: list[EventOut]
    allowed_actions: list[StepOut] = Field(description="本令牌账号现在可以执行的办理操作")


class PartyIn(Schema):
    name: str = Field(min_length=1, max_length=50)
    role: Literal["petitioner", "representative", "respondent"] = "petitioner"
    id_number: str = Field("", max_length=20)
    phone: str = Field("", max_length=20)
    address: str = Field("", max_length=200)
    sms_consent: bool = Field(False, description="同意以短信告知办理进展（须有手机号码）")


class CaseIn(Schema):
    kind: Literal["petition", "dispute"] = "petition"
    channel: Literal["visit", "letter", "call", "online", "fax", "grid", "assigned"] = "online"
    legal_class: Literal["suggestion", "accusation", "claim", "dispute"] = "claim"
    category: str = Field(min_length=1, max_length=50, description="事项分类名称，见 /api/reference")
    village: str | None = Field(None, max_length=20, description="村（社区）编码，见 /api/reference")
    accused_unit: str | None = Field(
        None, max_length=20,
        description="检举控告的单位编码（部门、村（社区）或网格，见 /api/reference）；检举控告事项应当填写",
    )
    request: str = Field(min_length=1, max_length=2000)
    facts: str = Field("", max_length=10000)
    head_count: int = Field(1, ge=1, le=9999)
    identity_unknown: bool = False
    parties: list[PartyIn] = Field(min_length=1, max_length=20)


class CaseCreated(Schema):
    number: str
    query_code: str = Field(description="查询码：信访人凭案件编号和查询码查询进度")
    status: str
    created: bool = Field(description="false 表示同一 Idempotency-Key 已登记过，返回原案件")


class ContactIn(Schema):
    channel: Literal["visit", "letter", "call", "online", "fax", "grid", "assigned"] = "visit"
    head_count: int = Field(1, ge=1, le=9999)
    note: str = Field("", max_length=2000)


class ActionIn(Schema):
    """The step's own fields, as on the case page's form for that step (e.g. note, unit, outcome, served_on)."""

    model_config = ConfigDict(extra="allow")
    expected_version: int | None = Field(None, description="案件的 version：改变状态的操作必填")


class NamedCode(Schema):
    code: str
    name: str


class Reference(Schema):
    categories: list[NamedCode]
    villages: list[NamedCode]
    channels: list[NamedCode]
    accusable_units: list[NamedCode] = Field(description="可被检举控告的单位：本中心的部门、村（社区）和网格")


class Figures(Schema):
    model_config = ConfigDict(extra="allow")
    start: dt.date
    end: dt.date
    figures: Any
