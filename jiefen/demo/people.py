"""Names, ID numbers, phones and addresses for the demo's people: plausible for a county in Zhejiang."""

from stdnum.cn import ric
from stdnum.exceptions import ValidationError as NumberError

from . import DemoError

SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蒋余叶程魏苏吕丁沈姚卢钟方严"
MALE = ["建国", "国强", "志明", "德福", "长林", "海军", "伟", "勇", "军", "春生", "永福", "红兵", "金水", "水根",
        "建华", "立新", "文斌", "国平", "福生", "根宝", "雪峰", "树林", "有才", "土根", "小龙", "家明"]
FEMALE = ["秀英", "桂英", "丽华", "玉兰", "春花", "美玲", "小红", "翠萍", "金凤", "红梅", "雪梅", "素珍", "爱华",
          "秀兰", "彩霞", "燕", "静", "婷", "芳", "月娥"]
CLANS = {"马家村": "马", "杨家桥村": "杨", "东岭村": "李", "黄泥岗村": "黄"}
# Region codes valid for every birth year in stdnum's table: 桐庐县 and 淳安县, between which the fictional 青山县
# lies; migrant workers from 金堂, 黄平, 长沙县, 长丰, 南昌县, 凤台.
LOCAL_REGIONS = ["330122", "330122", "330122", "330127"]
MIGRANT_REGIONS = ["510121", "522622", "430121", "340121", "360121", "340421"]
PHONE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "157",
    "158",
    "159",
    "180",
    "181",
    "182",
    "183",
    "186",
    "187",
    "188",
    "189",
]
ESTATES = ["青山花园", "锦绣苑", "东湖小区", "文昌苑", "桂花园"]


def person_name(rng, male, surname=None):
    return (surname or rng.choice(SURNAMES)) + rng.choice(MALE if male else FEMALE)


def id_number(rng, birth, male, regions):
    """A GB 11643 ID number: region, birth date, sequence (odd for men), check digit; valid per stdnum."""
    for _attempt in range(20):
        sequence = rng.randrange(100) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
        body = f"{rng.choice(regions)}{birth:%Y%m%d}{sequence:03d}"
        try:
            return ric.validate(body + ric.calc_check_digit(body + "0"))
        except NumberError:
            continue
    raise DemoError(f"no valid ID number for {birth}")
