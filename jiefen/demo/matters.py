"""What the demo's cases are about (`Matter`), with the texts each of their steps needs: petitions, disputes,
accusations, matters not accepted or forwarded, and the notes of investigations and mediation sessions.
"""

from dataclasses import dataclass

from jiefen.cases.models import LegalClass


@dataclass(frozen=True)
class Matter:
    """What a case is about, with the texts its steps need; {placeholders} are filled per case."""

    category: str
    unit: str  # department that handles it, or "village" for the village (community) itself
    request: str
    facts: str
    support: str  # reply when the request is supported; for a dispute, the terms agreed
    explain: str = ""
    reject: str = ""
    legal_class: str = LegalClass.CLAIM
    place: str = "any"  # "village", "community" or "any"
    respondent: str = ""  # "person", "kin", "company" or ""
    company: str = "factory"
    amount: tuple = (3000, 20000)
    age: tuple = (26, 72)
    female: bool = False  # the petitioner is a woman (a widow, a mother)
    monthly: bool = False  # {amount} is {months} months of a worker's wage
    migrant: float = 0.0
    weight: int = 2
    fail: str = ""  # dispute: why mediation failed, the referral route and the guidance given
    route: str = ""
    guidance: str = ""

    @property
    def dispute(self):
        return self.legal_class == LegalClass.DISPUTE


COMPANIES = {
    "build": ["青山宏达建筑劳务有限公司", "锦程装饰工程有限公司", "永安建设工程有限公司"],
    "factory": ["华盛竹木制品厂", "恒丰五金制品厂", "青山县鑫磊石材有限公司", "绿源茶叶加工厂", "金桥电子有限公司"],
    "farm": ["青溪苗木专业合作社", "绿野家庭农场", "百果园果蔬专业合作社"],
    "estate": ["青山县金岭房地产开发有限公司", "桐江置业有限公司"],
}
PROJECTS = ["杭淳高速青山连接线", "青山工业园区二期", "城东安置小区", "S213省道改建工程", "青山中学扩建工程"]
REVIEW_NOTICE = "如对本处理意见不服，可自收到本意见书之日起30日内向青山县人民政府请求复查。"

