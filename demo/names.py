"""Invented names: people, places and units of the fictional city of 清河市.

Person names are drawn at random from common surnames and given-name characters, so they
belong to nobody in particular. Place names are composed from two syllables; the districts
and counties have fixed invented names.
"""

import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱覃武戴莫孔"
)
GIVEN_CHARS = (
    "建国军华平明伟强磊洋勇艳杰娟涛超霞秀英敏静丽芳燕玲桂兰红梅海波宁志刚永辉晓东雪峰文斌春林德荣"
    "俊鹏飞宇凯欣怡佳琪晨阳思远子涵雨萱浩然一鸣嘉怡振兴立新卫东秋菊玉珍淑芬国庆建军光明学武庆丰"
)

CITY_NAME = "清河市"
CITY_CODE = "QH"

# (name, 区 or 县): invented; 区 have 街道 and 镇, 县 have 镇 and 乡.
DISTRICTS = [
    ("青岚区", "区"),
    ("澄溪区", "区"),
    ("柳湾区", "区"),
    ("鹤鸣县", "县"),
    ("云栖县", "县"),
    ("枫渡县", "县"),
]

# Municipal units: (short name, party org type). The first is the discipline commission's
# own organs, the employer of the embedded discipline groups; it is not inspected by the city.
MUNICIPAL_UNITS = [
    ("市纪委监委机关", "committee"),
    ("市发展和改革委员会", "leading_group"),
    ("市教育局", "leading_group"),
    ("市财政局", "leading_group"),
    ("市人力资源和社会保障局", "leading_group"),
    ("市自然资源和规划局", "leading_group"),
    ("市住房和城乡建设局", "leading_group"),
    ("市交通运输局", "leading_group"),
    ("市水利局", "leading_group"),
    ("市农业农村局", "leading_group"),
    ("市卫生健康委员会", "leading_group"),
    ("市市场监督管理局", "leading_group"),
    ("市医疗保障局", "leading_group"),
    ("市审计局", "leading_group"),
    ("市民政局", "leading_group"),
    ("市生态环境局", "leading_group"),
    ("市文化广电和旅游局", "leading_group"),
    ("市应急管理局", "leading_group"),
    ("市商务局", "leading_group"),
    ("市直机关工委", "working_committee"),
]
ENTERPRISES = ["清河城市建设投资集团有限公司", "清河水务集团有限公司", "清河交通投资集团有限公司"]
INSTITUTIONS = ["清河市第一人民医院", "清河职业技术学院"]

# District units: the first is the district discipline commission's organs (employer only).
DISTRICT_UNITS = [
    ("纪委监委机关", "branch"),
    ("发展和改革局", "leading_group"),
    ("教育局", "leading_group"),
    ("财政局", "leading_group"),
    ("农业农村局", "leading_group"),
    ("卫生健康局", "leading_group"),
    ("住房和城乡建设局", "leading_group"),
    ("民政局", "leading_group"),
    ("水利局", "leading_group"),
    ("市场监督管理局", "leading_group"),
    ("人力资源和社会保障局", "leading_group"),
    ("自然资源局", "leading_group"),
]
STATIONS = ["卫生院", "中心学校", "农业综合服务中心", "财政所", "便民服务中心", "文化站"]

PLACE_FIRST = "桃柳石金龙凤清新安永长兴和平东西南白黄青红花杨马高双官沙塘岭坪溪泉田湾竹梅松槐枣杏荷莲云霞"
PLACE_SECOND = "桥岭坪溪湾塘冲坝铺店集口庄堡园林洲港源泉峪岗寨营沟屯河湖山田"


class NameBook:
    """Draws names from the demo's own random generator, avoiding repeats where it matters."""

    def __init__(self, rnd: random.Random):
        self.rnd = rnd
        self.used_people: set[str] = set()

    def person(self, unique: bool = True) -> str:
        for _attempt in range(50):
            surname = self.rnd.choice(SURNAMES)
            if self.rnd.random() < 0.7:
                given = self.rnd.choice(GIVEN_CHARS) + self.rnd.choice(GIVEN_CHARS)
            else:
                given = self.rnd.choice(GIVEN_CHARS)
            name = surname + given
            if not unique or name not in self.used_people:
                self.used_people.add(name)
                return name
        return name

    def place(self, avoid: set[str]) -> str:
        for _attempt in range(200):
            name = self.rnd.choice(PLACE_FIRST) + self.rnd.choice(PLACE_SECOND)
            if name not in avoid and name[0] != name[1]:
                avoid.add(name)
                return name
        # Very large scales exhaust two syllables: add a third.
        while True:
            name = self.rnd.choice(PLACE_FIRST) + self.rnd.choice(PLACE_FIRST) + self.rnd.choice(PLACE_SECOND)
            if name not in avoid:
                avoid.add(name)
                return name


CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (1..99)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


# Positions of people named in clues, sanctions and measures, by organization level.
POSITIONS = {
    "municipal_unit": [
        "党组书记、局长",
        "党组成员、副局长",
        "办公室主任",
        "财务科科长",
        "项目管理科科长",
        "二级调研员",
    ],
    "enterprise": [
        "党委书记、董事长",
        "党委副书记、总经理",
        "副总经理",
        "财务部经理",
        "工程管理部经理",
        "子公司总经理",
    ],
    "institution": ["党委书记", "院长", "副院长", "总务科科长", "设备科科长", "基建办主任"],
    "district": ["区委常委", "副区长", "区政府办主任", "区直单位主要负责人"],
    "district_unit": ["党组书记、局长", "党组成员、副局长", "股长", "下属事业单位负责人"],
    "township": ["党委书记", "党委副书记、镇长", "党委委员、副镇长", "财政所所长", "农业综合服务中心主任"],
    "village": ["村党支部书记、村委会主任", "村委会副主任", "村报账员", "村务监督委员会主任", "村民小组长"],
    "station": ["院长", "校长", "所长", "站长", "会计"],
    "committee": ["市直单位主要负责人"],
}
HEAD_POSITION = {
    "municipal_unit": "党组书记",
    "enterprise": "党委书记、董事长",
    "institution": "党委书记",
    "district": "区委书记",
    "district_unit": "党组书记",
    "township": "党委书记",
    "village": "村党组织书记",
    "station": "支部书记",
    "committee": "书记",
}
CADRE_POSITIONS = {
    "inspection_office": ["市委巡察办副主任", "市委巡察办综合科科长", "市委巡察办一级主任科员", "市委巡察办四级调研员"],
    "discipline_group": ["市纪委监委派驻纪检监察组组长", "派驻纪检监察组副组长", "派驻纪检监察组三级主任科员"],
    "district_office": ["区委巡察办主任", "区委巡察办副主任", "区委巡察办一级科员"],
    "seconded": ["办公室主任", "科长", "副科长", "一级主任科员", "财务审计科科长"],
    "expert": ["审计师", "高级会计师", "工程造价师"],
}
