"""Write qa/corpus/law_subjects.tsv: what each law of the national archive is about, from its title.

    python corpus/tools/law_subjects.py [LAWS_DIR]     (default: unpack ../shared/data/cn-laws.tar.xz)

A question about a neighbouring law's subject ("注册商标被驳回了多久能复审", "How long does
copyright last") names something the documents never mention; the assistant declines it
and says so (:mod:`qa.answers.subjects`) when no passage of the open
corpus contains the subject. The subject is the title without 中华人民共和国, the date and its
kind: 商标法 -> 商标, 出口管制法 -> 出口管制. Statutes only (…法): a
statute is named for a field of law (trademarks, arbitration, a tax); regulations are as often
named for an institution or a thing (幼儿园管理条例, 护照), which a question may well call by the
everyday name while the documents use another (学前教育机构). The English column is
the subject's first CC-CEDICT sense when the whole subject is a dictionary word (商标 ->
trademark), else names written by hand (:data:`BY_HAND`: 出口管制 -> export control), so English
questions are held to it too.

Left out: words a question on another topic uses in passing — people's roles (教师, 律师) and
broad sectors or concerns (建筑, 预算, 数据安全) — where a missing word says less about the
question than about its wording.
"""

from __future__ import annotations

import re
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from qa.search.crosslingual import _cedict_lines, cedict_senses  # noqa: E402

ARCHIVE = ROOT.parent / "shared" / "data" / "cn-laws.tar.xz"
OUT = ROOT / "qa" / "corpus" / "law_subjects.tsv"
TITLE = re.compile(r"(?:中华人民共和国)?([\u4e00-\u9fff]{2,8}?)法")
PASSING = set(
    str.split(
        # roles
        """教师 医师 律师 法官 护士 检察官 监察官 船员 导游人员 人民警察 总会计师 注册会计师 注册建筑师 现役军官
    预备役军官 预备役人员 人民陪审员 驻外外交人员
    """
        # sectors and concerns broad enough to come up in any policy question
        """建筑 预算 立法 体育 旅游 电影 电信 广告 快递 森林 公路 港口 地图 种子 煤炭 稀土 工会 学位 密码 海关 计量
    测绘 草原 统计 审计 教育 农业 档案 标准化 城乡规划 义务教育 学前教育 高等教育 职业教育 网络安全 数据安全
    安全生产 产品质量 食品安全 外商投资 对外贸易 电子商务 个人信息保护 中小企业促进 乡村振兴促进 优化营商环境
    政府投资 政府采购 社会保险 就业促进 循环经济促进 清洁生产促进 可再生能源 节约能源 国家安全 国防
    国有资产评估 企业国有资产 税收征收管理 行政许可 行政处罚
    """
        # fields a question about technology transfer may touch in passing (技术的价格, 能源领域)
        """价格 会计 能源 电力 保险 证券 公司 劳动 监察 气象 环境保护 公务员"""
    )
)
# An English sense counts only when it is specific: in at most this many CC-CEDICT glosses ("trademark"
# is in 10, "flag" in 55, "price" in 189); and not these, which an on-topic question may use in passing.
SPECIFIC = 12
PASSING_EN = {
    *["nationality", "wireless", "renminbi", "accountant", "functionary", "typography", "extradite", "invoice"],
    *("electrical power", "raise animals", "deposit money", "common plea", "negotiable security"),
    *("kick a drug habit", "impose martial law", "meteorological feature", "environmental protection"),
    *("foreign exchange", "foreign relations"),
}
# English names CC-CEDICT gives no single sense for, written by hand: what an English question would call
# the field ("What does the paper say about US export controls on semiconductors?" was answered with
# the Patent Law's semiconductor article). Several names are separated by "; ". Only names specific to
# the field, as for CC-CEDICT's (not "trust", "auction" or "ID card", which a question uses in passing).
BY_HAND = {
    "个人所得税": "personal income tax; individual income tax",
    "企业所得税": "corporate income tax; enterprise income tax",
    "企业破产": "bankruptcy; insolvency",
    "出口管制": "export control",
    "出境入境管理": "immigration control; visa application",
    "刑事诉讼": "criminal procedure",
    "劳动争议调解仲裁": "labor dispute; labour dispute",
    "反不正当竞争": "unfair competition",
    "反外国制裁": "foreign sanctions; anti-sanctions",
    "反恐怖主义": "terrorism; counter-terrorism",
    "反洗钱": "money laundering; anti-money laundering",
    "反电信网络诈骗": "telecom fraud; phone scam",
    "反间谍": "espionage",
    "反垄断": "anti-monopoly",
    "反家庭暴力": "domestic violence",
    "合伙企业": "partnership enterprise",
    "国家赔偿": "state compensation",
    "增值税": "value-added tax; VAT",
    "外国国家豁免": "sovereign immunity",
    "引渡": "extradition",
    "慈善": "charity; charitable donation",
    "招标投标": "public tender; bidding procedure",
    "期货和衍生品": "futures trading; derivatives trading",
    "核安全": "nuclear safety",
    "民事诉讼": "civil procedure",
    "民用航空": "civil aviation",
    "法律援助": "legal aid",
    "消费者权益保护": "consumer protection; consumer rights",
    "环境影响评价": "environmental impact assessment",
    "生物安全": "biosecurity; biosafety",
    "电子签名": "electronic signature; e-signature",
    "行政复议": "administrative reconsideration",
    "行政诉讼": "administrative litigation",
    "证券投资基金": "securities investment fund; mutual fund",
    "道路交通安全": "road traffic; traffic accident",
    "个人独资企业": "sole proprietorship",
    "中医药": "traditional Chinese medicine",
    "传染病防治": "infectious disease; epidemic prevention",
    "野生动物保护": "wildlife protection",
    "大气污染防治": "air pollution",
    "水污染防治": "water pollution",
    "土壤污染防治": "soil pollution",
    "噪声污染防治": "noise pollution",
    "文物保护": "cultural relics",
    "残疾人保障": "disabled persons",
    "未成年人保护": "protection of minors",
    "妇女权益保障": "women's rights",
    "老年人权益保障": "elderly people",
    "农村土地承包": "rural land contract",
    "城市房地产管理": "real estate",
    "精神卫生": "mental health",
}