M = Matter
WAGE_GROUP = M(
    "劳动工资", "劳动保障所", "要求{company}支付拖欠的务工工资共计{amount}元",
    "{year}年{month}月起在{company}承接的{project}工地务工，工程完工后公司以总包方工程款未结清为由拖欠工资，"
    "多次讨要无果，临近年关急需用钱。",
    "经镇劳动保障所约谈{company}负责人，并督促总包单位通过农民工工资专用账户代发，拖欠的工资{amount}元已全部支付到位。",
    "经核实，{company}与总包单位存在工程款结算争议，镇劳动保障所已督促其制定分期支付计划并报县人社局备案，"
    "同时告知可向县劳动保障监察大队投诉或申请劳动仲裁。",
    company="build", respondent="company", amount=(68000, 186000), migrant=0.7, weight=0,
)
LAND_GROUP = M(
    "土地征收", "自然资源所", "要求提高{project}项目征地补偿标准，尽快发放青苗及地上附着物补偿款",
    "{village}{group}组约{area}亩承包地被{project}项目征收，村民认为补偿标准低于相邻乡镇，青苗和附着物补偿款至今未发放到户。",
    "经核实，青苗及附着物补偿款已拨付至镇财政所，因补偿清册核对延误未及时发放，现已全部发放到户；"
    "征地补偿标准按省定区片综合地价执行，已逐户解释。",
    "征地补偿按省政府公布的区片综合地价执行，本项目与相邻乡镇属同一区片、标准一致；补偿清册已在村务公开栏公示。",
    place="village", weight=0,
)
PIG_FARM = M(
    "环境保护", "生态环境办", "反映{village}一养猪场污水直排河道，要求整治",
    "养猪场粪污未经处理直接排入村前小河，河水发黑发臭，下游村民无法洗衣、灌溉。",
    "经生态环境办会同农业农村办现场核查，已责令养殖户停止排放、建设粪污处理设施，现已整改到位，河道已清淤。",
    place="village", weight=0,
)
FISHPOND = M(
    "农村土地承包", "village", "反映村委会未经公开招标将村集体鱼塘续包给他人，要求重新公开发包",
    "村集体{area}亩鱼塘原承包合同今年到期，村委会未召开村民代表会议，也未公开招标，直接与原承包户续签了十年合同。",
    "经核查，续包程序不符合村集体资产管理规定，已督促村委会终止续包合同，通过镇农村产权交易平台公开招标重新发包。",
    "经核查，续包事项已经村民代表会议表决通过并张榜公示，程序合法有效；已向你出示会议记录和公示材料。",
    place="village", weight=1,
)
DIBAO = M(
    "社会保障", "民政办", "申请将其家庭纳入农村最低生活保障",
    "丈夫前年因病去世，本人患慢性肾病需长期服药，儿子在县城读高中，家中仅有{area}亩承包地，无其他稳定收入。",
    "经入户调查和村民代表评议，你家庭符合低保条件，已报县民政局审批，自下月起按月发放低保金。",
    "经入户核查，你家庭人均收入略高于本县低保标准，暂不符合纳入条件；已为你申请临时救助，家庭情况变化后可重新申请。",
    "经入户核查，你家庭在县城购有商品房一套，依照本省最低生活保障审核确认办法不符合纳入条件，不予支持。",
    age=(45, 62), female=True, weight=2,
)
HOMESTEAD = M(
    "宅基地", "自然资源所", "申请审批农村宅基地建房，要求告知审批进度",
    "家中四口人住在父辈留下的老房，房屋年久失修，{year}年{month}月提交了宅基地建房申请，至今没有答复。",
    "经核查，你的申请材料齐全，符合一户一宅条件，镇自然资源所已完成现场踏勘，审批手续已办结，已发放乡村建设规划许可证。",
    "经核查，申请地块位于永久基本农田范围内，不能审批建房；已告知可在村庄规划确定的建房区内重新选址申请。",
    "经核查，你家庭已有一处宅基地且面积符合标准，不符合一户一宅规定，依法不予批准。",
    place="village", weight=3,
)
DEMOLITION = M(
    "房屋拆迁", "城建办", "要求对其在{project}中被拆除的房屋重新测量面积，按实际面积补偿",
    "其房屋为两层半砖混结构，评估报告认定的面积比实际少约{sqm}平方米，附属用房未计入。",
    "经镇城建办会同评估公司重新测量，已将漏计的附属用房{sqm}平方米纳入补偿，并签订补充协议。",
    "经复核测量，评估面积与不动产登记面积一致，附属用房系未经审批的临时搭建，依法按材料费给予适当补助。",
    weight=1,
)
LAND_PUBLISH = M(
    "土地征收", "village", "要求村委会公开{project}征地补偿款的分配方案和使用情况",
    "村里收到征地补偿款已有半年，村集体留存部分的用途村民不清楚，多次要求公开未果。",
    "已督促村委会召开村民代表大会，将补偿款分配方案和集体留存部分的使用计划张榜公示。",
    "补偿款已按村民代表大会通过的分配方案发放到户，集体留存部分存入镇农村集体“三资”代理账户，尚未使用。",
    place="village", weight=1,
)
PENSION = M(
    "社会保障", "劳动保障所", "反映其城乡居民基本养老保险待遇自{month}月起停发，要求恢复发放",
    "本人今年{age}岁，一直按时领取养老金，{month}月起未到账，到银行查询被告知待遇已暂停。",
    "经查系年度待遇资格认证未完成导致暂停，劳动保障所已上门为你完成认证，停发期间的养老金已补发到位。",
    age=(62, 80), weight=2,
)
CONTRACT_AREA = M(
    "农村土地承包", "农业农村办", "反映其家庭承包地确权登记面积少了{area}亩，要求更正",
    "第二轮承包时其家庭承包{n}亩，确权颁证后发现证载面积比原承包合同少{area}亩，相邻农户的面积却增加了。",
    "经农业农村办会同村委会现场复测，确属测绘错误，已更正确权数据并换发土地承包经营权证。",
    "经现场复测，证载面积与实测面积一致，原承包合同面积为估算面积，已向你解释说明。",
    place="village", weight=2,
)
WAGE = M(
    "劳动工资", "劳动保障所", "反映{company}拖欠其{months}个月工资共{amount}元，要求尽快支付",
    "本人在{company}做操作工，自{year}年{month}月起工资未按月发放，厂方称订单减少、资金周转困难，至今未给出支付时间。",
    "经劳动保障所调查核实，{company}确有拖欠，已责令其限期支付，拖欠工资{amount}元已发放到位。",
    "经核实，{company}已与职工协商确定分三个月付清欠薪，劳动保障所将跟踪督促；到期仍未支付的，可向县劳动保障监察大队投诉。",
    respondent="company", monthly=True, migrant=0.4, weight=6,
)
NOISE = M("环境保护", "生态环境办", "反映{company}夜间生产噪音扰民，要求限制生产时间",
    "{company}距居民区不足五十米，近期每晚加班到凌晨，机器轰鸣声和货车进出噪音严重影响周边居民休息。",
    "经生态环境办夜间现场监测，厂界噪声超标，已责令企业加装隔音设施，晚上十点后停止生产。",
    "经夜间监测，厂界噪声符合标准限值；已要求企业合理安排货车进出时间，减少对居民的影响。",
    respondent="company", weight=3)
