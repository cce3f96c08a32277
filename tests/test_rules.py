"""Every rule, failing and passing: one edit to a copy of the sample, and what the clerk reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from generator.refdata import hours_for_year
from generator.rules import docnumbers
from generator.rules.context import Context
from generator.validate import check_repository

from helpers import AS_OF, Repo, found

BASE = "records/bases/base-2020-002.yaml"
ORG = "records/organizations/org-cz-wsjk.yaml"
EVAL = "records/evaluations/eval-2024-003.yaml"
EVAL_OK = "records/evaluations/eval-2025-004.yaml"
REINSPECTION = "records/evaluations/eval-2025-001.yaml"
REVOCATION = "records/revocations/rev-2025-001.yaml"
CIRCULAR = "records/circulars/circ-2025-002.yaml"
PLAN = "records/plans/plan-2025-cz-czj.yaml"
CORRECTION = "records/evaluations/eval-2026-002.yaml"
BATCH_BASE = "records/bases/base-2025-101.yaml"  # listed by the 公示 notice-2025-011
PUBLICITY = "records/notices/notice-2025-011.yaml"  # 拟认定公示 of 32 bases
DECISION = "records/notices/notice-2025-012.yaml"  # its decision: 31 accredited, one withdrawn
POLICY = "records/policies/pol-2011-001.yaml"


@dataclass
class Case:
    rule: str
    file: str
    edits: list[tuple[str, str]]
    at: str  # text on the line the diagnostic must point at
    says: str  # part of the Chinese message
    clone: str | None = None  # copy `file` to this path first, then edit the copy
    id: str = field(default="")


FAILING = [
    Case("schema-required", BASE, [("level: 市级\n", "")], "id: base-2020-002", "缺少必填字段「基地级别」（level）"),
    Case("schema-forbidden", "records/evaluations/eval-2024-001.yaml",
         [("result: 合格\n", "result: 合格\ndeadline: 2025-01-01\n")], "deadline:", "此处不应填写「整改期限」"),
    Case("unknown-field", BASE, [("address:", "adress:")], "adress:", "未知字段「adress」（是否应为「address」（办学地址）？）"),
    Case("schema-type", BASE, [("level: 市级\n", "level: 市级\nbatch: 第一批\n")], "batch:", "「认定批次」应为整数，实际为文本「第一批」"),
    Case("schema-enum", BASE, [("level: 市级", "level: 部级")], "level:", "「基地级别」取值「部级」无效，可选：国家级、省级、市级、辖市区级"),
    Case("schema-pattern", ORG, [('phone: "0519-85682310"', 'phone: "85682310"')], "phone:", "「办公电话」格式不正确"),
    Case("schema-format", BASE, [("written_on: 2020-11-24", "written_on: 2020-02-30")], "written_on:", "「成文日期」不是有效日期"),
    Case("date-range", "records/evaluations/eval-2024-002.yaml", [("deadline: 2025-02-28", "deadline: 9999-12-31")],
         "deadline:", "「整改期限」9999-12-31 不在可接受的日期范围内（1949-10-01 至 2100-12-31）"),
    Case("schema-empty", BASE, [("name: 常州市中小学教师继续教育基地", 'name: ""')], "name:", "「基地名称」不能为空"),
    Case("schema-range", BASE, [("  - 教育\n", "  - 教育\n  - 体育\n  - 教育 \n")], "  - 教育 ", "「专业领域」中有重复项「教育」"),
    Case("schema-range", "records/plans/plan-2025-cz-czj.yaml", [("hours: 24\n    audience: 企业", "hours: 0\n    audience: 企业")],
         "hours: 0", "「学时」须大于 0"),
    Case("docnumber-format", BASE, [("常人社发〔2020〕121号", "常人社发[2020]第0121号")], "doc_number:", "应写作「常人社发〔2020〕121号」"),
    Case("docnumber-format", BASE, [("常人社发〔2020〕121号", "常人社发（2020）121号")], "doc_number:", "应写作「常人社发〔2020〕121号」"),
    Case("id-filename", BASE, [("id: base-2020-002", "id: base-2020-009")], "id:", "与文件名「base-2020-002.yaml」不一致"),
    Case("id-filename", BASE, [], "id:", "只能用小写字母、数字和连字符", clone="records/bases/Base-2020-002.yaml"),
    Case("id-reserved", BASE, [("id: base-2020-002", "id: nul")], "id:", "「nul」是 Windows 的保留设备名"),
    Case("id-reserved", BASE, [("id: base-2020-002", "id: LPT1")], "id:", "「LPT1」是 Windows 的保留设备名（不区分大小写）"),
    Case("id-reserved", ORG, [("id: org-cz-wsjk", "id: con")], "id:", "文件名「con.yaml」是 Windows 的保留设备名",
         clone="records/organizations/con.yaml"),
    Case("id-duplicate", PLAN, [], "id:", "记录编号「plan-2025-cz-czj」同时用于 records/plans/plan-2025-cz-czj.yaml", clone="records/revocations/plan-2025-cz-czj.yaml"),
    Case("ref-missing", BASE, [("host: org-zl-jsfz", "host: org-nowhere")], "host:", "「依托单位」引用的记录「org-nowhere」不存在"),
    Case("ref-kind", BASE, [("host: org-zl-jsfz", "host: org-cz-wsjk")], "host:", "「依托单位」应为企事业单位或施教机构"),
    Case("ref-kind", EVAL, [("base: base-2021-001", "base: org-czrsj")], "base:", "「培训基地」应引用培训基地记录"),
    Case("ref-kind", REVOCATION, [("evaluation: eval-2024-003", "evaluation: eval-2024-001")], "evaluation:",
         "评估的是另一个基地"),
    Case("ref-correction", CORRECTION, [("corrects: eval-2026-001", "corrects: rev-2025-001")], "corrects:",
         "只能指向另一条评估验收记录"),
    Case("docnumber-unique", EVAL, [("常人社函〔2024〕63号", "常人社发〔2024〕41号")], "doc_number:", "发文字号不得重复"),
    Case("docnumber-year", EVAL, [("常人社函〔2024〕63号", "常人社函〔2023〕63号")], "doc_number:", "年份 2023 与「成文日期」2024-06-25"),
    Case("docnumber-issuer", EVAL, [("常人社函〔2024〕63号", "常卫发〔2024〕63号")], "doc_number:", "机关代字「常卫发」不属于发文机关"),
    Case("index-duplicate", REVOCATION, [("113204000141523630/2025-00047", "113204000141523630/2024-00081")], "index_number:",
         "索引号一经分配不得重复"),
    Case("date-future", EVAL, [("evaluated_on: 2024-06-18", "evaluated_on: 2026-12-01")], "evaluated_on:", "晚于今天（2026-11-26）"),
    Case("date-order", REVOCATION, [("  published_on: 2025-03-22", "  published_on: 2025-03-10")], "  published_on:",
         "「公告日期」2025-03-10 不能早于「成文日期」2025-03-18"),
    Case("date-order", EVAL, [("deadline: 2024-12-31", "deadline: 2024-06-18")], "deadline:", "「整改期限」2024-06-18 须晚于「评估日期」"),
    Case("disclosure-deadline", EVAL, [("published_on: 2024-06-28", "published_on: 2024-09-30")], "published_on:",
         "20 个工作日内公开"),
    Case("base-event-order", EVAL, [("written_on: 2024-06-25", "written_on: 2021-08-01"),
                                     ("evaluated_on: 2024-06-18", "evaluated_on: 2021-07-01"),
                                     ("deadline: 2024-12-31", "deadline: 2021-12-31"),
                                     ("常人社函〔2024〕63号", "常人社函〔2021〕63号")],
         "written_on:", "早于基地「常州市数字技术专业技术人员继续教育基地」的认定日期 2021-08-17"),
    Case("base-after-revocation", "records/evaluations/eval-2024-001.yaml",
         [("id: eval-2024-001", "id: eval-2025-099"), ("base: base-2013-001", "base: base-2021-001"),
          ("常人社函〔2024〕118号", "常人社函〔2025〕99号"), ("113204000141523630/2024-00176", "113204000141523630/2025-00999"),
          ("written_on: 2024-10-15", "written_on: 2025-06-10"), ("published_on: 2024-10-18", "published_on: 2025-06-12"),
          ("evaluated_on: 2024-09-24", "evaluated_on: 2025-06-01")],
         "base:", "基地已于 2025-03-18 取消资格，其后不能再评估", clone="records/evaluations/eval-2025-099.yaml"),
    Case("base-reinspection", EVAL_OK, [("type: 评估验收", "type: 整改复查")], "type:", "没有待复查的限期整改"),
    Case("base-evaluation-result", EVAL_OK, [("result: 合格", "result: 不合格")], "result:", "结果应为「限期整改」"),
    Case("base-reinspection", "records/evaluations/eval-2025-003.yaml",
         [("id: eval-2025-003", "id: eval-2025-098"), ("常人社函〔2025〕97号", "常人社函〔2025〕98号"),
          ("113204000141523630/2025-00139", "113204000141523630/2025-00998"),
          ("written_on: 2025-08-05", "written_on: 2025-08-12"), ("published_on: 2025-08-08", "published_on: 2025-08-14"),
          ("evaluated_on: 2025-07-29", "evaluated_on: 2025-08-11"), ("result: 不合格", "result: 合格")],
         "type:", "复查不合格，下一步应为取消资格", clone="records/evaluations/eval-2025-098.yaml"),
    Case("base-evaluation-result", "records/evaluations/eval-2025-003.yaml",
         [("result: 不合格", "result: 限期整改\ndeadline: 2025-12-31")], "result:", "不能再次限期整改"),
    Case("base-late-reinspection", REINSPECTION, [("evaluated_on: 2025-02-20", "evaluated_on: 2025-03-05"),
                                                   ("written_on: 2025-02-26", "written_on: 2025-03-06"),
                                                   ("published_on: 2025-02-28", "published_on: 2025-03-07")],
         "evaluated_on:", "复查日期 2025-03-05 晚于整改期限 2025-02-28"),
    Case("base-revocation-grounds", REVOCATION, [("reason: 逾期不整改", "reason: 整改后仍不符合要求")], "reason:",
         "但基地当时为「逾期未整改」"),
    Case("base-revocation-other", REVOCATION, [("reason: 逾期不整改", "reason: 其他\nreason_detail: 依托单位已注销")],
         "reason:", "请审核人核对"),
    Case("district-unknown", BASE, [('district: "320404"', 'district: "320499"')], "district:",
         "「所在地区」320499 不是县级以上行政区划代码（GB/T 2260）（可在民政部「全国行政区划信息查询平台」查询；"
         "常州市各区：320400 常州市、320402 天宁区、320404 钟楼区、320411 新北区、320412 武进区、320413 金坛区、320481 溧阳市）"),
    # GB/T 2260 has no code for the whole country: a national body is located where it sits
    Case("district-unknown", ORG, [('district: "320400"', 'district: "100000"')], "district:",
         "100000 不是县级以上行政区划代码", id="national"),
    Case("district-expired", BASE, [('district: "320404"', 'district: "320405"')], "district:",
         "「所在地区」320405（戚墅堰区）在成文日期 2020-11-24 无效（有效期 1983-08-19 至 2015-04-27）（应为 320412（武进区））"),
    Case("district-expired", ORG, [('district: "320400"', 'district: "320482"')], "district:",
         "「所在地区」320482（金坛市）在今天 2026-11-26 无效（有效期 1993-11-10 至 2015-04-27）（应为 320413（金坛区））"),
    # the day before the State Council's approval (国函〔2015〕75号, 2015-04-28) still had the old county-level city
    Case("district-expired", BASE, [('district: "320404"', 'district: "320413"'), ("written_on: 2020-11-24", "written_on: 2015-04-27"),
                                    ("published_on: 2020-11-30", "published_on: 2015-04-30")], "district:",
         "「所在地区」320413（金坛区）在成文日期 2015-04-27 无效（有效期 2015-04-28 至 今）", id="not-yet"),
    # outside Changzhou: the successor is named in full
    Case("district-expired", BASE, [('district: "320404"', 'district: "320103"')], "district:",
         "320103（白下区）在成文日期 2020-11-24 无效（有效期 1983-08-19 至 2013-02-07）（应为 320104（江苏省南京市秦淮区））",
         id="nanjing"),
    Case("org-uscc-checksum", ORG, [('uscc: "113204000141530838"', 'uscc: "113204000141530839"')], "uscc:", "校验位应为「8」"),
    Case("circular-findings", CIRCULAR, [("      - 负责人不重视", "      - 未配备专兼职人员")], "- 未配备专兼职人员",
         "「未配备专兼职人员」不是第二十二条对企事业单位所列的问题"),
    Case("circular-quota-cut", CIRCULAR, [("quota_cut: 1.5", "quota_cut: 3")], "quota_cut:", "超出第二十三条规定的 1%—2%"),
    Case("circular-quota-cut", CIRCULAR, [("    quota_cut: 1.5\n", "")], "- organization: org-ccgc", "须填写「优秀比例核减」"),
    Case("plan-late", PLAN, [("filed_on: 2025-03-20", "filed_on: 2025-04-02"),
                              ("approved_on: 2025-03-27", "approved_on: 2025-04-08"),
                              ("written_on: 2025-03-20", "written_on: 2025-04-02"),
                              ("published_on: 2025-03-28", "published_on: 2025-04-09")],
         "filed_on:", "晚于 2025 年第一季度"),
    Case("plan-duplicate", PLAN, [("id: plan-2025-cz-czj", "id: plan-2025-cz-czz"),
                                   ("常财会〔2025〕5号", "常财会〔2025〕6号"),
                                   ("11320400014151133A/2025-00027", "11320400014151133A/2025-00028")],
         "department:", "「常州市财政局」2025 年度的培训计划同时见于 records/plans/plan-2025-cz-czj.yaml", clone="records/plans/plan-2025-cz-czz.yaml"),
    Case("privacy-id-card", EVAL, [("  请你公司", "  联系人身份证号320402199001011239，请你公司")], "body:",
         "疑似居民身份证号码 320***********1239"),
    Case("privacy-id-card", EVAL, [("  请你公司", "  联系人身份证号３２０４０２１９９００１０１１２３９，请你公司")], "body:",
         "疑似居民身份证号码 320***********1239"),
    Case("privacy-id-card", EVAL, [("  请你公司", "  联系人身份证号 320402 19900101 1239，请你公司")], "body:",
         "疑似居民身份证号码 320*************1239"),
    Case("privacy-id-card", EVAL, [("  请你公司", "  联系人身份证号320402-19900101-1239，请你公司")], "body:",
         "疑似居民身份证号码 320*************1239"),
    Case("privacy-id-card", EVAL, [("  请你公司", "  联系人身份证号320402900101123，请你公司")], "body:",
         "疑似居民身份证号码 320********1123"),
    Case("privacy-id-card", REVOCATION, [("  page: 第 A04 版", "  url: https://www.example.com/gs?sfzh=320402199001011239")],
         "  url:", "「公告链接」含有疑似居民身份证号码 320***********1239"),
    # 名单公告: batches, a 公示 and the decision that follows it, levels
    Case("schema-forbidden", BATCH_BASE, [("notice: notice-2025-011\n", "notice: notice-2025-011\ndoc_number: 常人社发〔2025〕96号\n")],
         "doc_number:", "此处不应填写「发文字号」：填了「所属公告」的记录是名单公告中的一项"),
    Case("schema-forbidden", BASE, [("level: 市级\n", "level: 市级\npublicity:\n  start: 2020-11-10\n  end: 2020-11-20\n")],
         "publicity:", "拟认定公示是一份单独的公告"),
    Case("schema-forbidden", DECISION, [("batch: 2\n", "batch: 2\npublicity:\n  start: 2025-09-09\n  end: 2025-09-16\n")],
         "publicity:", "公示期只属于「拟认定公示」"),
    Case("schema-required", PUBLICITY, [("publicity:\n  start: 2025-09-09\n  end: 2025-09-16\n  contact: 市人社局专业技术人员管理处，电话 0519-85681136\n", "")],
         "id: notice-2025-011",
         "缺少必填字段「公示期」"),
    Case("schema-required", DECISION, [("objection: 有异议\n", "")], "id: notice-2025-012", "缺少必填字段「公示结果」"),
    Case("schema-required", DECISION, [("objection_detail: ", "# ")], "id: notice-2025-012", "缺少必填字段「异议处理情况」"),
    Case("ref-kind", "records/policies/pol-2026-001.yaml", [("  - org-cz-czj", "  - org-lcwsxx")], "  - org-lcwsxx",
         "「联合发文机关」应为人大常委会或人社部门或政府办公室或行业主管部门或部委，「常州市龙城卫生进修学校」是施教机构"),
    Case("schema-required", "records/policies/pol-2021-001.yaml", [("source_url: https://www.gov.cn/zhengce/zhengceku/\n", "")],
         "id: pol-2021-001", "缺少必填字段「原文链接」"),
    Case("schema-required", "records/policies/pol-2026-001.yaml", [("index_number: 113204000141523630/2026-00041\n", "")],
         "id: pol-2026-001", "缺少必填字段「索引号」"),  # a document this platform issues has one
    Case("base-level", "records/bases/base-2024-101.yaml", [("level: 省级", "level: 市级")], "level:",
         "「基地级别」为「市级」，但认定机关「江苏省人力资源和社会保障厅」是省级（notice-2024-021）"),
    Case("notice-act", "records/evaluations/eval-2026-011.yaml", [("notice: notice-2026-031", "notice: notice-2025-012")],
         "notice:", "「所属公告」「notice-2025-012」是「认定」公告，列的是培训基地；评估验收记录只能属于「评估结果」公告"),
    Case("notice-empty", "records/notices/notice-2026-031.yaml",
         [("id: notice-2026-031", "id: notice-2026-099"), ("常人社函〔2026〕117号", "常人社函〔2026〕199号"),
          ("113204000141523630/2026-00181", "113204000141523630/2026-00999")],
         "act:", "没有评估验收记录指向本公告", clone="records/notices/notice-2026-099.yaml"),
    Case("notice-empty", DECISION, [("  - base-2025-108\n", "".join(f"  - base-2025-{n}\n" for n in range(101, 133)))],
         "  - base-2025-101", "名单中的基地全部「未予认定」，本决定没有认定任何基地"),
    Case("publicity-short", PUBLICITY, [("  end: 2025-09-16", "  end: 2025-09-11")], "  end:",
         "公示期 2025-09-09 至 2025-09-11 只有 3 个工作日，拟认定名单的公示不得少于 5 个工作日"),
    Case("publicity-follows", DECISION, [("follows: notice-2025-011", "follows: notice-2026-031")], "follows:",
         "「依据公示」「notice-2026-031」是「评估结果」公告，不是拟认定公示"),
    Case("publicity-follows", DECISION, [("  - base-2025-108", "  - base-2020-001")], "  - base-2020-001",
         "「未予认定」中的「base-2020-001」不在公示「notice-2025-011」的名单中"),
    Case("publicity-follows", DECISION,
         [("id: notice-2025-012", "id: notice-2025-098"), ("常人社发〔2025〕96号", "常人社发〔2025〕98号"),
          ("113204000141523630/2025-00142", "113204000141523630/2025-00998")],
         "follows:", "公示「notice-2025-011」已有认定决定「notice-2025-012」；同一公示只能作出一次认定决定",
         clone="records/notices/notice-2025-098.yaml"),
    Case("publicity-decision-date", DECISION, [("written_on: 2025-09-26", "written_on: 2025-09-16")], "written_on:",
         "「成文日期」2025-09-16 不晚于公示「notice-2025-011」的截止日期 2025-09-16：认定决定须在公示期满之后作出"),
    Case("base-event-order", EVAL_OK,
         [("id: eval-2025-004", "id: eval-2026-097"), ("常人社函〔2025〕131号", "常人社函〔2026〕197号"),
          ("113204000141523630/2025-00187", "113204000141523630/2026-00997"), ("base: base-2023-001", "base: base-2026-001"),
          ("written_on: 2025-10-28", "written_on: 2026-11-24"), ("published_on: 2025-10-31", "published_on: 2026-11-25"),
          ("evaluated_on: 2025-10-21", "evaluated_on: 2026-11-23")],
         "written_on:", "基地「常州市经济专业技术人员继续教育基地」尚在公示中（拟认定），认定决定作出前不能评估或取消",
         clone="records/evaluations/eval-2026-097.yaml"),
    Case("date-order", "records/evaluations/eval-2026-013.yaml", [("evaluated_on: 2026-10-09", "evaluated_on: 2026-10-21")],
         "evaluated_on:", "「评估日期」2026-10-21 晚于所属公告「notice-2026-031」的成文日期 2026-10-20"),
    Case("privacy-mobile", EVAL, [("  请你公司", "  联系电话 139-1234-5678，请你公司")], "body:", "疑似手机号码"),
    Case("privacy-mobile", EVAL, [("  请你公司", "  联系电话139.1234.5678，请你公司")], "body:", "疑似手机号码 139******5678"),
    Case("privacy-mobile", EVAL, [("  请你公司", "  联系电话１３９１２３４５６７８，请你公司")], "body:", "疑似手机号码 139****5678"),
    Case("privacy-address", EVAL, [("  请你公司", "  联系人家住天宁区某小区，请你公司")], "body:", "疑似个人住址"),
    Case("privacy-address", "records/commendations/comm-2026-002.yaml", [("name: 林知远", "name: 林知远5幢301室")], "name: 林知远",
         "疑似个人住址"),
    Case("index-issuer", REVOCATION, [("113204000141523630/2025-00047", "113204000141530838/2025-00047")], "index_number:",
         "「索引号」前缀「113204000141530838」既不是「发文机关」常州市人力资源和社会保障局的统一社会信用代码"
         "「113204000141523630」，也不是其组织机构代码「014152363」"),
    Case("index-issuer", REVOCATION, [("validity: 现行有效\n", "validity: 现行有效\npublisher: org-cz-wsjk\n")],
         "index_number:", "既不是「发布机构」常州市卫生健康委员会的统一社会信用代码「113204000141530838」"),
    Case("index-year", REVOCATION, [("113204000141523630/2025-00047", "113204000141523630/2024-00047")], "index_number:",
         "「索引号」中的年份 2024 与「发布日期」2025-03-21 的年份不一致"),
    Case("plan-hours", PLAN, [("hours: 36", "hours: 24")], "  - title:",
         "「培训科目」合计 48 学时，少于 2025 年度专业科目要求的 60 学时（《专业技术人员继续教育规定》第八条"
         "（人力资源社会保障部令第25号）：每年不少于 90 学时，其中专业科目不少于 60 学时（总学时的 2/3））"),
    Case("repealed-in-force", POLICY, [("validity: 现行有效\n", "validity: 现行有效\nrepealed_on: 2020-01-01\n")],
         "repealed_on:", "「有效性」为「现行有效」，不应填写「废止日期」2020-01-01"),
    Case("repealed-missing", POLICY, [("validity: 现行有效", "validity: 已失效")], "validity:",
         "「有效性」为「已失效」，但未填写「废止日期」"),
    Case("policy-trial-lapsed", POLICY, [], "validity:",
         "试行文件自「施行日期」2011-02-01 起已满 5 年（2016-02-01），「有效性」仍为「现行有效」"),
    Case("policy-trial-lapsed", POLICY, [("effective_from: 2011-02-01\n", "")], "validity:",
         "试行文件自「成文日期」2011-01-17 起已满 5 年（2016-01-17）"),
    Case("policy-trial-lapsed", POLICY, [("effective_from: 2011-02-01", "effective_from: 2021-11-26")], "validity:",
         "起已满 5 年（2026-11-26）"),
]


def _apply(repo: Repo, case: Case) -> str:
    target = case.clone or case.file
    if case.clone:
        repo.write(case.clone, repo.text(case.file))
    for old, new in case.edits:
        repo.edit(target, old, new)
    return target


@pytest.mark.parametrize("case", FAILING, ids=lambda c: c.rule)
def test_rule_fails(repo: Repo, case: Case) -> None:
    target = _apply(repo, case)
    report = repo.validate()
    hits = [d for d in found(report, case.rule) if d.location.path == target]
    assert hits, f"{case.rule} not reported; got {[(d.rule, d.message) for d in report.diagnostics]}"
    line = repo.line_of(target, case.at)
    assert any(d.location.line == line and case.says in d.text for d in hits), [
        (d.location.line, d.text) for d in hits
    ]


def test_plan_missing_is_reported_on_the_department(repo: Repo) -> None:
    (repo.root / PLAN).unlink()
    hits = found(repo.validate(), "plan-missing")
    assert [(d.location.path, d.location.line, d.severity) for d in hits] == [
        ("records/organizations/org-cz-czj.yaml", repo.line_of("records/organizations/org-cz-czj.yaml", "type:"),
         "warning")
    ]
    assert "常州市财政局」2025 年度未备案专业科目培训计划" in hits[0].message


@pytest.mark.parametrize("name, problem", [
    ("records/bases/base-2099-001.yml", "扩展名须为 .yaml"),
    ("records/notes/n-1.yaml", "未知的记录类别目录「notes」"),
    ("records/loose.yaml", "records/<类别>/<编号>.yaml"),
    ("records/bases/deeper/b-1.yaml", "records/<类别>/<编号>.yaml"),
])
def test_record_path(repo: Repo, name: str, problem: str) -> None:
    repo.write(name, "id: x\n")
    hits = found(repo.validate(), "record-path")
    assert [(d.location.path, d.location.line, d.location.col) for d in hits] == [(name, 1, 1)]
    assert problem in hits[0].message


def test_symlink_in_records_is_refused(repo: Repo) -> None:
    (repo.root / "records/bases/base-2099-001.yaml").symlink_to(repo.root / BASE)
    hits = found(repo.validate(), "record-path")
    assert [d.location.path for d in hits] == ["records/bases/base-2099-001.yaml"]
    assert "符号链接" in hits[0].message


# -- passing cases at the edges of each rule ---------------------------------------------------

PASSING = [
    Case("circular-quota-cut", CIRCULAR, [("quota_cut: 1.5", "quota_cut: 2")], "", ""),
    Case("circular-quota-cut", CIRCULAR, [("quota_cut: 1.5", "quota_cut: 1")], "", ""),
    Case("plan-late", PLAN, [("filed_on: 2025-03-20", "filed_on: 2025-03-31"),
                              ("approved_on: 2025-03-27", "approved_on: 2025-03-31")], "", ""),
    Case("plan-late", PLAN, [("filed_on: 2025-03-20", "filed_on: 2024-12-20")], "", ""),
    # 2024-06-25 + 20 working days, with the Dragon Boat holiday already past: 2024-07-23
    Case("disclosure-deadline", EVAL, [("published_on: 2024-06-28", "published_on: 2024-07-23")], "", ""),
    Case("base-late-reinspection", REINSPECTION, [("evaluated_on: 2025-02-20", "evaluated_on: 2025-02-26")], "", ""),
    Case("privacy-address", BASE, [("address: 常州市钟楼区勤业路59号", "address: 常州市钟楼区勤业路59号3号楼201室")], "", ""),
    Case("privacy-id-card", EVAL, [("  请你公司", "  档案号320402199001011234，请你公司")], "", ""),
    Case("privacy-mobile", EVAL, [("  请你公司", "  办公电话0519-85682310，请你公司")], "", ""),
    Case("privacy-mobile", REVOCATION, [("  page: 第 A04 版", "  url: https://www.example.com/news/13912345678.html")], "", ""),
    Case("privacy-mobile", REVOCATION, [("  page: 第 A04 版", "  url: https://www.example.com/news/139.1234.5678.html")], "", ""),
    Case("privacy-mobile", EVAL, [("  请你公司", "  版本号139.1234.56789，请你公司")], "", ""),
    # a wrong check digit, whatever the grouping; a 15-digit number whose "birth date" is no day
    Case("privacy-id-card", EVAL, [("  请你公司", "  档案号 320402 19900101 1234，请你公司")], "", ""),
    Case("privacy-id-card", EVAL, [("  请你公司", "  原注册号320400000012345，请你公司")], "", ""),
    Case("privacy-id-card", EVAL, [("  请你公司", "  档案号990402900101123，请你公司")], "", ""),  # no province 99
    Case("privacy-id-card", REVOCATION, [("  page: 第 A04 版", "  url: https://www.example.com/news/320402900101123.html")],
         "", ""),
    Case("privacy-address", EVAL, [("  请你公司", "  依据国家住房和城乡建设部、国家住建部和国家住房公积金有关规定，请你公司")], "", ""),
    Case("privacy-address", EVAL, [("  请你公司", "  评审专家住宿由会务组安排，请你公司")], "", ""),
    Case("id-reserved", ORG, [("id: org-cz-wsjk", "id: com10")], "", "", clone="records/organizations/com10.yaml"),

    Case("date-future", "records/evaluations/eval-2026-003.yaml", [("deadline: 2027-01-31", "deadline: 2027-06-30")], "", ""),
    # the last day a record may hold, and the first (the day the People's Republic was founded)
    Case("date-range", "records/policies/pol-2011-001.yaml", [("effective_from: 2011-02-01", "effective_from: 2100-12-31")],
         "", ""),
    Case("date-range", "records/policies/pol-2011-001.yaml", [("written_on: 2011-01-17", "written_on: 1949-10-01")],
         "", ""),
    # a cited document was published elsewhere: shown here years later, it is not late
    Case("disclosure-deadline", "records/policies/pol-2021-001.yaml", [("cited: true", "published_on: 2026-03-02\ncited: true")],
         "", ""),
    Case("publicity-short", PUBLICITY, [("  end: 2025-09-16", "  end: 2025-09-15")], "", ""),  # exactly 5 working days
    Case("publicity-decision-date", DECISION, [("written_on: 2025-09-26", "written_on: 2025-09-17")], "", ""),
    Case("base-level", "records/bases/base-2022-101.yaml", [], "", ""),  # 国家级, accredited by 人社部
    Case("docnumber-format", BASE, [("常人社发〔2020〕121号", "常人社发〔2020〕1号")], "", ""),
    Case("district-expired", BASE, [('district: "320404"', 'district: "320412"')], "", ""),
    Case("district-expired", BASE, [('district: "320404"', 'district: "320106"')], "", "", id="nanjing"),
    Case("district-expired", ORG, [('district: "320400"', 'district: "110101"')], "", "", id="beijing"),
    Case("district-expired", BASE, [('district: "320404"', 'district: "320413"'), ("written_on: 2020-11-24", "written_on: 2015-04-28"),
                                    ("published_on: 2020-11-30", "published_on: 2015-04-30")], "", "", id="approval-day"),
    Case("district-expired", BASE, [('district: "320404"', 'district: "320482"'), ("written_on: 2020-11-24", "written_on: 2015-04-27"),
                                    ("published_on: 2020-11-30", "published_on: 2015-04-30")], "", "", id="day-before"),
    Case("base-revocation-grounds", REVOCATION, [("evaluation: eval-2024-003\n", "")], "", ""),
    # the 组织机构代码 (characters 9-17 of the 统一社会信用代码) is the other accepted prefix
    Case("index-issuer", REVOCATION, [("113204000141523630/2025-00047", "014152363/2025-00047")], "", ""),
    # published by another body: its code, not the issuer's
    Case("index-issuer", REVOCATION, [("113204000141523630/2025-00047", "113204000141530838/2025-00047"),
                                      ("validity: 现行有效\n", "validity: 现行有效\npublisher: org-cz-wsjk\n")], "", ""),
    Case("plan-hours", PLAN, [], "", ""),  # exactly the 60 professional hours of 2025
    Case("repealed-missing", POLICY, [("validity: 现行有效", "validity: 已失效\nrepealed_on: 2020-01-01")], "", ""),
    Case("repealed-in-force", POLICY, [("validity: 现行有效", "validity: 已废止\nrepealed_on: 2020-01-01")], "", ""),
    Case("policy-trial-lapsed", POLICY, [("effective_from: 2011-02-01", "effective_from: 2021-11-27")], "", ""),
    Case("policy-trial-lapsed", POLICY, [("trial: true", "trial: false")], "", ""),
    Case("policy-trial-lapsed", POLICY, [("validity: 现行有效", "validity: 已失效\nrepealed_on: 2020-01-01")], "", ""),
]


@pytest.mark.parametrize("case", PASSING, ids=lambda c: c.rule)
def test_rule_passes(repo: Repo, case: Case) -> None:
    target = _apply(repo, case)
    report = repo.validate()
    assert not [d for d in found(report, case.rule) if d.location.path == target]
    assert not report.errors, [(d.location, d.rule, d.message) for d in report.errors]


def test_disclosure_deadline_counts_make_up_working_days(repo: Repo) -> None:
    # 2024-06-25 + 20 working days is 2024-07-23: one day later is a warning.
    repo.edit(EVAL, "published_on: 2024-06-28", "published_on: 2024-07-24")
    hits = found(repo.validate(), "disclosure-deadline")
    assert len(hits) == 1 and "第 20 个工作日 2024-07-23" in hits[0].message


def test_disclosure_deadline_beyond_the_holiday_calendar_says_so(repo: Repo) -> None:
    repo.edit(EVAL, "written_on: 2024-06-25", "written_on: 2030-06-25")
    repo.edit(EVAL, "published_on: 2024-06-28", "published_on: 2030-09-30")
    report = repo.validate(as_of=date(2031, 1, 1))
    hits = found(report, "disclosure-deadline")
    assert hits and "按周一至周五计算" in hits[0].message


def test_correction_cycles_are_reported_and_never_hang(repo: Repo) -> None:
    rel = "records/bases/base-2020-002.yaml"
    repo.edit(rel, "validity: 现行有效\n", "validity: 现行有效\ncorrects: base-2020-002\n")
    hits = found(repo.validate(), "ref-correction")
    assert [(d.location.path, d.location.line) for d in hits] == [(rel, repo.line_of(rel, "corrects:"))]
    assert "本记录" in hits[0].message
    clone = "records/bases/base-2020-003.yaml"
    repo.write(clone, repo.text(rel).replace("id: base-2020-002", "id: base-2020-003")
               .replace("corrects: base-2020-002", "corrects: base-2020-002\n"))
    repo.edit(rel, "corrects: base-2020-002", "corrects: base-2020-003")
    hits = found(repo.validate(), "ref-correction")
    assert any("形成了循环" in d.message for d in hits)


def test_a_duplicate_is_reported_on_both_records_so_validating_the_new_file_catches_it(repo: Repo) -> None:
    new = "records/plans/plan-2025-cz-cza.yaml"  # sorts before the record it duplicates
    repo.write(new, repo.text(PLAN).replace("id: plan-2025-cz-czj", "id: plan-2025-cz-cza"))
    hits = found(repo.validate(new), "plan-duplicate") + found(repo.validate(new), "docnumber-unique")
    assert {(d.location.path, d.rule) for d in hits} == {(new, "plan-duplicate"), (new, "docnumber-unique")}
    assert all(PLAN in d.message for d in hits)
    assert {d.location.path for d in found(repo.validate(), "index-duplicate")} == {new, PLAN}


def test_a_correction_pointing_at_another_kind_is_reported_not_followed(repo: Repo) -> None:
    rel = "records/evaluations/eval-2024-003.yaml"
    repo.edit(rel, "validity: 现行有效\n", "validity: 现行有效\ncorrects: base-2021-001\n")
    report = repo.validate()
    assert [(d.location.path, d.rule) for d in report.errors] == [(rel, "ref-correction")]


def test_bases_sharing_a_decision_that_disagree_are_reported_on_each(repo: Repo) -> None:
    first, second = "records/bases/base-2024-001.yaml", "records/bases/base-2024-002.yaml"
    repo.edit(first, "written_on: 2024-05-21", "written_on: 2024-05-20")
    hits = found(repo.validate(), "docnumber-unique")
    assert sorted(d.location.path for d in hits) == [first, second]
    assert all("「成文日期」不一致" in d.message for d in hits)


def test_an_expired_base_is_not_revoked(repo: Repo) -> None:
    rel = "records/revocations/rev-2025-001.yaml"
    repo.edit(rel, "base: base-2021-001", "base: base-2024-003")
    repo.edit(rel, "evaluation: eval-2024-003\n", "")
    report = repo.validate(as_of=date(2027, 8, 1))
    assert [d.message for d in found(report, "base-after-revocation")] == []  # revoked before expiry: a grounds error
    repo.edit("records/bases/base-2024-003.yaml", "valid_until: 2027-07-08", "valid_until: 2025-01-31")
    hits = found(repo.validate(as_of=date(2027, 8, 1)), "base-after-revocation")
    assert [d.message for d in hits] == ["基地已于 2025-02-01 有效期届满，资格已终止，无需取消"]


def test_index_prefix_is_not_checked_for_a_body_without_a_code(repo: Repo) -> None:
    repo.edit("records/organizations/org-czrsj.yaml", 'uscc: "113204000141523630"\n', "")
    repo.edit(REVOCATION, "113204000141523630/2025-00047", "000014349/2025-00047")
    assert found(repo.validate(), "index-issuer") == []


def test_a_record_without_an_index_number_is_not_checked(repo: Repo) -> None:
    """Documents this platform only cites may carry no 索引号 or 发布日期: the 索引号 rules skip them."""
    result = check_repository(repo.root, as_of=AS_OF)
    policy = result.records.get("pol-2026-001")
    assert policy is not None
    policy.data["index_number"] = "000014349/2099-00001"
    ctx = Context(result.records, AS_OF, result.schemas)
    assert {d.rule for d in docnumbers.check(ctx)} == {"index-issuer", "index-year"}
    del policy.data["index_number"], policy.data["published_on"]
    assert [d.rule for d in docnumbers.check(Context(result.records, AS_OF, result.schemas))] == []


@pytest.mark.parametrize("year, expected", [(2010, None), (2011, (72, 48)), (2015, (90, 60)), (2026, (90, 60))])
def test_hour_requirements_are_the_ones_in_force_at_the_end_of_the_year(year: int,
                                                                         expected: tuple[int, int] | None) -> None:
    requirement = hours_for_year(year)
    assert (requirement and (requirement.total, requirement.professional_minimum)) == expected


# Rules whose failing case needs more than an edit of one sample file (read by tests/test_docs.py).
RULE_TESTS = {
    "plan-missing": test_plan_missing_is_reported_on_the_department,
    "record-path": test_record_path,
}


def test_a_correction_between_items_of_notices_is_dated_by_their_notices(repo: Repo) -> None:
    # base-2025-102 (listed by the 2025 公示) correcting base-2021-001 is dated by its notice: no crash
    # on the 成文日期 it does not carry, and no complaint, since 2025 is after 2021.
    rel = "records/bases/base-2025-102.yaml"
    repo.edit(rel, "notice: notice-2025-011\n", "notice: notice-2025-011\ncorrects: base-2025-101\n")
    assert not [d for d in found(repo.validate(), "ref-correction") if "早于" in d.message]
    # an item of a 2025 notice cannot be corrected by a base decided in 2021
    old = "records/bases/base-2021-001.yaml"
    repo.edit(rel, "corrects: base-2025-101\n", "")
    repo.edit(old, "validity: 现行有效\n", "validity: 现行有效\ncorrects: base-2025-102\n")
    hits = [d for d in found(repo.validate(), "ref-correction") if "早于" in d.message]
    assert [(d.location.path, d.location.line) for d in hits] == [(old, repo.line_of(old, "written_on:"))]
    assert "被更正记录「base-2025-102」的 2025-09-08" in hits[0].message


def test_an_item_of_a_notice_is_judged_by_its_notice_s_district_codes(repo: Repo) -> None:
    # a base a 2025 batch lists, in 戚墅堰区 (abolished 2015): judged on the notice's 成文日期, not today
    repo.edit(BATCH_BASE, 'district: "320402"', 'district: "320405"')
    hits = [d for d in found(repo.validate(), "district-expired") if d.location.path == BATCH_BASE]
    assert [d.location.line for d in hits] == [repo.line_of(BATCH_BASE, "district:")]
    assert "「所在地区」320405（戚墅堰区）在所在公告的成文日期 2025-09-08 无效" in hits[0].message
    # the same base in a batch of 2014, when 戚墅堰区 still existed: no complaint, although it is gone today
    repo.edit(PUBLICITY, "written_on: 2025-09-08", "written_on: 2014-09-08")
    assert not [d for d in found(repo.validate(), "district-expired") if d.location.path == BATCH_BASE]
