"""Synthetic registries for benchmarks: N training bases and everything around them, valid and deterministic.

    python tests/benchmarks/synth.py --bases N --seed S OUT_DIR

writes OUT_DIR/records/<kind>/<id>.yaml (nothing else) for a plausible Changzhou registry:

* organizations: the 人社部门 of the city and its six districts, the real set of 行业主管部门 (15 at city
  level; 12 in each district once N is large enough to need them), and about one host institution
  per ten bases;
* bases accredited 2012–2026 by the body of their level: the city (市级) mostly in batches of 12–40, each a
  拟认定公示 (seven working days) and then the 认定 notice that follows it (now and then leaving out a base
  an objection found unfit), the odd one by a decision of its own; the districts (辖市区级) by their own
  decisions with a three-year validity; the province (省级, most years) and the ministry (国家级, a numbered
  batch every other year) by notices listing their Changzhou bases only; the city's latest 公示 still open;
* organizations of every type: 人社部门 (ministry, province, city, districts), 行业主管部门, 部委 (supervising
  national bases of their sector), 政府办公室, 人大常委会, and hosts that are 施教机构, 企事业单位, 高等院校
  or 行业协会学会;
* about two evaluations per base: periodic 评估验收 (mostly 合格), 限期整改 followed by a 整改复查 that
  passes, and the rare failed or missed rectification that ends in a revocation (about 2% of bases),
  plus the odd corrected notice; the city publishes most of a month's passed 评估验收 in one 评估结果
  notice, the rest (整改, 复查, corrections, the districts') as notices of their own;
* one training plan per department per year filed in the first quarter (a few missing, and then named
  in that year's 考核通报), a few circulars and commendations per bureau per year.

The records pass `jxjy validate` with no errors and no warnings as of any day from UNTIL to 31 March of
the next year: dates that may not lie in the future are on or before UNTIL; 发文字号 and 索引号 are
numbered per issuer and year in date order; credit codes carry their check character (generator.uscc).
Later, plan-missing warns about the new year's plans, which nobody has filed yet. The 行政区划代码 are
Changzhou's (from generator/data/divisions.csv, which holds all of China's), the 2015 codes included
for bases accredited before the reform (on their own, or listed by a notice of then: jxjy judges a
listed base's code by its notice's 成文日期). The same N, seed and UNTIL give the same bytes. Records are
written as text directly, in the block style of the sample.

Per base, at N = 1000: about 1.9 evaluations, 0.18 名单公告, 0.02 revocations, 0.12 organizations (hosts
and bodies); with circulars, commendations and plans about 3.6 record files a base.

`write_repository` is the entry point for a harness; `touch_one` changes one base's text, `touch_linked` what
a cross-record rule reads.
"""

from __future__ import annotations

import argparse
import bisect
import json
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar

from generator.dates import cn_date
from generator.refdata import hours_for_year, periods
from generator.uscc import ALPHABET, check_char

UNTIL = date(2026, 11, 20)  # the last day a past date may take; tests validate as of 2026-11-26
FIRST_YEAR = 2012
MARKER = ".synth"  # in records/: hidden files are no records; marks a folder this script may replace
CATEGORY = "劳动、人事、监察／人事工作"
METHOD = "《常州市专业技术人员继续教育管理和考核办法（试行）》"
KIND_SCHEMAS = {"organizations": "organization", "notices": "notice", "bases": "base", "evaluations": "evaluation",
                "revocations": "revocation", "circulars": "circular", "commendations": "commendation",
                "plans": "plan", "policies": "policy"}

# ---------------------------------------------------------------------------------------------------
# Reference data: units (the city and its districts), sectors (what a 行业主管部门 governs), names.
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    key: str  # id part: cz, tn, ...
    code: str  # GB/T 2260, valid today
    full: str  # prefix of names: 常州市武进区
    short: str  # 武进区; the city: 市
    doc: str  # 机关代字 stem: 武
    bureau_prefixes: tuple[str, ...]
    roads: tuple[str, ...]
    team: str  # GitHub team of the bureau


UNITS = (
    Unit("cz", "320400", "常州市", "市", "常", ("常人社发", "常人社函"),
         ("龙城大道", "延陵西路", "和平北路", "晋陵中路"), "jxjy"),
    Unit("tn", "320402", "常州市天宁区", "天宁区", "常天", ("常天人社发", "常天人社函"),
         ("延陵东路", "关河东路", "青洋北路", "竹林西路", "光华路", "丽华北路", "中吴大道", "紫云路"), "tianning"),
    Unit("zl", "320404", "常州市钟楼区", "钟楼区", "常钟", ("常钟人社发", "常钟人社函"),
         ("勤业路", "玉龙南路", "西新桥路", "广化街", "星港路", "怀德南路", "龙江中路", "邹区大道"), "zhonglou"),
    Unit("xb", "320411", "常州市新北区", "新北区", "常新", ("常新人社发", "常新人社函"),
         ("太湖东路", "汉江西路", "通江中路", "河海东路", "衡山路", "锦绣路", "龙锦路", "华山中路"), "xinbei"),
    Unit("wj", "320412", "常州市武进区", "武进区", "武", ("武人社发", "武人社函"),
         ("延政西路", "常武中路", "人民中路", "武宜北路", "花园街", "长虹西路", "西太湖大道", "聚湖路"), "wujin"),
    Unit("jt", "320413", "常州市金坛区", "金坛区", "坛", ("坛人社发", "坛人社函"),
         ("华城中路", "东城大道", "南环二路", "金坛大道", "愚池路", "西门大街", "丹阳门大道"), "jintan"),
    Unit("ly", "320481", "溧阳市", "溧阳市", "溧", ("溧人社发", "溧人社函"),
         ("燕山中路", "昆仑北路", "平陵东路", "天目湖大道", "育才南路", "罗湾路", "北环西路"), "liyang"),
)
CITY = UNITS[0]
DISTRICTS = UNITS[1:]
QISHUYAN_ROADS = ("延陵东路", "富民路", "东方路", "潞横路")  # the former 戚墅堰区, now part of 武进区


@dataclass(frozen=True)
class Sector:
    key: str  # id part of the department: jyj
    city_name: str  # 教育局
    district_name: str | None  # the district's department, or None where the city's alone exists
    city_prefixes: tuple[str, ...]
    doc: str  # 机关代字 stem in a district: 武 + 教 + 发
    plan_name: str  # 教育系统
    specialties: tuple[str, ...]
    fields: tuple[str, ...]  # what a base of this sector trains in
    schools: tuple[str, ...]  # suffixes of a 施教机构's name
    firms: tuple[str, ...]  # suffixes of a 企事业单位's name
    courses: tuple[tuple[str, int, str], ...]