ROAD = M("城乡建设", "village", "要求修复村里主干道破损路面",
    "村道长期被重载车辆碾压，多处出现坑洼和断板，雨天积水，学生上学和村民出行存在安全隐患。",
    "已将该路段纳入今年农村公路养护计划，镇城建办已组织施工队完成破损路面修复。",
    "该路段已列入明年农村公路提升改造计划，近期先对坑洼处铺设碎石应急修补，并设置警示标志。",
    place="village", weight=2)
ELEVATOR = M("城乡建设", "城建办", "反映小区电梯长期故障、物业公司不作为",
    "所住{village}{estate}3幢电梯多次困人，报修后物业一直以维修资金不足推脱，楼内老人上下楼困难。",
    "经城建办约谈物业公司，已启用住宅专项维修资金更换电梯主机，电梯已恢复运行并通过特种设备检验。",
    place="community", weight=2)
BUS_STOP = M("民生服务", "社会事务办", "建议在村口增设公交停靠站点",
    "村民到镇上和县城需步行两公里到国道边候车，老人和学生出行很不方便。",
    "经与县交通运输局和公交公司沟通，已在村口增设公交停靠站并调整班次。",
    "已将建议转县交通运输局，因该路段路面宽度不足暂不具备设站条件，待村道拓宽后统筹考虑。",
    legal_class=LegalClass.SUGGESTION, place="village", weight=1)
WATER = M("民生服务", "城建办", "反映自来水水压低、经常停水",
    "入夏以来地势较高的几个组每天下午自来水基本无水，已持续一个多月。",
    "经协调县供水公司，已在高位区域加装二次加压泵站，供水恢复正常。", weight=2)
DOGS = M("其他", "派出所", "反映村里流浪犬伤人，要求处理",
    "近期村口有几条无主流浪犬聚集，已有两名村民被咬伤，孩子上学要大人接送。",
    "派出所会同村委会对流浪犬进行了收容处置，并开展文明养犬宣传。", weight=1)