def subjects(laws: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(laws.rglob("*.md")):
        if path.name == "_index.md":
            continue
        title = re.sub(r"\(\d{4}-\d{2}-\d{2}\)$", "", path.stem)
        m = TITLE.fullmatch(title)
        if m and m.group(1) not in PASSING and not m.group(1).endswith(("办", "实施")):  # (…办法, …实施办法)
            found.setdefault(m.group(1), title)
    return found


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        laws = Path(argv[0]) if argv else Path(tmp)
        if not argv:
            with tarfile.open(ARCHIVE) as archive:
                archive.extractall(laws, filter="data")
        found = subjects(laws)
    english: dict[str, str] = {}
    for zh, position, sense, name in cedict_senses(set(found)):
        if position == 0 and not name and zh not in english and re.fullmatch(r"[a-z]+(?: [a-z]+){0,2}", sense):
            english[zh] = sense
    glosses = "\n".join(line.split(" ", 2)[-1].lower() for line in _cedict_lines() if not line.startswith("#"))
    english = {
        zh: sense
        for zh, sense in english.items()
        if sense not in PASSING_EN and len(re.findall(rf"(?<![a-z]){re.escape(sense)}(?![a-z])", glosses)) <= SPECIFIC
    }
    english.update({zh: names for zh, names in BY_HAND.items() if zh in found and zh not in english})
    lines = [
        "# 法律主题词（subjects of the laws in ../shared/data/cn-laws.tar.xz, from their titles）",
        "# subject<TAB>English (CC-CEDICT first sense, or by hand; several separated by '; ', or empty)<TAB>law title;"
        " written by corpus/tools/law_subjects.py",
    ]
    lines += [f"{s}\t{english.get(s, '')}\t{t}" for s, t in sorted(found.items())]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(found)} subjects ({len(english)} with English) -> {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