SECTORS = (
    Sector("jyj", "教育局", "教育局", ("常教发", "常教师"), "教", "教育系统", ("教育",),
           ("中小学教师", "学前教育", "职业教育教师", "特殊教育", "教育信息化", "心理健康教育", "班主任工作",
            "学科教学", "教育科研", "校长领导力", "体育与健康教育", "艺术教育", "劳动教育", "科学教育"),
           ("教师培训中心", "教育培训学校", "教师进修学校"), ("实验学校", "外国语学校", "职业技术学校"),
           (("新课程标准下的课堂教学设计", 30, "全市中小学教师"), ("中小学生心理健康教育实务", 18, "中小学班主任和心理健康教师"),
            ("人工智能赋能课堂教学", 24, "全市中小学教师"), ("跨学科主题学习设计", 18, "中小学学科骨干教师"),
            ("学前儿童游戏活动指导", 16, "幼儿园教师"), ("职业院校双师型教师实践", 40, "职业院校专业课教师"),
            ("教育科研方法与论文写作", 12, "中小学教科研骨干"), ("校园安全与应急管理", 8, "学校中层管理人员"))),
    Sector("gxj", "工业和信息化局", "工业和信息化局", ("常工信发",), "工信", "工业和信息化", ("工程技术", "数字技术"),
           ("智能制造", "工业互联网", "工业机器人", "数控技术", "电气自动化", "新能源汽车", "集成电路", "工业设计",
            "精密加工", "智能传感", "工业软件", "工业数据安全", "绿色制造", "质量工程"),
           ("职业技术培训学校", "智能制造培训中心", "工程技术培训学校"),
           ("智能装备股份有限公司", "精密机械有限公司", "电子科技有限公司", "新材料科技有限公司", "自动化设备有限公司"),
           (("工业互联网平台应用", 24, "制造业企业工程技术人员"), ("智能制造系统集成", 24, "机械、电气、自动化专业技术人员"),
            ("工业数据安全", 8, "企业信息化管理人员"), ("工业大模型应用与实践", 24, "制造业企业工程技术人员"),
            ("新能源装备关键技术", 24, "新能源企业专业技术人员"), ("精益生产与质量管理", 16, "制造业企业质量管理人员"),
            ("工业机器人编程与运维", 32, "装备制造企业工程技术人员"), ("集成电路设计基础", 24, "电子信息企业研发人员"))),
    Sector("czj", "财政局", "财政局", ("常财发", "常财会"), "财", "会计", ("会计",),
           ("会计实务", "管理会计", "财务管理", "内部控制", "税务筹划", "政府会计", "审计实务", "财务共享",
            "成本管理", "预算绩效管理", "会计信息化", "资产评估"),
           ("会计培训中心", "财经培训学校", "财会职业培训学校"),
           ("会计师事务所有限公司", "税务师事务所有限公司", "财务咨询有限公司"),
           (("管理会计工具应用", 24, "企业会计人员"), ("行政事业单位内部控制", 16, "行政事业单位会计人员"),
            ("政府会计准则制度实务", 16, "行政事业单位会计人员"), ("企业会计准则新变化", 24, "企业会计人员"),
            ("财会监督与财经纪律", 8, "各单位财务负责人"), ("预算绩效管理实务", 12, "预算单位财务人员"),
            ("数电发票与税务合规", 12, "企业会计和办税人员"))),
    Sector("zjj", "住房和城乡建设局", "住房和城乡建设局", ("常建发",), "建", "住房城乡建设", ("工程技术",),
           ("建筑施工", "工程管理", "建筑节能", "市政工程", "工程造价", "建设监理", "装配式建筑", "园林绿化",
            "工程勘察", "给排水工程", "建筑设计", "城市更新", "建筑消防", "智能建造"),
           ("建设职业培训学校", "建筑技术培训中心", "建设工程培训学校"),
           ("建设工程有限公司", "建筑设计研究院有限公司", "工程咨询有限公司", "市政工程有限公司"),
           (("装配式建筑设计与施工技术", 24, "建筑工程、结构工程专业技术人员"), ("建设工程质量安全管理新规", 16, "施工和监理单位工程技术人员"),
            ("城市更新与既有建筑改造技术", 24, "建筑设计和施工单位工程技术人员"), ("建筑节能与低碳建造", 16, "建筑工程专业技术人员"),
            ("建筑信息模型技术应用", 24, "设计、施工单位工程技术人员"), ("海绵城市建设技术", 12, "市政工程专业技术人员"),
            ("工程造价数字化管理", 16, "造价咨询专业技术人员"))),
    Sector("wsjk", "卫生健康委员会", "卫生健康局", ("常卫发", "常卫科教"), "卫", "卫生健康", ("卫生",),
           ("临床护理", "全科医学", "康复医学", "急诊急救", "公共卫生", "医学检验", "医学影像", "药学服务",
            "中医药", "妇幼保健", "口腔医学", "精神卫生", "院感防控", "老年医学"),
           ("卫生进修学校", "医学继续教育培训中心", "护理培训中心"),
           ("人民医院", "中医医院", "妇幼保健院", "康复医院"),
           (("基层常见病多发病诊疗规范", 24, "基层医疗卫生机构临床医师"), ("急危重症护理新进展", 16, "各级医疗机构护理人员"),
            ("突发公共卫生事件应急处置", 12, "疾病预防控制和公共卫生人员"), ("慢性病全周期健康管理", 20, "基层医疗卫生机构医师和护士"),
            ("临床合理用药与药事管理", 16, "医疗机构医师和药师"), ("医疗机构感染防控", 12, "医疗机构院感管理人员"),
            ("中医适宜技术推广应用", 16, "基层中医药人员"), ("老年健康服务与照护", 12, "医养结合机构医护人员"))),
    Sector("nyncj", "农业农村局", "农业农村局", ("常农发",), "农", "农业农村", ("农业",),
           ("粮食生产", "设施园艺", "水产养殖", "农产品质量安全", "植物保护", "畜牧兽医", "农业机械", "智慧农业",
            "茶叶生产", "农村经营管理", "土壤肥料", "休闲农业"),
           ("农业技术培训中心", "农民科技培训学校", "农业职业技能培训学校"),
           ("农业科技有限公司", "生态农业发展有限公司", "种业有限公司"),
           (("粮食绿色高产高效技术", 20, "基层农业技术推广人员"), ("设施园艺与智慧农业", 16, "农业专业技术人员"),
            ("农产品质量安全监管", 12, "农产品质量安全检测和监管人员"), ("水产健康养殖技术", 16, "水产技术推广人员"),
            ("动物疫病防控", 12, "畜牧兽医专业技术人员"), ("农业机械化新技术", 12, "农机推广人员"))),
    Sector("jtysj", "交通运输局", "交通运输局", ("常交发",), "交", "交通运输", ("工程技术",),
           ("公路工程", "桥梁工程", "港航工程", "道路运输管理", "交通安全", "城市公共交通", "交通信息化",
            "工程试验检测", "养护工程", "轨道交通运营"),
           ("交通技工培训中心", "交通职业培训学校"),
           ("交通工程有限公司", "路桥建设有限公司", "公路工程检测有限公司"),
           (("公路养护新技术", 16, "公路养护专业技术人员"), ("桥梁检测与加固", 16, "桥梁工程技术人员"),
            ("交通工程安全生产管理", 12, "交通建设工程技术人员"), ("智慧交通系统应用", 16, "交通信息化专业技术人员"),
            ("内河航道工程技术", 16, "港航工程技术人员"))),
    Sector("zrzyj", "自然资源和规划局", None, ("常自然资规发",), "资规", "自然资源和规划", ("工程技术",),
           ("测绘地理信息", "国土空间规划", "不动产登记", "地质勘查", "土地整治", "城乡规划", "工程测量", "地籍测绘",
            "地理国情监测", "自然资源调查"),
           ("测绘技术培训中心", "规划设计培训学校"),
           ("测绘有限公司", "规划设计研究院有限公司", "地理信息技术有限公司"),
           (("国土空间规划编制实务", 24, "规划专业技术人员"), ("实景三维与测绘新技术", 16, "测绘地理信息专业技术人员"),
            ("不动产登记业务规范", 12, "不动产登记专业技术人员"), ("耕地保护与土地整治", 12, "土地管理专业技术人员"))),
    Sector("sthjj", "生态环境局", None, ("常环发",), "环", "生态环境", ("工程技术",),
           ("环境监测", "环境影响评价", "污染防治", "固体废物管理", "环境工程", "碳排放管理", "生态修复", "噪声与振动控制",
            "辐射安全", "水污染治理"),
           ("环境技术培训中心", "环保职业培训学校"),
           ("环保科技有限公司", "环境检测技术有限公司", "环境工程有限公司"),
           (("生态环境监测质量管理", 16, "环境监测专业技术人员"), ("环境影响评价新导则", 12, "环评专业技术人员"),
            ("碳排放核算与管理", 12, "重点排放单位专业技术人员"), ("土壤和地下水污染防治", 12, "环境工程专业技术人员"))),
    Sector("slj", "水利局", "水利局", ("常水发",), "水", "水利", ("工程技术",),
           ("水利工程", "水文水资源", "河湖管理", "防汛抗旱", "农田水利", "水土保持", "水环境治理", "灌溉排水",
            "水利工程造价", "水利信息化"),
           ("水利技术培训中心", "水利职业培训学校"),
           ("水利工程有限公司", "水利规划设计有限公司"),
           (("水利工程质量与安全管理", 16, "水利工程技术人员"), ("河湖长制与河湖管理", 12, "河湖管理专业技术人员"),
            ("防汛抢险技术", 12, "防汛抗旱专业技术人员"), ("数字孪生水利", 16, "水利信息化专业技术人员"))),
    Sector("wglj", "文化广电和旅游局", "文体广电和旅游局", ("常文广旅发",), "文旅", "文化广电和旅游", ("文化艺术",),
           ("文物保护", "群众文化", "广播电视技术", "旅游管理", "图书馆服务", "非遗传承", "演艺管理", "博物馆管理",
            "舞台艺术", "文化市场管理"),
           ("文化艺术培训学校", "旅游职业培训学校"),
           ("文化传媒有限公司", "旅游发展有限公司", "演艺有限公司"),
           (("文物保护与利用", 12, "文博专业技术人员"), ("公共文化服务数字化", 12, "群众文化专业技术人员"),
            ("智慧旅游与服务质量", 12, "旅游行业专业技术人员"), ("广播电视新技术", 16, "广播电视专业技术人员"))),
    Sector("kjj", "科学技术局", None, ("常科发",), "科", "科技", ("工程技术", "数字技术"),
           ("科技成果转化", "技术转移", "知识产权", "科技管理", "研发管理", "科技咨询", "技术经纪", "科技金融", "创新方法",
            "科学普及"),
           ("科技人才培训中心", "技术转移培训学校"),
           ("信息技术有限公司", "科技发展有限公司", "技术研究院有限公司"),
           (("科技成果转化实务", 16, "企业研发和技术转移人员"), ("知识产权布局与保护", 12, "企业研发人员"),
            ("科技项目管理", 12, "科技管理人员"))),
    Sector("swj", "商务局", "商务局", ("常商发",), "商", "商务", ("经济",),
           ("国际贸易", "电子商务", "跨境电商", "商贸流通", "会展经济", "供应链管理", "品牌营销", "外贸单证", "国际物流",
            "商务数据分析"),
           ("经济管理培训学校", "电子商务职业培训学校", "商务培训中心"),
           ("国际贸易有限公司", "电子商务有限公司", "供应链管理有限公司"),
           (("跨境电商运营实务", 16, "外贸企业专业技术人员"), ("国际贸易规则与风险防范", 12, "外贸企业业务人员"),
            ("直播电商与数据运营", 16, "电子商务专业技术人员"), ("现代供应链管理", 12, "商贸流通企业管理人员"))),
    Sector("scjgj", "市场监督管理局", "市场监督管理局", ("常市监发",), "市监", "市场监管", ("工程技术",),
           ("计量检测", "特种设备", "标准化", "食品安全", "质量认证", "药品安全", "检验检测", "知识产权保护", "产品质量",
            "医疗器械监管"),
           ("质量技术培训中心", "计量检测培训学校"),
           ("检测技术有限公司", "认证服务有限公司", "计量科技有限公司"),
           (("特种设备安全技术", 16, "特种设备检验检测人员"), ("计量检定规程解读", 12, "计量专业技术人员"),
            ("食品安全抽检监测", 12, "食品检验专业技术人员"), ("标准化实务", 8, "企业标准化人员"))),
    Sector("yjglj", "应急管理局", "应急管理局", ("常应急发",), "应急", "应急管理", ("工程技术",),
           ("安全工程", "危险化学品安全", "应急救援", "消防安全", "安全评价", "职业健康", "防灾减灾", "安全生产标准化",
            "工贸安全", "应急管理信息化"),
           ("安全生产培训中心", "应急管理培训学校"),
           ("安全技术服务有限公司", "安全评价有限公司"),
           (("危险化学品安全管理", 16, "化工企业安全管理人员"), ("生产安全事故应急演练", 12, "企业应急管理人员"),
            ("安全风险分级管控", 12, "企业安全工程技术人员"), ("工贸企业重大事故隐患判定", 8, "工贸企业安全管理人员"))),
)
DISTRICT_SECTORS = tuple(s for s in SECTORS if s.district_name is not None)
SECTOR_WEIGHTS = {"jyj": 6, "gxj": 9, "czj": 4, "zjj": 7, "wsjk": 8, "nyncj": 3, "jtysj": 3, "zrzyj": 2, "sthjj": 2,
                  "slj": 2, "wglj": 2, "kjj": 3, "swj": 4, "scjgj": 3, "yjglj": 3}

# Bodies above the city (and beside its bureau): id -> (name, short name, type, level, division, 机关代字).
UPPER = {
    "org-mohrss": ("中华人民共和国人力资源和社会保障部", "人社部", "人社部门", "国家级", "110000", ("人社部发", "人社部函")),
    "org-jsrst": ("江苏省人力资源和社会保障厅", "省人社厅", "人社部门", "省级", "320100", ("苏人社发", "苏人社函")),
    "org-moe": ("中华人民共和国教育部", "教育部", "部委", "国家级", "110000", ("教师",)),
    "org-miit": ("中华人民共和国工业和信息化部", "工业和信息化部", "部委", "国家级", "110000", ("工信部人",)),
    "org-czzfb": ("常州市人民政府办公室", "市政府办公室", "政府办公室", None, "320400", ("常政办发",)),
    "org-czrd": ("常州市人民代表大会常务委员会", "市人大常委会", "人大常委会", None, "320400", ("常人大常发",)),
}
# The 部委 that supervise national bases of their sector; others are supervised by the city's department.
MINISTRY = {"jyj": "org-moe", "gxj": "org-miit"}
_ZH_HEAD = "华金龙天东南新嘉瑞恒博明润同中延青运太德鼎盛兴宏创科信诚安泰和丰远宁晟通达正昌永启合汇锦耀"
_ZH_TAIL = "阳城湖目方诚禾丰远泽吴陵果河湖鑫源晖辉创达新晨宇恒泰安和盛华川峰航拓弘越峻瀚为康"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈任姚卢陆钱汤顾"
GIVEN = "子一文明华建国志伟海军红英丽敏静芳燕玲秀兰立新永春晓东亮清和言知远川沐禾宇佳嘉欣怡梦雨晨峰涛斌杰俊磊洋颖婷雪琳"

