"""Reference data for the demo city: Wuhan's districts and streets, names, and population shape.

Codes follow the national statistical division codes (武汉市 420100000000, 武昌区 420106...);
street names are real, their three-digit codes are assigned in list order.  Centre coordinates
are the districts' approximate centres (WGS84).  Population shares follow the 2020 census for
Wuhan (0-14 about 13%, 60+ about 19%) closely enough for a demonstration.
"""

from __future__ import annotations

CITY_CODE = "420100000000"
CITY_NAME = "武汉市"
CITY_CENTER = (30.593, 114.305)

# (6-digit code, name, centre latitude, centre longitude, real streets in code order).
# Central districts first, so a small demo city lies in the old town.
DISTRICTS: list[tuple[str, str, float, float, list[str]]] = [
    ("420106", "武昌区", 30.553, 114.316, [
        "积玉桥街道", "杨园街道", "徐家棚街道", "粮道街道", "中华路街道", "黄鹤楼街道", "紫阳街道",
        "白沙洲街道", "首义路街道", "中南路街道", "水果湖街道", "珞珈山街道", "石洞街道", "南湖街道",
    ]),
    ("420102", "江岸区", 30.600, 114.309, [
        "大智街道", "一元街道", "车站街道", "四唯街道", "永清街道", "西马街道", "球场街道", "劳动街道",
        "二七街道", "新村街道", "丹水池街道", "台北街道", "花桥街道", "谌家矶街道", "后湖街道", "塔子湖街道",
    ]),
    ("420103", "江汉区", 30.601, 114.271, [
        "民族街道", "花楼街道", "水塔街道", "民权街道", "满春街道", "民意街道", "新华街道", "万松街道",
        "唐家墩街道", "北湖街道", "前进街道", "常青街道", "汉兴街道",
    ]),
    ("420104", "硚口区", 30.582, 114.215, [
        "古田街道", "韩家墩街道", "宗关街道", "汉水桥街道", "宝丰街道", "荣华街道", "汉中街道", "汉正街道",
        "六角亭街道", "长丰街道", "易家街道",
    ]),
    ("420105", "汉阳区", 30.554, 114.218, [
        "建桥街道", "鹦鹉街道", "洲头街道", "五里墩街道", "琴断口街道", "晴川街道", "四新街道", "江堤街道",
        "永丰街道", "江汉二桥街道",
    ]),
    ("420107", "青山区", 30.640, 114.385, [
        "红卫路街道", "冶金街道", "新沟桥街道", "红钢城街道", "工人村街道", "青山镇街道", "厂前街道",
        "武东街道", "白玉山街道", "钢花村街道",
    ]),
    ("420111", "洪山区", 30.500, 114.344, [
        "珞南街道", "关山街道", "狮子山街道", "张家湾街道", "梨园街道", "卓刀泉街道", "洪山街道",
        "和平街道", "青菱街道", "九峰街道",
    ]),
    ("420112", "东西湖区", 30.620, 114.137, [
        "吴家山街道", "将军路街道", "慈惠街道", "走马岭街道", "径河街道", "长青街道", "金银湖街道",
    ]),
    ("420113", "汉南区", 30.309, 114.085, ["纱帽街道", "邓南街道", "东荆街道", "湘口街道"]),
    ("420114", "蔡甸区", 30.582, 114.029, [
        "蔡甸街道", "奓山街道", "永安街道", "侏儒山街道", "大集街道", "张湾街道", "索河街道", "玉贤街道",
    ]),
    ("420115", "江夏区", 30.376, 114.322, [
        "纸坊街道", "金口街道", "乌龙泉街道", "郑店街道", "五里界街道", "佛祖岭街道", "法泗街道",
    ]),
    ("420116", "黄陂区", 30.882, 114.376, [
        "前川街道", "祁家湾街道", "横店街道", "滠口街道", "天河街道", "武湖街道", "罗汉寺街道",
    ]),
    ("420117", "新洲区", 30.842, 114.801, ["邾城街道", "阳逻街道", "仓埠街道", "汪集街道"]),
]



def _words(text: str) -> list[str]:
    return text.split()


