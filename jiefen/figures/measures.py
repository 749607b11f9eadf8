"""What each figure counts (口径), written once: the statuses counted as 办结, the clocks the two timeliness rates
read, every rate's formula and every figure's definition as the pages print it.

The dashboard (queries.compute), its drill-down links (queries, drill), the meeting pack and its PDF and .xlsx
(pack, which snapshots queries.compute) and the API's figures (figures_for) all read these, so no two of them can
define 化解率 or 办结 differently.
"""

from django.utils.translation import gettext_lazy as _

from jiefen.cases.models import Status, StatusGroup

# 办结 in the figures: 办结 and 终结, the matters handled to an end. StatusGroup.COUNTED_AS_DONE, which the case
# lists and the stock (存量) use, also holds 不予受理 and 转送: they leave the centre's backlog, but the centre
# decided not to handle them (or handed them to the organ that must), so counting them as 办结 would flatter the
# 办结 and 化解 figures. The figures count them apart (NOT_ACCEPTED, FORWARDED) and take them out of the stock
# together with 办结 (LEFT_STOCK).
DONE = (Status.CLOSED, Status.FINAL)
NOT_ACCEPTED = Status.NOT_ACCEPTED
FORWARDED = Status.FORWARDED
LEFT_STOCK = StatusGroup.COUNTED_AS_DONE  # 办结 + 不予受理 + 转送: what leaves the stock

# The clocks (clocks.ClockRule.code) the timeliness rates read. 受理告知期限 (《信访工作条例》第二十三条) stops on
# 受理, 不予受理 or 转送; the step that decides also issues the written notice the same day (jiefen.cases.notices:
# 受理告知书, 不予受理告知书, 转送告知书), so the clock's finished_on is the day of the decision and of its notice.
# 办理期限 (第三十四条, 申诉求决 matters, extensions included) stops on the written answer or a 转送.
ACCEPTANCE_CLOCK = "acceptance"
HANDLING_CLOCK = "handling"
TIMELINESS_CLOCKS = (ACCEPTANCE_CLOCK, HANDLING_CLOCK)


def rate(part, whole):
    """A percentage to one decimal, None for an empty whole."""
    return round(part * 100 / whole, 1) if whole else None


def left_stock(c):
    """Cases that left the stock: 办结 (办结、终结), 不予受理 and 转送. `c` is a Counter of models.COUNTERS."""
    return c["closed"] + c["not_accepted"] + c["forwarded"]


def resolution_rate(c):
    """化解率 = 实际化解（resolved）的办结件 ÷ 办结件 (DONE; not 不予受理 nor 转送)."""
    return rate(c["resolved"], c["closed"])


def acceptance_due(c):
    """Matters whose acceptance clock ran out in the period: decided (by then or later), or still undecided."""
    return c["acceptance_decided"] + c["acceptance_overdue"]


def timely_acceptance_rate(c):
    """及时受理率 = decided (and notified) by the due date ÷ acceptance due in the period (acceptance_due)."""
    return rate(c["acceptance_timely"], acceptance_due(c))


def handling_due(c):
    """Matters whose handling clock ran out in the period: answered (by then or later), or still unanswered."""
    return c["handling_done"] + c["handling_overdue"]


def on_time_rate(c):
    """按期办结率 = answered by the due date ÷ handling due in the period (handling_due)."""
    return rate(c["handling_on_time"], handling_due(c))


DEFINITIONS = {
    "received": _("登记：期间内登记的信访事项和矛盾纠纷件数（按登记时间；一案一码，同一事项再次来访不另计件）"),
    "accepted": _("受理：期间内决定受理的件数（按受理日期）；尚未决定、不予受理和转送的不计"),
    "persons": _("期间内每次来访、来信、来电的人数之和（含老案件的再次来访）"),
    "contacts": _("期间内来访、来信、来电的次数"),
    "closed": _(
        "办结：期间内办结或终结的件数（按办结日；经复查、复核重新启动的，按最后一次办结日计）；"
        "不予受理、转送的另行统计，不计入办结"
    ),
    "not_accepted": _("期间内决定不予受理（告知通过法定途径解决）的件数，不计入办结"),
    "forwarded": _("期间内转送有权处理的机关、单位的件数，不计入办结"),
    "resolved": _(
        "化解率 = 实际化解的办结件 ÷ 办结件（办结件含终结，不含不予受理、转送）；"
        "是否实际化解在办结时确认，与是否满意分开统计"
    ),
    "timely_acceptance": _(
        "及时受理率 = 在受理告知期限内作出受理、不予受理或转送决定并出具书面告知的件数 ÷ "
        "受理告知期限在期间内届满的件数（《信访工作条例》第二十三条）；届满仍未决定的计为未及时，"
        "期限尚未届满又未决定的暂不计入；姓名、住址不清不适用期限的不计"
    ),
    "on_time": _(
        "按期办结率 = 在办理期限内书面答复（或转送）的件数 ÷ 办理期限在期间内届满的件数"
        "（申诉求决类，《信访工作条例》第三十四条，含经批准的延期）；届满仍未办结的计为未按期，"
        "期限尚未届满又未办结的暂不计入；调解期限为指导性期限，不计"
    ),
    "handling_days": _("办结件从登记到办结的自然日数：平均值和90%分位（90%的事项在该天数内办结）"),
    "satisfaction": _("期间内登记、已有回访或网上评价的事项中，评价为满意或基本满意的比例"),
    "single": _("最多访一次：办结件中只来访（来电、来信）过一次的比例"),
    "repeat": _("期间内登记的事项中，已再次来访（来电、来信）的比例"),
    "open_start": _("期初存量：期间开始前一日终了时尚未办结的件数"),
    "open_end": _("期末存量：期间最后一日（或今天）终了时尚未办结的件数"),
    "left_stock": _("出存量：办结（含终结）、不予受理、转送的件数"),
    "overdue": _("当前已超过法定期限仍未完成的件数（实时）"),
    "visits": _("期间内网格员等入户走访的户次；排查纠纷为期间内录入矛盾纠纷台账的件数"),
    "hard_cases": _(
        "当前未办结的疑难积案（1211）件数，及“一个专班、两名包案领导、一套稳控措施、一套完整资料”已全部落实的件数"
    ),
    "key_people": _("在管重点人员人数，及已超过走访周期未走访的人数"),
}