EVAL_FINDINGS = (
    "年度培训计划执行率不足五成", "未配备专职培训管理人员", "培训学时登记不规范", "学员签到记录与学时登记不一致",
    "师资库长期未更新", "实训场地被挪作他用", "培训档案缺失", "未开展培训效果评估", "部分培训项目未纳入年度计划",
    "课程设置与专业领域不符", "收费公示不规范", "年度工作总结未按时报送",
)
FAILED_FINDINGS = (
    "整改报告所述措施未实际落实", "学时登记问题依然存在", "专职管理人员仍未配备", "实训场地仍未恢复",
    "培训档案仍不完整",
)
DEPT_FINDINGS_BAD = ("计划未执行", "工作不力", "证书管理不规范", "登记失实", "把关不严", "未配备专兼职人员")
UNIT_FINDINGS = ("负责人不重视", "管理部门和责任人不明确", "单位培训计划未制定或未实施", "未组织参加公共科目培训",
                 "登记考核不规范", "经费未落实")
_CN_DIGITS = "零一二三四五六七八九"

# ---------------------------------------------------------------------------------------------------
# Working days (the State Council's calendar, Monday–Friday beyond it) and date helpers.
# ---------------------------------------------------------------------------------------------------


def _workdays(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        try:
            working = chinese_calendar.is_workday(day)
        except NotImplementedError:
            working = day.weekday() < 5
        if working:
            days.append(day)
        day += timedelta(days=1)
    return days


_WORKDAYS = _workdays(date(FIRST_YEAR - 1, 1, 1), date(2031, 12, 31))


def _on_or_after(day: date) -> date:
    return _WORKDAYS[bisect.bisect_left(_WORKDAYS, day)]


def _add_working(day: date, count: int) -> date:
    """The `count`-th working day after `day` (`day` itself when it is one and count is 0)."""
    return _WORKDAYS[bisect.bisect_left(_WORKDAYS, day) + count]


def _month_end(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months + 1, 12)
    return date(day.year + year, month + 1, 1) - timedelta(days=1)


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def cn_number(n: int) -> str:
    """1 -> 一, 12 -> 十二, 105 -> 一百零五 (batches of a year)."""
    if n >= 1000:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("十" if tens == 1 else _CN_DIGITS[tens] + "十") + (_CN_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    tail = "" if rest == 0 else ("零" + _CN_DIGITS[rest] if rest < 10 else cn_number(rest).replace("十", "一十", 1)
                                  if rest < 20 else cn_number(rest))
    return _CN_DIGITS[hundreds] + "百" + tail


# ---------------------------------------------------------------------------------------------------
# The model: organizations and notices, numbered once everything is known, then rendered.
# ---------------------------------------------------------------------------------------------------


@dataclass(eq=False)
class Org:
    id: str
    name: str
    short: str
    type: str
    unit: Unit
    district: str
    uscc: str
    address: str
    phone: str
    level: str | None = None
    sector: Sector | None = None
    prefixes: tuple[str, ...] = ()
    parent: Org | None = None
    submitters: tuple[str, ...] = ()
    qishuyan: bool = False  # in the former 戚墅堰区 (merged into 武进区 in 2015)
    road: str = ""
    number: int = 0
    fields: list[str] = field(default_factory=list)  # fields not yet used by one of its bases


@dataclass(eq=False)
class Doc:
    """One 发文字号, shared by the bases one decision accredits."""

    agency: str
    written: date
    number: str = ""


@dataclass(eq=False)
class Notice:
    kind: str
    seq: int  # creation order: breaks ties deterministically
    issuer: Org
    written: date
    published: date
    title: str = ""
    doc: Doc | None = None
    id: str = ""
    index: str = ""
    validity: str = "现行有效"
    repealed: date | None = None  # 废止日期, for a notice that has lost force
    corrects: Notice | None = None
    supersedes: Notice | None = None
    member_of: Notice | None = None  # the 名单公告 that lists it: no envelope of its own
    data: dict = field(default_factory=dict)


class Model:
    def __init__(self, bases: int, seed: int, until: date) -> None:
        self.n = bases
        self.rng = random.Random(f"jxjy-synth:{seed}")
        self.until = until
        self.end = until - timedelta(days=12)  # the last decision day: publication follows within a week
        self.orgs: list[Org] = []
        self.notices: list[Notice] = []
        self.usccs: set[str] = set()
        self.names: set[str] = set()
        self.bureaus: dict[str, Org] = {}
        self.depts: dict[tuple[str, str], Org] = {}  # (unit key, sector key)
        self.hosts: list[Org] = []
        self.hosts_by_unit: dict[str, list[Org]] = {u.key: [] for u in UNITS}
        self.missing: dict[tuple[str, int], Org] = {}  # (dept id, year) without a plan
        self.upper: dict[str, Org] = {}  # 人社部, 省人社厅, 部委, 政府办公室, 人大常委会
        self.counts: dict[str, int] = {}

    # --- helpers --------------------------------------------------------------------------------

    def between(self, first: date, last: date) -> date:
        """A random working day in [first, last]; the first working day from `first` when none is."""
        i = bisect.bisect_left(_WORKDAYS, first)
        j = bisect.bisect_right(_WORKDAYS, last) - 1
        return _WORKDAYS[self.rng.randint(i, j)] if i <= j else _WORKDAYS[i]

    def notice(self, kind: str, issuer: Org, written: date, **data) -> Notice:
        published = _add_working(written, self.rng.randint(2, 5))
        record = Notice(kind, len(self.notices), issuer, written, published, data=data)
        self.notices.append(record)
        return record

    def uscc(self, head: str, alphabet: str) -> str:
        """A fresh credit code: `head` (registration type, division, ...) filled to 17, plus its check."""
        while True:
            first17 = head + "".join(self.rng.choice(alphabet) for _ in range(17 - len(head)))
            if first17 not in self.usccs:
                self.usccs.add(first17)
                return first17 + check_char(first17)

    def office_uscc(self, code: str) -> str:
        return self.uscc("11" + code + "014", "0123456789")

    def phone(self) -> str:
        return f"0519-8{self.rng.randint(0, 9999999):07d}"

    def person(self) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2, 2))))
        return self.rng.choice(SURNAMES) + given

    # --- organizations --------------------------------------------------------------------------

    def organizations(self) -> None:
        rng = self.rng
        for unit in UNITS:
            city = unit is CITY
            name = "常州市人力资源和社会保障局" if city else f"{unit.full}人力资源和社会保障局"
            bureau = Org(f"org-{unit.key}rsj" if city else f"org-{unit.key}-rsj", name,
                         "市人社局" if city else f"{unit.short}人社局", "人社部门", unit, unit.code,
                         self.office_uscc(unit.code), self.office_address(unit, rng.randint(1, 3)), self.phone(),
                         level="市级" if city else "辖市区级", prefixes=unit.bureau_prefixes,
                         submitters=(f"@czrsj/{unit.team}",))
            self.bureaus[unit.key] = bureau
            self.orgs.append(bureau)
        for unit in UNITS:
            if unit is not CITY and unit not in self.dept_units():
                continue
            for sector in SECTORS if unit is CITY else DISTRICT_SECTORS:
                self.department(unit, sector)
        host_count = max(1, round(self.n / 10))
        weights = [SECTOR_WEIGHTS[s.key] for s in SECTORS]
        unit_weights = [3, 2, 4, 5, 2, 2]  # 天宁 钟楼 新北 武进 金坛 溧阳
        for i in range(host_count):
            sector = rng.choices(SECTORS, weights)[0]
            unit = rng.choices(DISTRICTS, unit_weights)[0]
            self.host(unit, sector, i)
        for bureau in self.bureaus.values():
            if bureau.unit is not CITY:
                bureau.parent = self.bureaus["cz"]
        self.upper_bodies()

    def upper_bodies(self) -> None:
        """Who else a bureau's registry names: the ministry and the province, which accredit 国家级 and 省级
        bases in Changzhou by their own notices; two 部委 supervising national bases of their sector; the
        city government's office and the people's congress, which issue the policies bases rest on."""
        for key, (name, short, kind, level, code, prefixes) in UPPER.items():
            org = Org(key, name, short, kind, CITY, code, self.office_uscc(code), "", "", level=level,
                      prefixes=prefixes)
            self.upper[key] = org
            self.orgs.append(org)

    def dept_units(self) -> tuple[Unit, ...]:
        """Units with departments of their own: the city always, districts as N grows."""
        return (CITY, *DISTRICTS[:min(len(DISTRICTS), self.n // 1500)])

    def office_address(self, unit: Unit, building: int) -> str:
        if unit is CITY:
            return f"常州市新北区龙城大道1280号{building}号楼"
        return f"{unit.full}{self.rng.choice(unit.roads)}{self.rng.randint(1, 300)}号"

    def department(self, unit: Unit, sector: Sector) -> None:
        city = unit is CITY
        name = f"常州市{sector.city_name}" if city else f"{unit.full}{sector.district_name}"
        short = f"市{_short_dept(sector.city_name)}" if city else f"{unit.short}{_short_dept(sector.district_name or '')}"
        prefixes = sector.city_prefixes if city else (f"{unit.doc}{sector.doc}发",)
        dept = Org(f"org-{unit.key}-{sector.key}", name, short, "行业主管部门", unit, unit.code,
                   self.office_uscc(unit.code), self.office_address(unit, self.rng.randint(2, 5)), self.phone(),
                   level="市级" if city else "辖市区级", sector=sector, prefixes=prefixes,
                   submitters=(f"@{unit.key}{sector.key}/renshi",))
        self.depts[(unit.key, sector.key)] = dept
        self.orgs.append(dept)

    def host(self, unit: Unit, sector: Sector, i: int) -> None:
        rng = self.rng
        draw = rng.random()
        if i == 1 or draw < 0.04:  # the first host of each of the two kinds is made whatever N is
            self.academic_host(unit, sector, i, "高等院校")
            return
        if i == 2 or draw < 0.10:
            self.academic_host(unit, sector, i, "行业协会学会")
            return
        school = rng.random() < 0.55
        for _ in range(50):
            zh = rng.choice(_ZH_HEAD) + rng.choice(_ZH_TAIL)
            if school:
                suffix = rng.choice(sector.schools + ("职业培训学校",))
                name = f"{unit.full}{zh}{suffix}" if rng.random() < 0.7 else f"常州{zh}{suffix}"
            else:
                suffix = rng.choice(sector.firms)
                name = f"常州{zh}{suffix}" if unit.key != "ly" else f"溧阳{zh}{suffix}"
                if suffix in ("人民医院", "中医医院", "妇幼保健院"):
                    name = f"{unit.full}{zh}{suffix}"
            if name not in self.names:
                break
        self.names.add(name)
        if school:
            public = rng.random() < 0.4
            code = self.uscc("12" + unit.code, "0123456789") if public else self.uscc("52" + unit.code + "MJ", ALPHABET)
            kind = "施教机构"
        else:
            public = suffix.endswith(("医院", "保健院", "学校"))
            code = self.uscc("12" + unit.code, "0123456789") if public else self.uscc("91" + unit.code + "MA", ALPHABET)
            kind = "企事业单位"
        qishuyan = unit.key == "wj" and rng.random() < 0.2
        road = rng.choice(QISHUYAN_ROADS if qishuyan else unit.roads)
        number = rng.randint(1, 600)
        area = "常州市武进区戚墅堰" if qishuyan else unit.full
        fields = list(sector.fields)
        rng.shuffle(fields)
        org = Org(f"org-{unit.key}-u{i + 1:05d}", name, f"{zh}{suffix}", kind, unit, unit.code, code,
                  f"{area}{road}{number}号", self.phone(), sector=sector, qishuyan=qishuyan, road=road,
                  number=number, fields=fields)
        if school and rng.random() < 0.5:
            dept = self.depts.get((unit.key, sector.key)) or self.depts.get(("cz", sector.key))
            org.parent = dept
        if rng.random() < 0.5:
            org.submitters = (f"@{unit.key}-u{i + 1:05d}/jxjy",)
        self.hosts.append(org)
        self.hosts_by_unit[unit.key].append(org)
        self.orgs.append(org)

    def academic_host(self, unit: Unit, sector: Sector, i: int, kind: str) -> None:
        """A 高等院校 (a college of the city or district) or a 行业协会学会 (a city-wide society)."""
        rng = self.rng
        fields = list(sector.fields)
        rng.shuffle(fields)
        for attempt in range(50):
            zh = rng.choice(_ZH_HEAD) + rng.choice(_ZH_TAIL)
            if kind == "高等院校":
                name = f"常州{zh}{rng.choice(('职业技术学院', '学院', '职业学院'))}"
            else:
                name = f"常州市{'' if attempt < 10 else zh}{fields[attempt % len(fields)]}{rng.choice(('学会', '协会'))}"
            if name not in self.names:
                break
        self.names.add(name)
        head = "12" + unit.code if kind == "高等院校" else "51" + unit.code + "MJ"
        code = self.uscc(head, "0123456789" if kind == "高等院校" else ALPHABET)
        road = rng.choice(unit.roads)
        number = rng.randint(1, 900)
        org = Org(f"org-{unit.key}-u{i + 1:05d}", name, name.removeprefix("常州市").removeprefix("常州"), kind, unit,
                  unit.code, code, f"{unit.full}{road}{number}号", self.phone(), sector=sector, road=road,
                  number=number, fields=fields)
        self.hosts.append(org)
        self.hosts_by_unit[unit.key].append(org)
        self.orgs.append(org)

    # --- bases and their lifecycles -------------------------------------------------------------

    def bases(self) -> None:
        rng = self.rng
        years = list(range(FIRST_YEAR, self.end.year + 1))
        weights = [0.7 + 0.06 * (y - FIRST_YEAR) for y in years]
        if self.end.year == years[-1]:
            weights[-1] *= (self.end.timetuple().tm_yday / 366)
        # Plan every base first: (year, level, host), then group them into decisions by issuer and year.
        planned: dict[tuple[int, str], list[Org]] = {}
        # Every host runs at least one base; the rest go by the breadth of the host's field.
        spread = [len(h.fields) for h in self.hosts]
        extra = rng.choices(self.hosts, spread, k=max(0, self.n - len(self.hosts)))
        for i in range(self.n):
            year = rng.choices(years, weights)[0] if i else self.end.year  # the newest year is never empty
            host = self.hosts[i] if i < len(self.hosts) else extra[i - len(self.hosts)]
            city = rng.random() < 0.65
            planned.setdefault((year, "cz" if city else host.unit.key), []).append(host)
        max_batch = max(3, self.n // 2500)
        for (year, unit_key), hosts in sorted(planned.items(), key=lambda kv: (kv[0][0], UNITS.index(_unit(kv[0][1])))):
            bureau = self.bureaus[unit_key]
            first = date(year, 1, 6)
            last = min(date(year, 12, 25), self.end - timedelta(days=30) if year == self.end.year else self.end)
            decisions: list[list[Org]] = []
            while hosts:
                if unit_key == "cz":  # the city accredits in batches of a few dozen, the odd base on its own
                    size = min(len(hosts), rng.randint(12, 40) if rng.random() < 0.8 else 1)
                else:
                    size = min(len(hosts), rng.choice((1, 1, 2, 2, 3)) if rng.random() < 0.5 else rng.randint(1, max_batch))
                decisions.append([hosts.pop() for _ in range(size)])
            days = sorted(min(self.between(first, last), self.end) for _ in decisions)
            batch = 0
            for day, group in zip(days, decisions, strict=True):
                if len(group) > 1:
                    batch += 1
                self.decision(bureau, day, group, batch if len(group) > 1 else None)

    def base_fields(self, host: Org, day: date, unit_key: str) -> dict:
        """Where a base of `host` accredited on `day` is: the codes valid on that day."""
        reformed = day > periods("320482")[-1].valid_to  # type: ignore[operator]
        if host.qishuyan and not reformed:
            district, address = "320405", f"常州市戚墅堰区{host.road}{host.number}号"
        elif host.unit.key == "jt" and not reformed:
            district, address = "320482", f"金坛市{host.road}{host.number}号"
        else:
            district, address = host.unit.code, host.address
        sector = host.sector
        assert sector is not None
        if host.fields:
            topic = host.fields.pop()
        else:  # a host with more bases than fields: a second base in one field, named by its campus
            topic = self.rng.choice(sector.fields) + self.rng.choice(("高级研修", "实训", "数字化"))
        if unit_key == "cz":
            supervisor = self.depts[("cz", sector.key)] if self.rng.random() > 0.08 else self.bureaus["cz"]
        else:
            supervisor = self.depts.get((unit_key, sector.key)) or self.bureaus[unit_key]
        specialties = list(sector.specialties[:1])
        if len(sector.specialties) > 1 and self.rng.random() < 0.4:
            specialties.append(sector.specialties[1])
        elif self.rng.random() < 0.1 and "数字技术" not in specialties:
            specialties.append("数字技术")
        return {"name": f"{host.name}{topic}继续教育基地", "topic": topic, "host": host, "supervisor": supervisor,
                "district": district, "level": "市级" if unit_key == "cz" else "辖市区级",
                "specialties": specialties, "address": address}

    def decision(self, bureau: Org, day: date, hosts: list[Org], batch: int | None) -> None:
        unit_key = bureau.unit.key
        if unit_key == "cz" and batch is not None:
            self.publicized_batch(bureau, day, hosts, batch)
            return
        doc = Doc(bureau.prefixes[0], day)
        group: list[Notice] = []
        for host in hosts:
            fields = self.base_fields(host, day, unit_key)
            if unit_key != "cz":
                fields["valid_until"] = _years_later(day, 3) - timedelta(days=1)
            fields["batch"] = batch
            base = self.notice("bases", bureau, day, **fields)
            base.doc = doc
            group.append(base)
        for base in group:
            base.data["group"] = group
            if batch is not None:
                level = "市级" if unit_key == "cz" else ""
                base.title = f"{bureau.name}关于认定{day.year}年度第{cn_number(batch)}批{level}专业技术人员继续教育基地的决定"
            else:
                base.title = f"{bureau.name}关于认定{base.data['name']}的决定"
        for base in group:
            self.lifecycle(base)

    def publicity(self, bureau: Org, written: date, title: str) -> Notice:
        """A 拟认定公示: published the next working day, open for seven working days."""
        notice = self.notice("notices", bureau, written, act="拟认定公示", members=[])
        notice.published = _add_working(written, 1)
        notice.data["publicity"] = (notice.published, _add_working(notice.published, 6))
        notice.title = title
        notice.doc = Doc(bureau.prefixes[1], written) if self.rng.random() < 0.5 else None
        return notice

    def member(self, kind: str, notice: Notice, written: date, **data) -> Notice:
        """A record listed in `notice`: the notice carries its envelope."""
        record = self.notice(kind, notice.issuer, written, **data)
        record.member_of = notice
        notice.data["members"].append(record)
        return record

    def publicized_batch(self, bureau: Org, day: date, hosts: list[Org], batch: int) -> None:
        """A city batch as the bureau runs it: the 公示 of the proposed list about a month before, then the
        decision that follows it, now and then leaving out a base an objection found unfit."""
        rng = self.rng
        year = day.year
        listed = self.publicity(bureau, self.between(day - timedelta(days=38), day - timedelta(days=28)),
                                f"{bureau.name}关于{year}年度第{cn_number(batch)}批市级专业技术人员继续教育基地"
                                "拟认定名单的公示")
        # a listed base's 所在地区 is judged by its notice's 成文日期: the codes valid on the 公示's day
        bases = [self.member("bases", listed, day, **self.base_fields(host, listed.written, "cz")) for host in hosts]
        decision = self.notice("notices", bureau, day, act="认定", batch=batch, follows=listed, members=[],
                               withdrawn=[])
        decision.doc = Doc(bureau.prefixes[0], day)
        decision.title = f"{bureau.name}关于认定{year}年度第{cn_number(batch)}批市级专业技术人员继续教育基地的通知"
        if len(bases) >= 3 and rng.random() < 0.15:
            decision.data["withdrawn"] = [bases.pop(rng.randrange(len(bases)))]
        for base in bases:
            self.lifecycle(base)

    def pending_publicity(self) -> None:
        """The city's latest 公示, still open on UNTIL: its bases are 公示中 and have no decision yet."""
        bureau = self.bureaus["cz"]
        written = _WORKDAYS[bisect.bisect_right(_WORKDAYS, self.until) - 3]  # published the day before UNTIL
        listed = self.publicity(bureau, written, f"{bureau.name}关于{written.year}年度市级专业技术人员继续教育基地"
                                                 "拟认定名单的公示")
        for host in self.rng.sample(self.hosts, min(len(self.hosts), max(2, self.n // 400))):
            self.member("bases", listed, written, **self.base_fields(host, written, "cz"))

    def upper_notices(self) -> None:
        """Bases the ministry (every other year, a numbered batch) and the province (most years, valid about
        five years) accredit in Changzhou, each notice listing only its Changzhou bases."""
        rng = self.rng
        for year in range(FIRST_YEAR, self.end.year + 1):
            for key, every, share in (("org-mohrss", 2, 3000), ("org-jsrst", 1, 400)):
                if year % every or (key == "org-jsrst" and rng.random() < 0.2):
                    continue
                issuer = self.upper[key]
                day = self.between(date(year, 4, 1) if key == "org-jsrst" else date(year, 10, 15),
                                   date(year, 5, 30) if key == "org-jsrst" else date(year, 11, 30))
                if day > self.end:
                    continue
                notice = self.notice("notices", issuer, day, act="认定", members=[])
                notice.doc = Doc(issuer.prefixes[1], day)
                count = max(1, round(self.n / share * rng.uniform(0.5, 1.5)))
                if key == "org-mohrss":
                    notice.data["batch"] = (year - 2000) // 2
                    notice.title = (f"人力资源社会保障部办公厅关于公布第{cn_number(notice.data['batch'])}批国家级"
                                    "专业技术人员继续教育基地名单的通知")
                else:
                    notice.data["valid_until"] = date(year + 4, 12, 31)
                    notice.title = f"{issuer.name}关于公布{year}年度江苏省专业技术人员继续教育基地名单的通知"
                colleges = [h for h in self.hosts if h.type == "高等院校"] or self.hosts
                for host in rng.sample(colleges, min(count, len(colleges))):
                    fields = self.base_fields(host, day, "cz")
                    sector = host.sector
                    assert sector is not None
                    ministry = MINISTRY.get(sector.key) if key == "org-mohrss" else None
                    level = "国家级" if key == "org-mohrss" else "江苏省"
                    fields.update(name=f"{level}{fields['topic']}继续教育基地（{host.name}）", level=issuer.level,
                                  supervisor=self.upper[ministry] if ministry else self.depts[("cz", sector.key)])
                    self.member("bases", notice, day, **fields)
                notice.data["total"] = len(notice.data["members"]) * rng.randint(12, 40)

    def evaluation_notices(self) -> None:
        """The city publishes most of a month's passed 评估验收 in one 评估结果 notice (the last day of
        the month's evaluations), its own notices staying for 限期整改, 复查 and corrected results."""
        bureau = self.bureaus["cz"]
        months: dict[tuple[int, int], list[Notice]] = {}
        for record in self.notices:
            if (record.kind == "evaluations" and record.issuer is bureau and record.data["type"] == "评估验收"
                    and record.data["result"] == "合格" and record.corrects is None
                    and record.validity == "现行有效" and record.member_of is None):
                months.setdefault((record.written.year, record.written.month), []).append(record)
        for (year, month), group in sorted(months.items()):
            if len(group) < 3 or self.rng.random() < 0.2:
                continue
            written = max(record.written for record in group)
            notice = self.notice("notices", bureau, written, act="评估结果", members=group)
            notice.doc = Doc(bureau.prefixes[1], written)
            notice.title = (f"{bureau.name}关于{year}年{month}月部分市级专业技术人员继续教育基地评估验收结果的通知")
            for record in group:
                record.member_of, record.doc = notice, None

    def lifecycle(self, base: Notice) -> None:
        """Evaluations every three years or so; rectifications; the rare revocation (Art. 25)."""
        rng = self.rng
        until: date | None = base.data.get("valid_until")
        horizon = self.end if until is None else min(self.end, until - timedelta(days=30))
        due = base.written + timedelta(days=rng.randint(400, 820))
        while True:
            evaluated = _on_or_after(due)
            written = _add_working(evaluated, rng.randint(3, 8))
            if written > horizon:
                return
            rectify = rng.random() < 0.2
            deadline = _month_end(evaluated, rng.randint(3, 6)) if rectify else None
            if deadline is not None and until is not None and deadline > until - timedelta(days=30):
                rectify, deadline = False, None
            order = self.evaluation(base, "评估验收", evaluated, written, "限期整改" if rectify else "合格", deadline)
            if not rectify:
                if rng.random() < 0.012:
                    self.correction(order)
                due = evaluated + timedelta(days=rng.randint(850, 1150))
                continue
            assert deadline is not None
            fate = rng.random()
            if fate < 0.94:  # rectified in time
                recheck = self.between(max(order.written + timedelta(days=14), deadline - timedelta(days=45)), deadline)
                rewritten = _add_working(recheck, rng.randint(3, 8))
                if rewritten > horizon:
                    return
                self.evaluation(base, "整改复查", recheck, rewritten, "合格", None, order=order)
                due = recheck + timedelta(days=rng.randint(850, 1150))
                continue
            if fate < 0.97:  # rectification failed: revoked for 整改后仍不符合要求
                recheck = self.between(max(order.written + timedelta(days=14), deadline - timedelta(days=45)), deadline)
                rewritten = _add_working(recheck, rng.randint(3, 8))
                if rewritten > horizon:
                    return
                failed = self.evaluation(base, "整改复查", recheck, rewritten, "不合格", None, order=order)
                day = self.between(rewritten + timedelta(days=14), rewritten + timedelta(days=40))
                if day <= horizon:
                    self.revocation(base, day, "整改后仍不符合要求", failed, order)
                return
            day = self.between(deadline + timedelta(days=15), deadline + timedelta(days=60))  # never rectified
            if day <= horizon:
                self.revocation(base, day, "逾期不整改", order, order)
            return

    def evaluation(self, base: Notice, kind: str, evaluated: date, written: date, result: str,
                   deadline: date | None, *, order: Notice | None = None) -> Notice:
        rng = self.rng
        findings: list[str] = []
        if result == "限期整改":
            findings = rng.sample(EVAL_FINDINGS, rng.randint(2, 3))
        elif result == "不合格":
            findings = rng.sample(FAILED_FINDINGS, rng.randint(2, 3))
        record = self.notice("evaluations", base.issuer, written, base=base, type=kind, evaluated_on=evaluated,
                             result=result, deadline=deadline, findings=findings, order=order,
                             periods=rng.randint(6, 48), trainees=rng.randint(4, 60) * 50)
        record.doc = Doc(base.issuer.prefixes[1], written)
        what = "整改复查" if kind == "整改复查" else "评估验收"
        record.title = f"{base.issuer.name}关于{base.data['name']}{what}结果的通知"
        return record

    def correction(self, original: Notice) -> None:
        written = _add_working(original.written, self.rng.randint(3, 6))
        if written > self.end:
            return
        data = dict(original.data)
        fix = self.notice("evaluations", original.issuer, written, **data)
        fix.doc = Doc(original.issuer.prefixes[1], written)
        fix.title = original.title.removesuffix("的通知") + "的更正通知"
        fix.corrects = original
        original.validity = "已修改"

    def revocation(self, base: Notice, written: date, reason: str, grounds: Notice, order: Notice) -> None:
        rng = self.rng
        if rng.random() < 0.6:
            announcement = {"medium": rng.choice(("常州日报", "常州晚报")),
                            "published_on": _add_working(written, rng.randint(1, 4)),
                            "page": f"第 A{rng.randint(2, 16):02d} 版"}
        else:
            announcement = {"medium": f"{base.issuer.name}门户网站", "published_on": _add_working(written, 1)}
        record = self.notice("revocations", base.issuer, written, base=base, reason=reason, evaluation=grounds,
                             order=order, announcement=announcement)
        record.doc = Doc(base.issuer.prefixes[0], written)
        record.title = f"{base.issuer.name}关于取消{base.data['name']}资格的决定"

    # --- plans, circulars, commendations --------------------------------------------------------

    def plans(self) -> None:
        rng = self.rng
        for dept in self.depts.values():
            for year in range(FIRST_YEAR, self.end.year + 1):
                if date(year, 3, 25) > self.end:
                    continue
                if date(year + 1, 3, 20) <= self.end and rng.random() < 0.03:  # named in the next circular
                    self.missing[(dept.id, year)] = dept
                    continue
                filed = self.between(date(year, 1, 4), date(year, 3, 25))
                plan = self.plan(dept, year, filed, None)
                if filed <= date(year, 2, 28) and rng.random() < 0.01:
                    fixed = self.between(filed + timedelta(days=10), date(year, 3, 25))
                    self.plan(dept, year, fixed, plan)

    def plan(self, dept: Org, year: int, filed: date, corrects: Notice | None) -> Notice:
        rng = self.rng
        sector = dept.sector
        assert sector is not None
        approved = _add_working(filed, rng.randint(2, 6))
        courses = rng.sample(sector.courses, min(len(sector.courses), rng.randint(2, 4)))
        requirement = hours_for_year(year)
        short = requirement.professional_minimum - sum(h for _, h, _ in courses) if requirement else 0
        if short > 0:  # enough professional hours for the year (plan-hours): the last course runs longer
            title, last, audience = courses[-1]
            courses[-1] = (title, last + short, audience)
        if corrects is not None:
            courses = [(t, h + 4 if i == 0 else h, a) for i, (t, h, a) in enumerate(corrects.data["courses"])]
        record = self.notice("plans", dept, filed, department=dept, year=year, filed_on=filed, approved_on=approved,
                             courses=courses)
        record.published = _add_working(approved, rng.randint(1, 2))
        record.doc = Doc(dept.prefixes[-1] if dept.unit is CITY else dept.prefixes[0], filed)
        record.title = f"{dept.name}关于印发{year}年度{sector.plan_name}专业技术人员专业科目培训计划的通知"
        if corrects is not None:
            record.title = record.title.removesuffix("的通知") + "的更正通知"
            record.corrects = corrects
            corrects.validity = "已修改"
        return record

    def circulars(self) -> None:
        rng = self.rng
        for unit in UNITS:
            bureau = self.bureaus[unit.key]
            depts = [d for (u, _), d in self.depts.items() if u == unit.key]
            pool = self.hosts if unit is CITY else self.hosts_by_unit[unit.key]
            for year in range(FIRST_YEAR, self.end.year + 1):
                if depts and date(year + 1, 3, 20) <= self.end:
                    self.department_circulars(bureau, depts, year)
                if pool and (unit is CITY or rng.random() < 0.5):
                    day = self.between(date(year, 10, 20), date(year, 12, 20))
                    if day <= self.end:
                        self.spot_check(bureau, pool, year, day)

    def department_circulars(self, bureau: Org, depts: list[Org], year: int) -> None:
        rng = self.rng
        subjects = []
        for dept in depts:
            if (dept.id, year) in self.missing:
                findings = ["未制定培训计划", "未报送备案"] if rng.random() < 0.6 else ["未报送备案"]
                note = f"{year}年度未制定专业科目培训计划，未报{bureau.short}备案" if len(findings) == 2 else \
                    f"{year}年度专业科目培训计划未报{bureau.short}审核备案"
                subjects.append({"organization": dept, "result": "不合格", "findings": findings, "note": note})
                continue
            roll = rng.random()
            if roll < 0.2:
                subjects.append({"organization": dept, "result": "优秀"})
            elif roll < 0.97:
                subject = {"organization": dept, "result": "合格"}
                if rng.random() < 0.1:
                    subject["findings"] = ["证书管理不规范"]
                    subject["note"] = "个别培训班结业证书发放登记不完整，已当场指出"
                subjects.append(subject)
            else:
                subjects.append({"organization": dept, "result": "不合格",
                                 "findings": rng.sample(DEPT_FINDINGS_BAD, rng.randint(1, 2))})
        day = self.between(date(year + 1, 1, 8), date(year + 1, 3, 20))
        failed = any(s["result"] == "不合格" for s in subjects)
        record = self.notice("circulars", bureau, day, year=year, scope="行业主管部门",
                             nature="通报批评" if failed else "考核结果通报", subjects=subjects,
                             legal_basis=f"{METHOD}第十九条" if failed else f"{METHOD}第十七条、第十八条")
        record.doc = Doc(bureau.prefixes[0], day)
        record.title = f"{bureau.name}关于{year}年度行业主管部门专业技术人员继续教育工作考核情况的通报"
        excellent = [{"organization": s["organization"], "result": "优秀"} for s in subjects if s["result"] == "优秀"]
        if excellent and rng.random() < 0.4:
            other = self.between(date(year + 1, 1, 8), date(year + 1, 3, 20))
            praise = self.notice("circulars", bureau, other, year=year, scope="行业主管部门", nature="通报表扬",
                                 subjects=excellent, legal_basis=f"{METHOD}第二十条")
            praise.doc = Doc(bureau.prefixes[0], other)
            praise.title = (f"{bureau.name}关于对{year}年度专业技术人员继续教育工作成绩突出的行业主管部门"
                            "予以通报表扬的通报")

    def spot_check(self, bureau: Org, pool: list[Org], year: int, day: date) -> None:
        rng = self.rng
        chosen = rng.sample(pool, min(len(pool), rng.randint(3, 6 + self.n // 5000)))
        subjects = []
        for org in chosen:
            roll = rng.random()
            if roll < 0.15:
                subjects.append({"organization": org, "result": "优秀"})
            elif roll < 0.85:
                subjects.append({"organization": org, "result": "合格"})
            else:
                cut = rng.choice((1, 1.5, 2))
                subjects.append({"organization": org, "result": "不合格",
                                 "findings": rng.sample(UNIT_FINDINGS, rng.randint(1, 3)), "quota_cut": cut,
                                 "note": f"{year}年度考核优秀比例核减{_num(cut)}个百分点"})
        failed = any(s["result"] == "不合格" for s in subjects)
        record = self.notice("circulars", bureau, day, year=year, scope="企事业单位",
                             nature="通报批评" if failed else "考核结果通报", subjects=subjects,
                             legal_basis=f"{METHOD}第二十三条" if failed else f"{METHOD}第二十二条")
        record.doc = Doc(bureau.prefixes[0], day)
        record.title = f"{bureau.name}关于{year}年度企事业单位专业技术人员继续教育工作抽查考核情况的通报"

    def commendations(self) -> None:
        rng = self.rng
        for unit in UNITS:
            bureau = self.bureaus[unit.key]
            units = [o for o in self.orgs if o.unit is unit and o is not bureau and o.type != "人社部门"]
            if unit is CITY:
                units += [b for b in self.bureaus.values() if b is not bureau]
                units += self.hosts
            if not units:
                continue
            for year in range(FIRST_YEAR, self.end.year):
                if unit is not CITY and rng.random() > 0.3:
                    continue
                day = self.between(date(year + 1, 2, 20), date(year + 1, 3, 31))
                if day > self.end:
                    continue
                size = min(len(units), rng.randint(4, 8 + self.n // 10000))
                winners = [{"type": "单位", "organization": o} for o in rng.sample(units, size)]
                record = self.notice("commendations", bureau, day, year=year, award="继续教育工作先进单位",
                                     recipients=winners)
                record.doc = Doc(bureau.prefixes[0], day)
                area = "全市" if unit is CITY else f"全{unit.short[-1]}"
                record.title = f"{bureau.name}关于表彰{year}年度{area}专业技术人员继续教育工作先进单位的决定"
                people, seen = [], set()
                for org in rng.sample(units, min(len(units), rng.randint(4, 10 + self.n // 10000))):
                    name = self.person()
                    while name in seen:
                        name = self.person()
                    seen.add(name)
                    people.append({"type": "个人", "organization": org, "name": name})
                persons = self.notice("commendations", bureau, day, year=year, award="继续教育工作先进个人",
                                      recipients=people)
                persons.published = record.published
                persons.doc = Doc(bureau.prefixes[0], day)
                persons.title = f"{bureau.name}关于表彰{year}年度{area}专业技术人员继续教育工作先进个人的决定"

    # --- numbering ------------------------------------------------------------------------------

    def number(self) -> None:
        rng = random.Random(self.rng.random())
        order = sorted(self.notices, key=lambda r: (r.written, r.seq))
        # The rule (render_policy) holds the city bureau's first numbers of its year: that year's
        # notices of the bureau are numbered after them, else a large registry draws them twice.
        city, year = self.bureaus["cz"], RULE_WRITTEN.year
        serials: dict[tuple[str, int], int] = {(city.prefixes[0], year): RULE_SERIAL}
        for record in order:
            doc = record.doc
            if doc is not None and not doc.number:
                key = (doc.agency, doc.written.year)
                serials[key] = serials.get(key, 0) + rng.randint(1, 3)
                doc.number = f"{doc.agency}〔{doc.written.year}〕{serials[key]}号"
        indexes: dict[tuple[str, int], int] = {(city.uscc, year): RULE_SERIAL}
        ids: dict[tuple[str, int], int] = {}
        prefixes = {"notices": "notice", "bases": "base", "evaluations": "eval", "revocations": "rev",
                    "circulars": "circ", "commendations": "comm", "plans": "plan"}
        for record in order:
            year = record.written.year
            if record.member_of is not None:  # listed in a notice: an id, no 索引号 of its own
                ids[(record.kind, year)] = ids.get((record.kind, year), 0) + 1
                record.id = f"{prefixes[record.kind]}-{year}-{ids[(record.kind, year)]:03d}"
                continue
            key = (record.issuer.uscc, record.published.year)  # a 索引号 is numbered by year of publication
            indexes[key] = indexes.get(key, 0) + rng.randint(1, 3)
            if indexes[key] > 99999:
                raise ValueError(f"{record.issuer.name} {key[1]} 年的索引号超过 99999：规模过大")
            record.index = f"{record.issuer.uscc}/{key[1]}-{indexes[key]:05d}"
            if record.kind == "plans":
                dept = record.data["department"]
                suffix = "-2" if record.corrects is not None else ""
                record.id = f"plan-{record.data['year']}-{dept.id.removeprefix('org-')}{suffix}"
                continue
            id_key = (record.kind, year)
            ids[id_key] = ids.get(id_key, 0) + 1
            record.id = f"{prefixes[record.kind]}-{year}-{ids[id_key]:03d}"
        for key, value in serials.items():
            if value > 99999:
                raise ValueError(f"发文字号 {key} 的序号超过 99999：规模过大")

    def build(self) -> None:
        self.organizations()
        self.bases()
        self.upper_notices()
        self.pending_publicity()
        self.evaluation_notices()
        self.plans()
        self.circulars()
        self.commendations()
        self.number()


def _unit(key: str) -> Unit:
    return next(u for u in UNITS if u.key == key)


def _short_dept(name: str) -> str:
    return {"工业和信息化局": "工信局", "住房和城乡建设局": "住建局", "卫生健康委员会": "卫生健康委", "交通运输局": "交通运输局",
            "自然资源和规划局": "资源规划局", "文化广电和旅游局": "文广旅局", "文体广电和旅游局": "文体广旅局",
            "科学技术局": "科技局", "市场监督管理局": "市场监管局"}.get(name, name)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# ---------------------------------------------------------------------------------------------------
# Rendering: YAML text written directly, block style as in the sample.
# ---------------------------------------------------------------------------------------------------

# A plain scalar is safe when it starts with a CJK character or full-width punctuation and holds no
# ':' or '#' (no mapping value, no comment); everything else goes in double quotes (JSON is valid YAML).
_PLAIN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef《“][^:#\n\"'\\]*(?<! )\Z")


def q(value: str) -> str:
    return value if _PLAIN.match(value) else json.dumps(value, ensure_ascii=False)


def block(paragraphs: list[str]) -> str:
    """The body as a literal block, paragraphs separated by blank lines."""
    return "body: |\n" + "\n\n".join("  " + p for p in paragraphs) + "\n"


def member_header(record: Notice) -> list[str]:
    assert record.member_of is not None
    return [f"# yaml-language-server: $schema=../../schema/{KIND_SCHEMAS[record.kind]}.schema.json",
            f"id: {record.id}", "sample: true", f"notice: {record.member_of.id}"]


def header(record: Notice) -> list[str]:
    lines = [
        f"# yaml-language-server: $schema=../../schema/{KIND_SCHEMAS[record.kind]}.schema.json",
        f"id: {record.id}",
        "sample: true",
        f"title: {q(record.title)}",
        *([f"doc_number: {record.doc.number}"] if record.doc is not None else []),
        f"issuer: {record.issuer.id}",
        f"written_on: {record.written}",
        f"published_on: {record.published}",
        f"category: {CATEGORY}",
        f"index_number: {record.index}",
        f"validity: {record.validity}",
        *([f"repealed_on: {record.repealed}"] if record.repealed else []),
    ]
    return lines


def tail(record: Notice, legal_basis: str | None) -> list[str]:
    lines = [f"legal_basis: {legal_basis}"] if legal_basis else []
    if record.corrects is not None:
        lines.append(f"corrects: {record.corrects.id}")
    if record.supersedes is not None:
        lines.append(f"supersedes: {record.supersedes.id}")
    return lines


def render_org(org: Org) -> str:
    lines = [
        "# yaml-language-server: $schema=../../schema/organization.schema.json",
        f"id: {org.id}",
        "sample: true",
        f"name: {q(org.name)}",
        f"short_name: {q(org.short)}",
        f"type: {org.type}",
    ]
    if org.level:
        lines.append(f"level: {org.level}")
    lines += [f'uscc: "{org.uscc}"', f'district: "{org.district}"']
    if org.parent is not None:
        lines.append(f"parent: {org.parent.id}")
    if org.prefixes:
        lines.append("doc_prefixes:")
        lines += [f"  - {p}" for p in org.prefixes]
    if org.address:
        lines += [f"address: {q(org.address)}", f'phone: "{org.phone}"']
    if org.submitters:
        lines.append("submitters:")
        lines += [f'  - "{s}"' for s in org.submitters]
    return "\n".join(lines) + "\n"


def _addressees(base: Notice) -> str:
    data = base.data
    issuer, supervisor, host = base.issuer, data["supervisor"], data["host"]
    if issuer.unit is CITY:
        local = f"{host.unit.short}人力资源和社会保障局"
        if data["district"] == "320405":
            local = "戚墅堰区人力资源和社会保障局"
        elif data["district"] == "320482":
            local = "金坛市人力资源和社会保障局"
        parts = [local] + ([supervisor.short] if supervisor is not issuer else []) + [host.name]
    else:
        parts = ([supervisor.name] if supervisor is not issuer else ["区各有关部门"]) + [host.name]
    return "，".join(parts) + "："


def render_base(base: Notice) -> str:
    data = base.data
    host, supervisor, issuer = data["host"], data["supervisor"], base.issuer
    lines = header(base) if base.member_of is None else member_header(base)
    lines += [
        f"name: {q(data['name'])}",
        f"host: {host.id}",
        f"supervisor: {supervisor.id}",
        f'district: "{data["district"]}"',
        f"level: {data['level']}",
        "specialties:",
        *[f"  - {s}" for s in data["specialties"]],
        f"address: {q(data['address'])}",
    ]
    until = data.get("valid_until")
    if until:
        lines.append(f"valid_until: {until}")
    if data.get("batch"):
        lines.append(f"batch: {data['batch']}")
    if base.member_of is not None:
        return "\n".join(lines) + "\n"
    lines += tail(base, None)
    topic, recommender = data["topic"], supervisor.short if supervisor is not issuer else "行业主管部门"
    if data.get("batch"):
        group = data["group"]
        listed = "、".join(f"{b.data['name']}（依托单位：{b.data['host'].name}）" for b in group[:12])
        more = f"等{len(group)}个基地" if len(group) > 12 else ""
        body = [
            "各辖市、区人力资源和社会保障局，市各有关部门，各有关单位：" if issuer.unit is CITY
            else "区各有关部门，各镇人民政府、街道办事处，各有关单位：",
            f"根据{METHOD}有关规定，经单位申报、行业主管部门推荐、专家评审和社会公示，决定认定{listed}{more}"
            f"为{base.written.year}年度第{cn_number(data['batch'])}批{'市级' if issuer.unit is CITY else ''}"
            "专业技术人员继续教育基地。",
            "各基地要围绕我市产业发展和专业技术人才队伍建设需求，完善培训课程体系，加强师资队伍和培训档案管理，"
            "如实登记学员学时，按规定接受行业主管部门和人力资源社会保障部门的评估验收。",
            f"{issuer.short}将会同有关行业主管部门对基地运行情况进行跟踪管理，对评估验收不合格的，责令限期整改；"
            "逾期不整改或整改后仍不符合要求的，取消其基地资格。",
        ]
    else:
        body = [
            _addressees(base),
            f"经单位申报、{recommender}推荐和专家评审，{host.name}具备承担{topic}领域专业技术人员继续教育的场地、"
            f"师资和管理条件。经研究，决定认定其为{data['name']}。",
            f"基地要围绕{topic}方向开设专业科目，严格执行培训学时登记和档案管理制度，不得以收代培、虚报学时，"
            "每年向主管部门报送培训计划和工作总结。",
        ]
        if until:
            body.append(f"基地资格有效期至{cn_date(until)}。有效期届满前三个月，基地可按规定申请重新认定。")
        elif supervisor is not issuer:
            body.append(f"{supervisor.short}负责对基地进行日常管理，{issuer.short}会同{supervisor.short}定期组织评估验收。")
        if base.supersedes is not None:
            body.insert(1, f"{issuer.short}于{cn_date(base.supersedes.published)}对拟认定对象进行了公示"
                           f"（{base.supersedes.doc.number}），公示期内未收到异议。")  # type: ignore[union-attr]
    return "\n".join(lines) + "\n" + block(body)


def render_evaluation(record: Notice) -> str:
    data = record.data
    base, kind, result = data["base"], data["type"], data["result"]
    host, supervisor, issuer = base.data["host"], base.data["supervisor"], record.issuer
    lines = header(record) if record.member_of is None else member_header(record)
    lines += [f"base: {base.id}", f"type: {kind}", f"evaluated_on: {data['evaluated_on']}", f"result: {result}"]
    if record.member_of is not None:  # a passed 评估验收 listed in a 评估结果 notice
        return "\n".join(lines) + "\n"
    if data["deadline"] is not None:
        lines.append(f"deadline: {data['deadline']}")
    if data["findings"]:
        lines.append("findings:")
        lines += [f"  - {q(f)}" for f in data["findings"]]
    lines += tail(record, f"{METHOD}第二十五条")
    jointly = f"{issuer.short}会同{supervisor.short}" if supervisor is not issuer else issuer.short
    heads = f"{host.name}，{supervisor.short}：" if supervisor is not issuer else f"{host.name}："
    evaluated = cn_date(data["evaluated_on"])
    body = [heads]
    if record.corrects is not None:
        original = record.corrects
        body.append(f"我局{cn_date(original.written)}印发的《{original.title}》（{original.doc.number}）"  # type: ignore[union-attr]
                    "中，培训期数和培训人次统计有误，现将更正后的评估验收结果通知如下。")
    if kind == "评估验收":
        body.append(f"根据{METHOD}第二十五条规定，{jointly}于{evaluated}对{base.data['name']}进行了评估验收。")
        if result == "合格":
            body.append(f"经查阅资料、现场察看和座谈了解，该基地管理制度健全，师资队伍稳定，近三年累计开展专业科目培训"
                        f"{data['periods']}期、培训专业技术人员{data['trainees']}余人次，学时登记规范，评估验收结果为合格，"
                        "继续保留其专业技术人员继续教育基地资格。")
            body.append(f"希望基地进一步对接{base.data['topic']}领域新技术、新要求，持续提升培训质量。")
        else:
            body.append(f"评估发现，该基地存在{'，'.join(data['findings'])}等问题。评估验收结果为限期整改。")
            body.append(f"请你单位于{cn_date(data['deadline'])}前完成整改，并书面报告整改情况。"
                        "逾期不整改或者整改后仍不符合要求的，将取消其基地资格。")
    else:
        order = data["order"]
        body.append(f"{evaluated}，{jointly}对{base.data['name']}的整改情况进行了复查"
                    f"（限期整改通知：{order.doc.number}）。")
        if result == "合格":
            body.append("经复查，评估验收发现的问题已整改到位，相关制度已建立并落实，整改复查结果为合格，"
                        "继续保留其专业技术人员继续教育基地资格。")
        else:
            body.append(f"经复查，该基地{'，'.join(data['findings'])}。整改复查结果为不合格。")
            body.append(f"{issuer.short}将依照{METHOD}第二十五条规定另行作出处理决定。")
    if record.corrects is not None:
        body.append("特此更正。")
    return "\n".join(lines) + "\n" + block(body)


def _listing(bases: list[Notice]) -> list[str]:
    return [f"{i}. {b.data['name']}（依托单位：{b.data['host'].name}）" for i, b in enumerate(bases, 1)]


def render_notice(notice: Notice) -> str:
    """A 名单公告: a 公示, a decision that follows one, a national or provincial list, or evaluation results."""
    data = notice.data
    issuer, act, members = notice.issuer, data["act"], data["members"]
    lines = header(notice)
    lines.insert(3, f"act: {act}")
    if data.get("batch"):
        lines.append(f"batch: {data['batch']}")
    if data.get("valid_until"):
        lines.append(f"valid_until: {data['valid_until']}")
    contact = f"{issuer.short}专业技术人员管理处，电话 {issuer.phone}"
    if act == "拟认定公示":
        start, end = data["publicity"]
        lines += ["publicity:", f"  start: {start}", f"  end: {end}", f"  contact: {contact}"]
        body = [f"根据{METHOD}有关规定，经单位申报、行业主管部门推荐和专家评审，拟认定以下 {len(members)} 个单位为"
                "市级专业技术人员继续教育基地，现予以公示。", *_listing(members),
                f"公示时间为{cn_date(start)}至{cn_date(end)}。公示期间，任何单位和个人如有异议，可以书面或电话形式"
                f"实名向{issuer.name}专业技术人员管理处反映。",
                "公示期满无异议或者异议不影响认定的，由市人力资源和社会保障局正式发文认定。"]
    elif act == "评估结果":
        lines.append(f"legal_basis: {METHOD}第二十五条")
        body = ["各辖市、区人力资源和社会保障局，市各有关部门，各有关基地：",
                f"根据{METHOD}第二十五条规定，{issuer.short}会同有关行业主管部门对以下 {len(members)} 个市级专业技术人员"
                "继续教育基地进行了评估验收，结果均为合格，继续保留其基地资格（结果见各基地评估验收记录）：",
                *[f"{i}. {e.data['base'].data['name']}" for i, e in enumerate(members, 1)]]
    elif "follows" in data:
        listed, withdrawn = data["follows"], data["withdrawn"]
        accredited = [b for b in listed.data["members"] if b not in withdrawn]
        lines += [f"follows: {listed.id}", f"objection: {'有异议' if withdrawn else '无异议'}"]
        body = ["各辖市、区人力资源和社会保障局，市各有关部门，各有关单位：",
                f"根据{METHOD}有关规定，经单位申报、行业主管部门推荐、专家评审和社会公示，决定认定"
                f"{accredited[0].data['name']}等 {len(accredited)} 个单位为{notice.written.year}年度第"
                f"{cn_number(data['batch'])}批市级专业技术人员继续教育基地（名单见附件）。"]
        if withdrawn:
            name = withdrawn[0].data["host"].name
            detail = f"公示期内收到对{name}的实名异议，经核查该单位师资和场地条件不符合要求，不予认定；其余单位无异议。"
            lines += [f"objection_detail: {detail}", "withdrawn:", *[f"  - {b.id}" for b in withdrawn]]
            body.append(detail)
        body.append("各基地要按规定接受行业主管部门和人力资源社会保障部门的评估验收。对评估验收不合格的，责令限期整改；"
                    "逾期不整改或整改后仍不符合要求的，取消其基地资格。")
    else:
        level = "国家级" if issuer.level == "国家级" else "江苏省"
        body = ["各设区市人力资源社会保障局，省各有关部门，各有关单位：" if level == "江苏省"
                else "各省、自治区、直辖市及新疆生产建设兵团人力资源社会保障厅（局），国务院有关部委、直属机构人事部门：",
                f"经各地区、各部门推荐和专家评审，确定{data['total']}个单位为{level}专业技术人员继续教育基地"
                + (f"，有效期至{cn_date(data['valid_until'])}。" if data.get("valid_until") else "。"),
                f"本平台只收录其中在常州的{len(members)}个基地：", *_listing(members)]
    return "\n".join(lines) + "\n" + block(body)


def render_revocation(record: Notice) -> str:
    data = record.data
    base, reason, grounds, order = data["base"], data["reason"], data["evaluation"], data["order"]
    host, supervisor, issuer = base.data["host"], base.data["supervisor"], record.issuer
    announcement = data["announcement"]
    lines = header(record)
    lines += [f"base: {base.id}", f"reason: {reason}", f"evaluation: {grounds.id}", "announcement:",
              f"  medium: {q(announcement['medium'])}", f"  published_on: {announcement['published_on']}"]
    if "page" in announcement:
        lines.append(f"  page: {announcement['page']}")
    else:
        stamp = announcement["published_on"]
        lines.append(f'  url: "https://www.example.com/{issuer.id.removeprefix("org-")}/tzgg/{stamp.year}/'
                     f'{stamp:%m%d}-{record.id}.html"')
    lines += tail(record, f"{METHOD}第二十五条")
    addressees = [host.name] + ([supervisor.short] if supervisor is not issuer else [])
    body = ["，".join(addressees) + "："]
    body.append(f"{cn_date(order.data['evaluated_on'])}，{base.data['name']}评估验收结果为限期整改，"
                f"整改期限至{cn_date(order.data['deadline'])}（{order.doc.number}）。")
    if reason == "逾期不整改":
        body.append(f"截至整改期限届满，{host.name}未报送整改情况报告，经核实，评估发现的问题均未整改。")
    else:
        body.append(f"{cn_date(grounds.data['evaluated_on'])}整改复查结果为不合格（{grounds.doc.number}），"
                    "整改后仍不符合基地设置要求。")
    body.append(f"根据{METHOD}第二十五条规定，决定取消{base.data['name']}资格，并在媒体上予以公告。")
    body.append("自本决定印发之日起，该单位不得再以专业技术人员继续教育基地名义开展培训活动。"
                "本决定印发前已按规定登记的培训学时继续有效。")
    return "\n".join(lines) + "\n" + block(body)


def render_circular(record: Notice) -> str:
    data = record.data
    year, scope, nature, subjects = data["year"], data["scope"], data["nature"], data["subjects"]
    issuer = record.issuer
    lines = header(record)
    lines += [f"year: {year}", f"scope: {scope}", f"nature: {nature}", "subjects:"]
    for s in subjects:
        lines += [f"  - organization: {s['organization'].id}", f"    result: {s['result']}"]
        if s.get("findings"):
            lines.append("    findings:")
            lines += [f"      - {f}" for f in s["findings"]]
        if "quota_cut" in s:
            lines.append(f"    quota_cut: {_num(s['quota_cut'])}")
        if s.get("note"):
            lines.append(f"    note: {q(s['note'])}")
    lines += tail(record, data["legal_basis"])

    def names(result: str) -> list[str]:
        return [s["organization"].short if scope == "行业主管部门" else s["organization"].name
                for s in subjects if s["result"] == result]

    good, fair, bad = names("优秀"), names("合格"), names("不合格")
    city = issuer.unit is CITY
    if scope == "行业主管部门":
        body = ["市各有关部门：" if city else "区各有关部门："]
        if nature == "通报表扬":
            body += [f"根据{METHOD}规定，{issuer.short}组织对各行业主管部门{year}年度专业技术人员继续教育工作进行了考核。",
                     f"考核结果显示，{'、'.join(good)}高度重视专业技术人员继续教育工作，年度培训计划制定科学、报送及时、"
                     f"执行到位，考核等次为优秀。为表扬先进，决定对上述{len(good)}个部门予以通报表扬。",
                     "希望受到表扬的部门再接再厉，进一步创新培训方式、提升培训质量。"]
        else:
            body.append(f"根据{METHOD}第十七条、第十八条规定，{issuer.short}对{len(subjects)}个行业主管部门{year}年度"
                        "专业技术人员继续教育工作进行了考核。现将考核情况通报如下。")
            if good:
                body.append(f"{'、'.join(good)}考核结果为优秀。")
            if fair:
                body.append(f"{'、'.join(fair)}考核结果为合格。")
            if bad:
                body.append(f"{'、'.join(bad)}考核结果为不合格。根据{METHOD}第十九条规定，予以通报批评，"
                            f"请有关部门于{year + 1}年3月31日前完成整改并书面报告。")
            body.append("各行业主管部门要高度重视专业技术人员继续教育工作，每年第一季度制定并报送年度专业科目培训计划，"
                        "确保计划落实到位。")
    else:
        body = ["各辖市、区人力资源和社会保障局，市各有关部门，各有关单位：" if city else "区各有关部门，各有关单位：",
                f"{year}年，{issuer.short}会同有关行业主管部门，对部分企事业单位专业技术人员继续教育工作进行了抽查考核。"
                "现将有关情况通报如下。",
                f"本次共抽查{len(subjects)}家单位。"
                + (f"{'、'.join(good)}考核结果为优秀。" if good else "")
                + (f"{'、'.join(fair)}考核结果为合格。" if fair else "")]
        if bad:
            body.append(f"{'、'.join(bad)}考核结果为不合格。根据{METHOD}第二十三条规定，对上述单位予以通报批评，"
                        f"并核减其{year}年度考核优秀比例。")
        body.append("各单位要对照第二十二条要求开展自查，切实落实专业技术人员继续教育主体责任。")
    return "\n".join(lines) + "\n" + block(body)


def render_commendation(record: Notice) -> str:
    data = record.data
    lines = header(record)
    lines += [f"year: {data['year']}", f"award: {data['award']}", "recipients:"]
    for r in data["recipients"]:
        lines += [f"  - type: {r['type']}", f"    organization: {r['organization'].id}"]
        if "name" in r:
            lines.append(f"    name: {r['name']}")
    lines += tail(record, f"{METHOD}第二十条、第二十四条")
    issuer, year, recipients = record.issuer, data["year"], data["recipients"]
    area = "常州市" if issuer.unit is CITY else issuer.unit.short
    heads = "各辖市、区人力资源和社会保障局，市各有关部门，各有关单位：" if issuer.unit is CITY else "区各有关部门，各有关单位："
    if recipients[0]["type"] == "单位":
        body = [heads,
                f"{year}年，各地各部门认真贯彻落实专业技术人员继续教育有关规定，扎实开展公需科目和专业科目培训，"
                "涌现出一批工作扎实、成绩显著的先进单位。",
                f"为表彰先进，经考核推荐和公示，决定授予{'、'.join(r['organization'].name for r in recipients)}"
                f"等{len(recipients)}个单位“{year}年度{area}继续教育工作先进单位”称号。",
                "希望受表彰的单位珍惜荣誉，再创佳绩。"]
    else:
        body = [heads,
                f"为激励先进、树立典型，经所在单位推荐、考核评审和公示，决定授予{recipients[0]['name']}等{len(recipients)}名同志"
                f"“{year}年度{area}继续教育工作先进个人”称号。",
                "受表彰个人名单附后（仅列姓名及所在单位）。",
                "希望受表彰的同志戒骄戒躁，在今后的工作中继续发挥示范带头作用。"]
    return "\n".join(lines) + "\n" + block(body)


def render_plan(record: Notice) -> str:
    data = record.data
    dept, year = data["department"], data["year"]
    lines = header(record)
    lines += [f"department: {dept.id}", f"year: {year}", f"filed_on: {data['filed_on']}",
              f"approved_on: {data['approved_on']}", "courses:"]
    for title, hours, audience in data["courses"]:
        lines += [f"  - title: {q(title)}", f"    hours: {hours}", f"    audience: {q(audience)}"]
    lines += tail(record, f"{METHOD}第十六条")
    bureau = "市人力资源和社会保障局" if dept.unit is CITY else f"{dept.unit.short}人力资源和社会保障局"
    topics = "、".join(c[0] for c in data["courses"])
    body = []
    if record.corrects is not None:
        original = record.corrects
        body.append(f"我局{cn_date(original.written)}印发的《{original.title}》（{original.doc.number}）中，"  # type: ignore[union-attr]
                    f"“{data['courses'][0][0]}”学时有误，应为{data['courses'][0][1]}学时。现将更正后的培训计划印发如下。")
    body += [f"为贯彻落实{METHOD}，进一步加强本行业专业技术人员继续教育工作，{dept.short}制定了{year}年度专业科目培训计划，"
             f"已报{bureau}审核备案，现予印发，请认真组织实施。",
             f"{year}年度专业科目培训重点围绕{topics}等内容，采取集中面授、现场教学和网络学习相结合的方式进行，"
             "专业科目学习时间累计不少于规定学时。",
             "各有关单位要按照计划做好参训人员组织和学时登记工作，培训结束后及时汇总培训情况。"
             "年度计划执行情况将纳入行业主管部门继续教育工作考核。"]
    return "\n".join(lines) + "\n" + block(body)


# The rule of 2011 (policies/pol-2011-001): the city bureau's 常人社发〔2011〕11号, 索引号 …/2011-00011.
RULE_WRITTEN, RULE_SERIAL = date(2011, 1, 17), 11


def render_policy(bureau: Org) -> str:
    return "\n".join([
        "# yaml-language-server: $schema=../../schema/policy.schema.json",
        "id: pol-2011-001",
        "sample: true",
        "title: 关于印发《常州市专业技术人员继续教育管理和考核办法（试行）》的通知",
        f"doc_number: {bureau.prefixes[0]}〔{RULE_WRITTEN.year}〕{RULE_SERIAL}号",
        f"issuer: {bureau.id}",
        f"written_on: {RULE_WRITTEN.isoformat()}",
        "published_on: 2011-01-20",
        f"category: {CATEGORY}",
        f"index_number: {bureau.uscc}/{RULE_WRITTEN.year}-{RULE_SERIAL:05d}",
        "validity: 现行有效",
        "effective_from: 2011-02-01",
    ]) + "\n" + block([
        "各辖市、区人力资源和社会保障局，市各部委办局人事（组织人事）处，市各直属单位人事处：",
        "为进一步加强专业技术人员继续教育工作，切实抓好专业技术人员继续教育考核，不断提高我市专业技术人员队伍素质，"
        "制定了《常州市专业技术人员继续教育管理和考核办法（试行）》。现下发给你们，请遵照执行。",
        "附件：常州市专业技术人员继续教育管理和考核办法（试行）",
    ])


RENDER = {"notices": render_notice, "bases": render_base, "evaluations": render_evaluation, "revocations": render_revocation,
          "circulars": render_circular, "commendations": render_commendation, "plans": render_plan}

# ---------------------------------------------------------------------------------------------------
# Entry points.
# ---------------------------------------------------------------------------------------------------


def write_repository(out: Path, bases: int, seed: int = 1, *, until: date = UNTIL) -> dict[str, int]:
    """Write OUT/records/<kind>/<id>.yaml for a registry of `bases` training bases.

    Args:
        out: the repository root; its records/ folder is replaced when this script wrote it before.
        bases: the number of training bases (N); every other kind scales with it.
        seed: the same seed (with the same N and `until`) gives the same bytes.
        until: the last day a past date may take; the records validate as of any later day.

    Returns:
        The number of files written per kind.

    Raises:
        FileExistsError: OUT/records holds records this script did not write.
    """
    if bases < 1:
        raise ValueError("bases must be at least 1")
    records = Path(out) / "records"
    if records.exists():
        if any(records.iterdir()) and not (records / MARKER).is_file():
            raise FileExistsError(f"{records} 已有不是本脚本生成的记录，不覆盖")
        shutil.rmtree(records)
    model = Model(bases, seed, until)
    model.build()
    counts: dict[str, int] = {}
    for kind in KIND_SCHEMAS:
        (records / kind).mkdir(parents=True)
    (records / MARKER).write_text(f"bases={bases} seed={seed} until={until}\n", encoding="utf-8")

    def put(kind: str, record_id: str, text: str) -> None:
        with open(records / kind / f"{record_id}.yaml", "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        counts[kind] = counts.get(kind, 0) + 1

    for org in model.orgs:
        put("organizations", org.id, render_org(org))
    for record in model.notices:
        put(record.kind, record.id, RENDER[record.kind](record))
    put("policies", "pol-2011-001", render_policy(model.bureaus["cz"]))
    return {kind: counts.get(kind, 0) for kind in KIND_SCHEMAS}


def touch_one(out: Path) -> Path:
    """Change one base's free text (a sentence appended to its body), validly; return the file.

    The base is the first one from the middle that is a document of its own (a listed one has no body).
    Each call appends again, so every call changes the file's bytes.
    """
    bases = sorted((Path(out) / "records" / "bases").glob("*.yaml"))
    if not bases:
        raise FileNotFoundError(f"{out} 中没有培训基地记录")
    for path in bases[len(bases) // 2:] + bases[:len(bases) // 2]:
        text = path.read_text(encoding="utf-8")
        if text.endswith("\n") and "\nbody: |\n" in text:
            path.write_text(text + "\n  基地办学地址、联系电话如有变更，以主管部门公布的信息为准。\n", encoding="utf-8")
            return path
    raise FileNotFoundError(f"{out} 中没有自带正文的培训基地记录")


_EVALUATED = re.compile(r"^evaluated_on: (\d{4}-\d\d-\d\d)$", re.M)


def touch_linked(out: Path) -> Path:
    """Change what a cross-record rule reads, validly: move one passed 评估验收's 评估日期 a day earlier
    (base-event-order and date-order compare it with its base's other events and its notice). Return the file.

    Every call moves it again; the margin to the event before (over a year) keeps dozens of calls valid.
    """
    evaluations = sorted((Path(out) / "records" / "evaluations").glob("*.yaml"))
    for path in evaluations[len(evaluations) // 2:] + evaluations[:len(evaluations) // 2]:
        text = path.read_text(encoding="utf-8")
        found = _EVALUATED.search(text)
        if found and "\ntype: 评估验收\n" in text and "\nresult: 合格\n" in text:
            day = date.fromisoformat(found.group(1)) - timedelta(days=1)
            path.write_text(text[:found.start(1)] + day.isoformat() + text[found.end(1):], encoding="utf-8")
            return path
    raise FileNotFoundError(f"{out} 中没有评估验收合格的记录")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成合成的记录库（基准测试用）：OUT/records/<类别>/<编号>.yaml")
    parser.add_argument("--bases", type=int, required=True, help="培训基地数 N")
    parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
    parser.add_argument("--until", type=date.fromisoformat, default=UNTIL,
                        help=f"过去日期的最晚一天（默认 {UNTIL}）")
    parser.add_argument("out", type=Path, help="输出目录（仓库根目录）")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        counts = write_repository(args.out, args.bases, args.seed, until=args.until)
    except (FileExistsError, ValueError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    summary = "，".join(f"{kind} {n}" for kind, n in counts.items())
    print(f"已生成 {sum(counts.values())} 个文件（{summary}），用时 {time.perf_counter() - started:.1f} 秒",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