PETITIONS = [
    WAGE,
    M("劳动工资", "劳动保障所", "要求{company}结清其在{project}做工的工钱{amount}元",
      "在{project}跟班组做钢筋工{months}个月，包工头称公司未拨款，工钱一直未结。",
      "经劳动保障所协调，施工总承包单位通过农民工工资专用账户代为支付，工钱{amount}元已到账。",
      "经核实，{company}与班组长对工程量存在争议，劳动保障所已组织三方对账，欠付部分限期支付。",
      respondent="company", company="build", amount=(8000, 30000), migrant=0.7, weight=5),
    M("社会保障", "劳动保障所", "要求{company}为其补缴在职期间的职工社会保险费",
      "在{company}工作{n}年，公司一直未为其缴纳社会保险，今年办理退休手续时才发现。",
      "经劳动保障所责令整改，{company}已为你补缴在职期间的职工养老保险费。",
      "经核实，超过追缴时效部分已告知可向县社保中心申请稽核，其余部分公司已补缴。",
      respondent="company", age=(50, 60), weight=1),
    DIBAO, PENSION,
    M("社会保障", "民政办", "要求落实其残疾儿子的困难残疾人生活补贴和重度残疾人护理补贴",
      "儿子为肢体二级残疾，去年申请补贴后一直未见发放，不清楚办理进度。",
      "经核实申请已经县残联审核通过，因银行账户信息有误未能发放，现已更正并补发到位。", age=(45, 70), weight=1),
    M("土地征收", "自然资源所", "要求补发征地时漏算的青苗补偿款",
      "其家{area}亩承包地被{project}征收，补偿清册只计算了土地补偿，地里的茶树和果树没有计入。",
      "经自然资源所会同村委会现场核对，确有漏算，已补发青苗补偿款{amount}元。",
      "经核对征收时的现场调查表，地上附着物已按实清点并经你签字确认，补偿已足额发放。",
      place="village", amount=(2000, 9000), weight=2),
    LAND_PUBLISH, DEMOLITION,
    M("房屋拆迁", "城建办", "要求继续发放拆迁过渡费",
      "其家房屋因{project}拆迁，安置房至今未交付，过渡费却从{month}月起停发。",
      "经城建办核实，安置房交付延期，过渡费已按协议补发并继续按月发放至交房为止。", weight=1),
    CONTRACT_AREA, FISHPOND,
    M("农村土地承包", "农业农村办", "要求{company}支付拖欠的土地流转租金",
      "组里{n}户农户将{area}亩承包地流转给{company}种植苗木，合同约定每年年底支付租金，{year}年度租金至今未付。",
      "经农业农村办和村委会协调，{company}已分两期付清拖欠的土地流转租金。",
      "{company}因经营困难申请延期支付，经协调已签订补充协议，约定三个月内付清并承担逾期利息。",
      respondent="company", company="farm", place="village", weight=1),
    HOMESTEAD,
    NOISE,
    M("环境保护", "生态环境办", "反映{company}石材加工粉尘污染，要求整改",
      "厂区露天切割石料，粉尘飘到周边农户家中和菜地，晾晒的衣物都不能收。",
      "已责令企业对切割车间全封闭改造并配备喷淋降尘设备，整改后经复查粉尘明显减少。",
      respondent="company", weight=1),
    ROAD,
    ELEVATOR,
    M("城乡建设", "城建办", "反映房屋后山边坡雨季有滑坡隐患，要求治理",
      "屋后山体为土质边坡，今年汛期已局部垮塌，泥土冲到后墙，一家人晚上不敢睡觉。",
      "经自然资源所和城建办现场踏勘，已将该点列入地质灾害隐患点，落实监测责任人，并完成挡土墙和排水沟修建。",
      place="village", weight=1),
    BUS_STOP,
    M("民生服务", "民政办", "建议在村里建设老年食堂",
      "村里七十岁以上老人有一百多人，不少是独居，子女在外打工，吃饭是个难题。",
      "已将该村纳入今年居家养老服务中心建设计划，老年食堂已于近期开餐，七十岁以上老人用餐享受补贴。",
      legal_class=LegalClass.SUGGESTION, place="village", age=(60, 78), weight=1),
    WATER,
    DOGS,
    M("山林水利", "农业农村办", "要求修复{group}组灌溉水渠",
      "{group}组灌溉渠道年久失修，渠壁坍塌，春耕放水到不了田里，约{area}亩水田受影响。",
      "已将该水渠纳入小型农田水利设施维修项目，完成渠道硬化修复，赶在春耕前恢复通水。", place="village", weight=2),
    M("干部作风", "党政办", "反映镇便民服务中心窗口工作人员办事推诿、态度生硬",
      "到便民服务中心办理新农合缴费证明，先后跑了三趟，每次都被告知材料不全，每次说法都不一样。",
      "经核查情况属实，已对相关工作人员批评教育，并落实首问负责和一次性告知制度。", weight=1),
]

