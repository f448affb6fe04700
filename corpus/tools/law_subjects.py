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
trademark), so English questions are held to it too.

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
    lines = [
        "# 法律主题词（subjects of the laws in ../shared/data/cn-laws.tar.xz, from their titles）",
        "# subject<TAB>English (CC-CEDICT first sense, or empty)<TAB>law title; written by corpus/tools/law_subjects.py",
    ]
    lines += [f"{s}\t{english.get(s, '')}\t{t}" for s, t in sorted(found.items())]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(found)} subjects ({len(english)} with English) -> {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