# Words for community (社区) and compound (小区) names; combined with suffixes below.
PLACE_WORDS = _words(
    "中山 和平 建设 幸福 友谊 团结 胜利 光明 新华 民主 解放 长江 汉江 东湖 沙湖 南湖 紫阳 首义 "
    "黄鹤 蛇山 龟山 晴川 琴台 月湖 墨水湖 后湖 塔子湖 金银湖 梅苑 桃园 杨园 柳园 竹林 松涛 翠微 "
    "丁字桥 大东门 小东门 武泰闸 积玉桥 中南 东亭 水果湖 珞珈 喻家山 关山 卓刀泉 狮子山 张家湾 "
    "洪山 梨园 徐东 沙湖港 粮道 昙华林 胭脂路 司门口 彭刘杨 复兴 振兴 东方 滨江 临江 江景 锦绣 "
    "百步亭 二七 黄浦 三阳 球场 永清 大智 一元 车站 西马 新村 丹水池 谌家矶 花桥 台北 劳动 "
    "唐家墩 万松 常青 前进 北湖 新华 满春 民意 汉正 宝丰 荣华 古田 宗关 韩家墩 易家墩 长丰 "
    "鹦鹉 洲头 五里墩 建桥 江堤 四新 永丰 红卫 冶金 钢花 红钢城 工人村 白玉山 武东 厂前 "
    "青和 吉祥 安居 怡和 福星 康乐 瑞祥 育才 书香 南苑 北苑 东苑 西苑 金桥 银桥 玉带 凤凰 "
    "白鹭 鹤鸣 春晓 秋实 丽岛 碧水 绿洲 紫荆 丹桂 香樟 银杏 枫林 梧桐 杜鹃 海棠 芙蓉"
)
COMMUNITY_SUFFIXES = ["社区", "社区", "社区", "花园社区", "新村社区", "里社区", "苑社区"]
COMPOUND_SUFFIXES = ["小区", "花园", "家园", "苑", "新村", "公寓", "华庭", "雅居", "小区", "小区"]

ROADS = _words(
    "中山路 和平大道 解放路 友谊大道 中北路 武珞路 徐东大街 积玉桥街 沙湖路 临江大道 解放大道 建设大道 "
    "京汉大道 发展大道 青年路 珞喻路 雄楚大道 民主路 中华路 彭刘杨路 首义路 八一路 东湖路 汉阳大道 "
    "鹦鹉大道 古田二路 沿河大道 武汉大道 三阳路 黄浦大街 胜利街 洞庭街 江汉路 航空路 新华路 "
    "丁字桥路 中南路 复兴路 粮道街 张之洞路 和平大道 工业路 冶金大道 青山路 团结大道 关山大道 "
    "鲁磨路 卓刀泉路 南湖大道 白沙洲大道 墨水湖路 龙阳大道 汉江大道 古琴台路 长丰大道 东风大道"
)

# Faker's zh_CN surname list carries weights (frequency in percent); we sample with them.
# Given names: Faker's single and double characters, combined for variety.


def faker_name_lists() -> tuple[list[str], list[float], list[str], list[str]]:
    from faker.providers.person.zh_CN import Provider

    surnames = list(Provider.last_names.keys())
    weights = list(Provider.last_names.values())
    return surnames, weights, list(Provider.first_names_male), list(Provider.first_names_female)


# Household sizes 1-6, mean about 2.6 (Wuhan 2020 census: 2.50 persons per family household).
HOUSEHOLD_SIZES = [1, 2, 3, 4, 5, 6]
HOUSEHOLD_SIZE_WEIGHTS = [0.25, 0.30, 0.22, 0.12, 0.07, 0.04]

# Residence type of a household (户籍 / 常住 non-registered / 流动), by head's age band.
RESIDENCE_TYPES = ["registered", "permanent", "floating"]
RESIDENCE_WEIGHTS_YOUNG = [0.45, 0.25, 0.30]  # head under 40
RESIDENCE_WEIGHTS_MIDDLE = [0.70, 0.20, 0.10]  # 40-59
RESIDENCE_WEIGHTS_OLD = [0.90, 0.08, 0.02]  # 60+

# Mobile prefixes in use by China Mobile, Unicom and Telecom.
PHONE_PREFIXES = [
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "170", "171", "173", "175", "176", "177", "178", "180",
    "181", "182", "183", "184", "185", "186", "187", "188", "189", "191", "195", "198", "199",
]