DISPUTES = [
    M("邻里纠纷", "village", "要求邻居{other}拆除在两家之间通道上砌筑的围墙，恢复通行",
      "两家共用的通道宽约一米五，{other}今年{month}月在通道中间砌了一道围墙，称属自家宅基地，致其家农用车无法进出。",
      "{other}同意将围墙后退五十厘米，保留一米二宽通道供双方共同通行，拆改费用由{other}承担，双方不得在通道上堆放杂物。",
      legal_class=LegalClass.DISPUTE, respondent="person", place="village", weight=3),
    M("宅基地", "village", "要求确认与邻居{other}之间的宅基地边界",
      "{other}翻建新房时地基超出原老房基址，占用了其家滴水位置，双方多次争吵。",
      "经现场丈量，以原老房墙基为界，{other}对超出部分已建墙体不再拆除，一次性补偿{amount}元，双方签字确认界址。",
      legal_class=LegalClass.DISPUTE, respondent="person", place="village", amount=(2000, 8000), weight=3,
      fail="双方对宅基地四至界线各执一词，{other}坚持新房未超出自家宅基地范围，调解不成。", route="admin_ruling",
      guidance="告知双方属土地权属争议，可向镇人民政府申请调查处理；对处理决定不服的，可依法申请行政复议或提起行政诉讼。"),
    M("邻里纠纷", "village", "反映楼上住户{other}长期夜间噪音扰民",
      "楼上住户经常深夜拖动桌椅、孩子跑跳，多次上门沟通无果，双方发生争执。",
      "{other}承诺晚上十点后控制噪音，在客厅铺设地垫；双方互留联系方式，有问题先行沟通。",
      legal_class=LegalClass.DISPUTE, respondent="person", place="community", weight=2),
    M("邻里纠纷", "village", "要求邻居{other}恢复原排水沟走向",
      "{other}硬化院坝时将排水沟改道，下雨时雨水直接灌进其家院内和厨房。",
      "{other}在院坝边另修一条排水沟接入村主排水渠，费用双方各半，工程于协议签订后十五日内完工。",
      legal_class=LegalClass.DISPUTE, respondent="person", place="village", weight=2),
    M("邻里纠纷", "village", "要求邻居{other}修剪遮挡其房屋采光的树木",
      "{other}家院边的几棵香樟树长得比房子还高，一楼常年见不到阳光，墙面返潮发霉。",
      "{other}同意本月底前将靠近其房屋的三棵香樟树修剪至二楼窗台以下，今后每年修剪一次。",
      legal_class=LegalClass.DISPUTE, respondent="person", weight=1),
    M("婚姻家庭", "司法所", "要求子女履行赡养义务，按月支付赡养费",
      "本人今年{age}岁，老伴已去世，三个子女以各种理由推脱赡养，本人患高血压，生活难以自理。",
      "三名子女每人每月支付赡养费六百元，每四个月轮流负责照料老人日常生活，医疗费用凭票据三人平均分担。",
      legal_class=LegalClass.DISPUTE, respondent="kin", age=(70, 86), weight=2),
    M("婚姻家庭", "司法所", "要求前夫{other}按离婚协议支付孩子抚养费",
      "离婚协议约定{other}每月支付抚养费一千元，自去年起未再支付，已累计拖欠{amount}元。",
      "{other}于协议签订之日起三十日内一次性支付拖欠的抚养费{amount}元，此后每月十日前按时支付。",
      legal_class=LegalClass.DISPUTE, respondent="person", amount=(6000, 16000), age=(28, 42), female=True, weight=1,
      fail="{other}以收入减少为由不同意支付拖欠的抚养费，调解不成。", route="litigation",
      guidance="告知可向人民法院起诉要求支付抚养费，已联系镇法律服务所为其提供法律援助。"),
    M("婚姻家庭", "village", "因父母老宅继承问题与兄弟{other}发生纠纷",
      "父母去世后留下三间老宅，{other}一直居住并拒绝其他兄弟姐妹分割，兄弟间多次争吵。",
      "老宅由{other}继承，{other}向其他兄弟姐妹各支付折价款{amount}元，于三个月内付清。",
      legal_class=LegalClass.DISPUTE, respondent="kin", amount=(20000, 60000), weight=1),
    M("山林水利", "village", "与邻村村民{other}因自留山林地边界发生争执",
      "双方山林以山脊为界，{other}砍伐杉木时越界砍了其家{n}棵杉木。",
      "双方以山脊分水线为界共同埋设界桩，{other}赔偿越界砍伐杉木损失{amount}元。",
      legal_class=LegalClass.DISPUTE, respondent="person", place="village", amount=(1500, 6000), weight=1,
      fail="双方对山脊走向认识不一，均持有不同年代的山林权证，调解不成。", route="admin_ruling",
      guidance="告知双方属林木林地权属争议，可依法向县人民政府申请处理。"),
    M("山林水利", "village", "反映上游村民{other}截流，下游农田无法灌溉",
      "{other}在溪沟上游筑坝蓄水养鱼，下游{area}亩水田放不到水，秧苗快要枯死。",
      "双方约定灌溉期间上游每日早六时至中午十二时开闸放水，由村民小组长负责监督。",
      legal_class=LegalClass.DISPUTE, respondent="person", place="village", weight=1),
    M("劳动工资", "司法所", "要求雇主{other}支付装修工钱{amount}元",
      "为{other}家新房做了两个月木工活，完工后{other}以工程质量有问题为由拒付尾款。",
      "双方确认工钱总额，{other}扣除返工费用后于十日内支付{amount}元。",
      legal_class=LegalClass.DISPUTE, respondent="person", amount=(5000, 15000), weight=1,
      fail="双方对返工费用分歧较大，{other}坚持先鉴定质量再付款，调解不成。", route="litigation",
      guidance="告知可向人民法院提起诉讼，已为其联系县法院诉前调解和法律援助。"),
    M("其他", "village", "{other}家的狗咬伤其孙子，要求赔偿医药费",
      "其孙子放学路过{other}家门口时被未拴养的狗咬伤腿部，打了狂犬疫苗，花费医药费一千余元。",
      "{other}一次性赔偿医药费、误工费共计{amount}元，并将狗拴养。",
      legal_class=LegalClass.DISPUTE, respondent="person", amount=(1500, 4000), age=(55, 72), weight=1),
]

