"""The articles the case lifecycle prints outside the clock rules, each read against the text, with its source.

The clocks' articles are configuration (clocks.ClockRule.legal_basis and .source); these are the others: what a
notice, a refusal or a page cites. An article is printed only once it has been read in the published text
(issue 12); where it could not be, the rule is printed without a number.

《信访工作条例》 (中共中央、国务院 2022年2月25日发布, 2022年5月1日施行): read in full at LawRefBook/Laws
行政法规/信访工作条例.md (commit c6114ee7); its numbering agrees with the articles 福田区信访局 cites by number
(szft.gov.cn: 第二十二条第一款 post_11270908, 第二十三条第一款 post_12295983, 第二十三条第三款 post_12403598).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

XFTL = "《信访工作条例》"
XFTL_SOURCE = "LawRefBook/Laws 行政法规/信访工作条例.md（c6114ee7）；条序经福田区信访局 szft.gov.cn 引文核对"


@dataclass(frozen=True)
class Article:
    cite: str  # as printed: 《信访工作条例》第二十三条第一款
    gist: str | Promise  # the rule in a sentence, as printed beside the citation where the page explains it
    source: str

    def __str__(self):
        return self.cite


# 转送: 告知信访人转送、交办去向.
FORWARD = Article(
    XFTL + "第二十三条第一款",
    _("对属于本系统下级机关、单位职权范围的，应当转送、交办有权处理的机关、单位，并告知信访人转送、交办去向"),
    "szft.gov.cn post_12295983（福田区信访局）；" + XFTL_SOURCE,
)
# 转送、交办 from above: 15 days to tell the petitioner, 5 working days to object.
FROM_ABOVE = Article(
    XFTL + "第二十三条第三款",
    _("对转送、交办的信访事项，属于本机关职权范围的，自收到之日起15日内书面告知信访人接收情况以及处理途径和程序；"
      "不属于的，自收到之日起5个工作日内提出异议"),
    "szft.gov.cn post_12403598（福田区信访局）；" + XFTL_SOURCE,
)
SUGGESTION = Article(
    XFTL + "第二十九条第一款",
    _("对建议意见类事项，有权处理的机关、单位应当认真研究论证；科学合理、具有现实可行性的，应当采纳或者部分采纳，"
      "并予以回复"),
    XFTL_SOURCE,
)
ACCUSATION = Article(
    XFTL + "第三十条第一款",
    _("对检举控告类事项，纪检监察机关或者有权处理的机关、单位应当依规依纪依法接收、受理、办理和反馈"),
    XFTL_SOURCE,
)
# Never to the accused (the whistleblower rule, jiefen.cases.access).
ACCUSATION_SECRECY = Article(
    XFTL + "第三十条第三款",
    _("不得将信访人的检举、揭发材料以及有关情况透露或者转给被检举、揭发的人员或者单位"),
    XFTL_SOURCE,
)
# 申诉求决 answered with a 信访处理意见书 (第三十一条第六项), its outcomes (第三十二条).
CLAIM_OPINION = Article(
    XFTL + "第三十一条第六项",
    _("听取信访人陈述事实和理由，并调查核实，出具信访处理意见书"),
    XFTL_SOURCE,
)
OPINION_OUTCOMES = Article(
    XFTL + "第三十二条",
    _("信访处理意见书应当载明信访人投诉请求、事实和理由、处理意见及其法律法规依据：予以支持、作出解释说明或者不予支持"),
    XFTL_SOURCE,
)
# 复核意见: the same facts and reasons are not accepted again.
FINAL = Article(
    XFTL + "第三十六条第三款",
    _("信访人对复核意见不服，仍然以同一事实和理由提出投诉请求的，各级党委和政府信访部门和其他机关、单位不再受理"),
    XFTL_SOURCE + "；条文另见广东省信访局 gdwsxf.gd.gov.cn post_3962125",
)
# 多人走访: 推选代表, at most five.
REPRESENTATIVES = Article(
    XFTL + "第二十条第三款",
    _("多人采用走访形式提出共同的信访事项的，应当推选代表，代表人数不得超过5人"),
    XFTL_SOURCE,
)

# 《中华人民共和国人民调解法》 (2010年8月28日通过, 2011年1月1日施行): read in full at LawRefBook/Laws
# 诉讼与非诉讼程序法/人民调解法(2010-08-28).md (commit ad3fc7a7); the same numbering in the annotated editions
# quoted at daowen.com (book 235878214, 第二十七至三十三条) and m.ibooks.qq.com (1040457420, 第三十三条).
RMTJ_SOURCE = (
    "LawRefBook/Laws 诉讼与非诉讼程序法/人民调解法(2010-08-28).md（ad3fc7a7）；daowen.com、ibooks.qq.com 释义本条序一致"
)
AGREEMENT_BINDING = Article(
    "《中华人民共和国人民调解法》第三十一条第一款",
    _("经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行"),
    RMTJ_SOURCE,
)
JUDICIAL_CONFIRMATION = Article(
    "《中华人民共和国人民调解法》第三十三条第一款",
    _("双方当事人认为有必要的，可以自调解协议生效之日起三十日内共同向人民法院申请司法确认"),
    RMTJ_SOURCE,
)

ALL = {
    "forward": FORWARD, "from_above": FROM_ABOVE, "suggestion": SUGGESTION, "accusation": ACCUSATION,
    "accusation_secrecy": ACCUSATION_SECRECY, "claim_opinion": CLAIM_OPINION, "opinion_outcomes": OPINION_OUTCOMES,
    "final": FINAL, "representatives": REPRESENTATIVES, "agreement_binding": AGREEMENT_BINDING,
    "judicial_confirmation": JUDICIAL_CONFIRMATION,
}