ACCUSATION_DEPT = M(
    "干部作风", "纪检监察室", "检举镇城建办工作人员在农房建设审批中向建房户索要好处费",
    "去年以来，该工作人员以“加快审批”为由向多名建房户收取“辛苦费”，每户一两千元不等，本人办理时被索要{amount}元。",
    "", legal_class=LegalClass.ACCUSATION, amount=(1000, 3000),
)
ACCUSATION_VILLAGE = M(
    "干部作风", "纪检监察室", "检举村干部在低保评定中优亲厚友",
    "村里新评定的低保户中有两户是村干部的亲属，家里有车有房，真正困难的几户却没有评上。",
    "经调查，反映的问题部分属实，已对相关村干部诫勉谈话，并由村民代表会议对全村低保对象重新评议公示。",
    legal_class=LegalClass.ACCUSATION, place="village",
)
# 不予受理, with the lawful channel the petitioner is told to use (诉访分离).
NOT_ACCEPTED = [
    (M("涉法涉诉", "综治办", "对县人民法院就其与{other}民间借贷纠纷作出的判决不服，要求镇政府重新处理",
       "认为法院判决认定的借款数额有误，已向法院反映多次。", "", respondent="person"),
     "该事项已由人民法院作出生效判决，属于应当通过诉讼程序解决的事项；可依法向上级人民法院申请再审，或向人民检察院申请法律监督",
     "申请再审或者检察监督"),
    (M("劳动工资", "劳动保障所", "要求原工作单位{company}支付解除劳动合同的经济补偿金",
       "在{company}工作{n}年，公司以经营调整为由解除劳动合同，未支付经济补偿。", "", respondent="company"),
     "该事项属于劳动争议，应当向青山县劳动人事争议仲裁委员会申请仲裁", "劳动人事争议仲裁"),
    (M("其他", "综治办", "对县市场监督管理局作出的罚款决定不服，要求撤销",
       "其经营的小超市因销售过期食品被罚款，认为处罚过重。", ""),
     "该事项属于对行政处罚决定不服，可自知道处罚决定之日起六十日内向青山县人民政府申请行政复议，或六个月内向人民法院提起行政诉讼",
     "行政复议或者行政诉讼"),
]
FORWARDED = (
    M("城乡建设", "城建办", "反映县城{company}开发的楼盘逾期交房一年多，要求开发商尽快交房并支付违约金",
      "购买的商品房合同约定去年六月交房，至今未交付，开发商一直拖延。", "", respondent="company", company="estate"),
    "青山县住房和城乡建设局",
)

NOTES = [
    "已电话联系信访人了解具体诉求，约定上门核实。", "会同村两委干部到现场查看，拍照留存。",
    "调阅相关档案资料，核对原始记录。",
    "召集相关各方座谈，听取意见。", "向县级主管部门咨询有关政策规定。", "入户走访，了解家庭实际情况。",
]
SESSION_NOTES = [
    "调解员分别听取双方陈述，释法明理，双方情绪趋于平稳，约定再次调解。",
    "组织双方到现场查看，对照有关规定逐项说明，双方各自作出让步。",
    "邀请村里老党员、退休教师参与调解，背对背做工作后双方初步达成一致意见。",
]
