"""Golden titles for the offline engine: issuer names exact, frames right, partial flagged.

Fifteen are from the replay corpus; the rest are held-out titles of the same kinds written from
real State Council / CAC / MIIT / SAC / TC260 notices, which the data was not tuned on one by one.
"""

import pytest

from app.translation.dictionary import Dictionary
from app.translation.engine import OfflineEngine, TranslationInputError, translate_title

GOLDEN = [
    (
        "工业和信息化部关于印发《人形机器人创新发展指导意见》的通知",
        "Notice of the Ministry of Industry and Information Technology on Issuing the Guiding Opinions on the Innovative Development of Humanoid Robots",
        True,
    ),  # corpus
    (
        "国家互联网信息办公室关于《生成式人工智能服务管理办法（征求意见稿）》公开征求意见的通知",
        "Notice of the Cyberspace Administration of China on Publicly Soliciting Comments on the Measures for the Management of Generative Artificial Intelligence Services (Draft for Comment)",
        True,
    ),  # corpus
    (
        "国家标准化管理委员会 中央网信办 国家发展改革委 科技部 工业和信息化部关于印发《国家新一代人工智能标准体系建设指南》的通知",
        "Notice of the Standardization Administration of China, the Office of the Central Cyberspace Affairs Commission, the National Development and Reform Commission, the Ministry of Science and Technology and the Ministry of Industry and Information Technology on Issuing the Guidelines for the Construction of the National New Generation Artificial Intelligence Standards System",
        True,
    ),  # corpus
    (
        "工业和信息化部 中央网络安全和信息化委员会办公室 国家发展和改革委员会 国家标准化管理委员会关于印发国家人工智能产业综合标准化体系建设指南（2024版）的通知",
        "Notice of the Ministry of Industry and Information Technology, the Office of the Central Cyberspace Affairs Commission, the National Development and Reform Commission and the Standardization Administration of China on Issuing the Guidelines for the Construction of the Comprehensive Standardization System for the National Artificial Intelligence Industry (2024 Edition)",
        True,
    ),  # corpus
    (
        "工业和信息化部等七部门关于推动未来产业创新发展的实施意见",
        "Implementing Opinions of the Ministry of Industry and Information Technology and Six Other Departments on Promoting the Innovative Development of Future Industries",
        True,
    ),  # corpus
    (
        "工业和信息化部等十七部门关于印发《“机器人+”应用行动实施方案》的通知",
        "Notice of the Ministry of Industry and Information Technology and Sixteen Other Departments on Issuing the Implementation Plan for “Robot Plus” Application Action",
        True,
    ),  # corpus
    (
        "三部门关于印发《轻工纺织产业发展“十五五”规划》的通知",
        "Notice of Three Departments on Issuing the 15th Five-Year Plan for the Development of Light Industry and Textile Industry",
        True,
    ),  # corpus
    (
        "关于公开征求对《深入推动服务型制造创新发展实施方案（2025—2028年）（征求意见稿）》意见的通知",
        "Notice on Publicly Soliciting Comments on the Implementation Plan for Further Promoting the Innovative Development of Service-Oriented Manufacturing (2025–2028) (Draft for Comment)",
        True,
    ),  # corpus
    (
        "关于批准发布《电动自行车安全技术规范》强制性国家标准的公告",
        "Announcement on Approving the Release of the Mandatory National Standard “Safety Technical Specification for Electric Bicycles”",
        True,
    ),  # corpus
    (
        "网络安全技术 人工智能代码生成服务安全要求",
        "Cybersecurity technology—Security requirements for artificial intelligence code generation services",
        True,
    ),  # corpus
    (
        "中共中央 国务院关于构建数据基础制度更好发挥数据要素作用的意见",
        "Opinions of the Central Committee of the Communist Party of China and the State Council on Building Basic Data Systems and Better Leveraging the Role of Data Elements",
        True,
    ),  # corpus
    (
        "国务院办公厅关于2024年部分节假日安排的通知",
        "Notice of the General Office of the State Council on the Arrangements for 2024 Public Holidays",
        True,
    ),  # corpus
    (
        "中华人民共和国交通运输部令（2016年第66号） 交通运输法规制定程序规定",
        "Order of the Ministry of Transport (No. 66 of 2016): Provisions on Procedures for the Formulation of Transport Regulations",
        True,
    ),  # corpus
    (
        "生成式人工智能服务安全基本要求（征求意见稿）",
        "Basic Security Requirements for Generative Artificial Intelligence Services (Draft for Comment)",
        True,
    ),  # corpus
    (
        "国务院关于深入实施“人工智能+”行动的意见",
        "Opinions of the State Council on Further Implementing “AI Plus” Action",
        True,
    ),  # corpus
    (
        "国家互联网信息办公室 国家发展和改革委员会 教育部 科学技术部 工业和信息化部 公安部 国家广播电视总局令（第15号）",
        "Order of the Cyberspace Administration of China, the National Development and Reform Commission, the Ministry of Education, the Ministry of Science and Technology, the Ministry of Industry and Information Technology, the Ministry of Public Security and the National Radio and Television Administration (No. 15)",
        True,
    ),  # held-out
    (
        "工业和信息化部办公厅关于印发《工业互联网标识解析体系“贯通”行动计划（2024—2026年）》的通知",
        "Notice of the General Office of the Ministry of Industry and Information Technology on Issuing the Action Plan for Industrial Internet Identifier Resolution System “Connectivity” (2024–2026)",
        True,
    ),  # held-out
    (
        "国家数据局等十七部门关于印发《“数据要素×”三年行动计划（2024—2026年）》的通知",
        "Notice of the National Data Administration and Sixteen Other Departments on Issuing the Three-Year Action Plan for “Data Elements ×” (2024–2026)",
        True,
    ),  # held-out
    (
        "全国信息安全标准化技术委员会秘书处关于征求《网络安全标准实践指南——生成式人工智能服务内容标识方法（征求意见稿）》意见的通知",
        "Notice of the Secretariat of the National Information Security Standardization Technical Committee on Soliciting Comments on the Cybersecurity Standard Practice Guide—Content Labeling Method for Generative Artificial Intelligence Services (Draft for Comment)",
        True,
    ),  # held-out
    (
        "中央网信办等四部门关于印发《2024年提升全民数字素养与技能工作要点》的通知",
        "Notice of the Office of the Central Cyberspace Affairs Commission and Three Other Departments on Issuing the Key Work Points for Enhancing Nationwide Digital Literacy and Skills in 2024",
        True,
    ),  # held-out
    (
        "工业和信息化部关于印发《工业和信息化领域数据安全管理办法（试行）》的通知",
        "Notice of the Ministry of Industry and Information Technology on Issuing the Measures for Data Security Management in the Industry and Information Technology Sector (Trial)",
        True,
    ),  # held-out
    (
        "国家互联网信息办公室关于《网络安全事件报告管理办法（征求意见稿）》公开征求意见的通知",
        "Notice of the Cyberspace Administration of China on Publicly Soliciting Comments on the Measures for the Administration of Cybersecurity Incident Reporting (Draft for Comment)",
        True,
    ),  # held-out
    (
        "国务院关于修改和废止部分行政法规的决定",
        "Decision of the State Council on Amending and Repealing Some Administrative Regulations",
        True,
    ),  # held-out
    (
        "科技部等十部门关于印发《科技伦理审查办法（试行）》的通知",
        "Notice of the Ministry of Science and Technology and Nine Other Departments on Issuing the Measures for Science and Technology Ethics Review (Trial)",
        True,
    ),  # held-out
    ("人工智能 术语", "Artificial intelligence—Terminology", True),  # held-out
    (
        "网络安全技术 生成式人工智能数据标注安全规范",
        "Cybersecurity technology—Specification for generative artificial intelligence data annotation security",
        True,
    ),  # held-out
    (
        "市场监管总局 国家标准委关于印发《贯彻实施〈国家标准化发展纲要〉行动计划（2024—2025年）》的通知",
        "Notice of the State Administration for Market Regulation and the Standardization Administration of China on Issuing the Action Plan for Implementing National Standardization Development Outline (2024–2025)",
        True,
    ),  # held-out
    (
        "工业和信息化部等八部门关于加快传统制造业转型升级的指导意见",
        "Guiding Opinions of the Ministry of Industry and Information Technology and Seven Other Departments on Accelerating the Transformation and Upgrading of Traditional Manufacturing",
        True,
    ),  # held-out
    (
        "中共中央办公厅 国务院办公厅关于加快公共数据资源开发利用的意见",
        "Opinions of the General Office of the CPC Central Committee and the General Office of the State Council on Accelerating the Development and Utilization of Public Data Resources",
        True,
    ),  # held-out
    (
        "国家网信办发布《人工智能安全治理框架》2.0版",
        "The Cyberspace Administration of China Releases the Artificial Intelligence Safety Governance Framework (Version 2.0)",
        True,
    ),  # held-out
    (
        "全国网络安全标准化技术委员会关于发布《人工智能安全标准体系（V1.0）》（征求意见稿）的通知",
        "Notice of the National Cybersecurity Standardization Technical Committee on Releasing the Artificial Intelligence Security Standards System (V1.0) (Draft for Comment)",
        True,
    ),  # held-out
    (
        "商务部 海关总署关于对部分无人机相关物项实施出口管制的公告",
        "Announcement of the Ministry of Commerce and the General Administration of Customs on Implementing Export Control on Some Drone Related Items",
        True,
    ),  # held-out
    (
        "工业和信息化部等六部门关于推动智能网联汽车准入和上路通行试点工作的通知",
        "Notice of the Ministry of Industry and Information Technology and Five Other Departments on Promoting Intelligent Connected Vehicle Access and Road Use Pilot Work",
        True,
    ),  # held-out
    (
        "国家金融监督管理总局关于印发《银行保险机构数据安全管理办法》的通知",
        "Notice of the National Financial Regulatory Administration on Issuing the Measures for the Administration of Banking and Insurance Institution Data Security",
        True,
    ),  # held-out
    (
        "国家互联网信息办公室关于发布第九批深度合成服务算法备案信息的公告",
        "Announcement of the Cyberspace Administration of China on Releasing the Ninth Batch of Deep Synthesis Service Algorithm Filing Information",
        True,
    ),  # held-out
    (
        "五部门关于印发《算力基础设施高质量发展行动计划》的通知",
        "Notice of Five Departments on Issuing the Action Plan for the High-Quality Development of Computing Infrastructure",
        True,
    ),  # held-out
    (
        "国家数据局关于公开征求《数据领域常用名词解释（第一批）》意见的通知",
        "Notice of the National Data Administration on Publicly Soliciting Comments on the Data Sector Explanations of Common Terms (First Batch)",
        True,
    ),  # held-out
    (
        "工业和信息化部关于印发《促进数字技术适老化高质量发展工作方案》的通知",
        "Notice of the Ministry of Industry and Information Technology on Issuing the Work Plan for Promoting the High-Quality Development of Digital Technology Age-Friendly",
        True,
    ),  # held-out
    (
        "国家发展改革委等部门关于深入实施“东数西算”工程加快构建全国一体化算力网的实施意见",
        "Implementing Opinions of the National Development and Reform Commission and Other Departments on Further Implementing “East Data West Computing” Project and Accelerating the Construction of the Nationally Integrated Computing Power Network",
        True,
    ),  # held-out
    (
        "国务院关于印发《新一代人工智能发展规划》的通知",
        "Notice of the State Council on Issuing the New Generation Artificial Intelligence Development Plan",
        True,
    ),  # held-out
    (
        "公安部关于《网络安全等级保护条例（征求意见稿）》公开征求意见的通知",
        "Notice of the Ministry of Public Security on Publicly Soliciting Comments on the Regulations on Classified Cybersecurity Protection (Draft for Comment)",
        True,
    ),  # held-out
    (
        "国家卫生健康委办公厅关于印发医疗机构临床路径管理指导原则的通知",
        "Notice of the General Office of the National Health Commission on Issuing the Guiding Principles for the Management of Medical Institution Clinical Pathways",
        True,
    ),  # held-out
    (
        "北京市人民政府关于印发《北京市促进人工智能产业发展若干措施》的通知",
        "Notice of the Beijing Municipal People's Government on Issuing the Several Measures for Promoting the Development of Artificial Intelligence Industry in Beijing Municipality",
        True,
    ),  # held-out
    (
        "某某科技有限公司关于印发《人形机器人创新发展指导意见》的通知",
        "Notice of 某某科技有限公司 on Issuing the Guiding Opinions on the Innovative Development of Humanoid Robots",
        False,
    ),  # held-out
    (
        "国家互联网信息办公室关于发布《网络安全标准实践指南——人工智能生成合成内容标识方法》的通知",
        "Notice of the Cyberspace Administration of China on Releasing the Cybersecurity Standard Practice Guide—Labeling Method for Artificial Intelligence-Generated Synthetic Content",
        True,
    ),  # held-out
    (
        "教育部关于加强中小学人工智能教育的通知",
        "Notice of the Ministry of Education on Strengthening Primary and Secondary School Artificial Intelligence Education",
        True,
    ),  # held-out
    (
        "工业和信息化部关于组织开展2025年度人工智能赋能新型工业化典型应用案例征集工作的通知",
        "Notice of the Ministry of Industry and Information Technology on Soliciting the 2025 Artificial Intelligence Empowerment New Industrialization Typical Application Cases",
        True,
    ),  # held-out
    (
        "国务院办公厅关于印发《全国一体化政务大数据体系建设指南》的通知",
        "Notice of the General Office of the State Council on Issuing the Guidelines for the Construction of Nationally Integrated Government Big Data System",
        True,
    ),  # held-out
]


@pytest.mark.parametrize(("zh", "en", "complete"), GOLDEN, ids=[g[0][:24] for g in GOLDEN])
def test_golden_title(zh, en, complete):
    t = translate_title(zh)
    assert t.text == en
    assert t.complete is complete
    assert t.provider == "glossary" and t.label == "glossary"


def test_golden_set_is_mostly_held_out():
    assert len(GOLDEN) >= 40


def test_unknown_issuer_stays_chinese_and_marks_partial():
    t = translate_title("某某科技有限公司关于印发《人形机器人创新发展指导意见》的通知")
    assert "某某科技有限公司" in t.text
    assert not t.complete and "某某科技有限公司" in t.unknown
    assert "Guiding Opinions on the Innovative Development of Humanoid Robots" in t.text


def test_unknown_words_are_kept_not_dropped():
    glossary_only = OfflineEngine(words=Dictionary({}))
    t = glossary_only.translate("工业和信息化部关于印发《量子霍尔效应器件管理办法》的通知")
    assert "霍尔效应" in t.text and not t.complete and t.provider == "glossary"
    assert t.text.startswith("Notice of the Ministry of Industry and Information Technology")


def test_words_the_glossary_lacks_come_from_the_dictionary_and_say_so():
    t = translate_title("工业和信息化部关于印发《量子霍尔效应器件管理办法》的通知")
    assert "Quantum Hall Effect" in t.text and t.complete
    assert t.provider == "dictionary" and t.label == "dictionary"
    assert t.text.startswith("Notice of the Ministry of Industry and Information Technology")


@pytest.mark.parametrize(
    ("zh", "issuer"),
    [
        ("国家网信办关于X的通知", "Cyberspace Administration of China"),
        ("中央网信办关于X的通知", "Office of the Central Cyberspace Affairs Commission"),
        (
            "全国网络安全标准化技术委员会关于X的通知",
            "National Cybersecurity Standardization Technical Committee",
        ),
        (
            "全国信息安全标准化技术委员会关于X的通知",
            "National Information Security Standardization Technical Committee",
        ),
        (
            "全国信息技术标准化技术委员会关于X的通知",
            "National Information Technology Standardization Technical Committee",
        ),
        (
            "全国人民代表大会常务委员会关于X的决定",
            "Standing Committee of the National People's Congress",
        ),
        ("国家标准委关于X的通知", "Standardization Administration of China"),
        ("市场监管总局关于X的公告", "State Administration for Market Regulation"),
        (
            "工业和信息化部办公厅关于X的通知",
            "General Office of the Ministry of Industry and Information Technology",
        ),
        ("中国电子技术标准化研究院关于X的通知", "China Electronics Standardization Institute"),
        (
            "中国信息通信研究院关于X的通知",
            "China Academy of Information and Communications Technology",
        ),
    ],
)
def test_issuer_official_names(zh, issuer):
    assert f" of the {issuer} on " in translate_title(zh.replace("X", "人工智能")).text


@pytest.mark.parametrize(
    ("zh", "tail"),
    [
        ("工业和信息化部等十七部门关于人工智能的通知", "and Sixteen Other Departments on"),
        ("国家数据局等二部门关于人工智能的通知", "and One Other Department on"),
        ("十部门关于人工智能的通知", "Notice of Ten Departments on"),
        ("国家发展改革委等部门关于人工智能的通知", "and Other Departments on"),
    ],
)
def test_department_counts(zh, tail):
    assert tail in translate_title(zh).text


@pytest.mark.parametrize(
    ("suffix", "en"),
    [
        ("（试行）", "(Trial)"),
        ("（征求意见稿）", "(Draft for Comment)"),
        ("（2024年版）", "(2024 Edition)"),
        ("（暂行）", "(Interim)"),
        ("（2025—2028年）", "(2025–2028)"),
        ("（第三批）", "(Third Batch)"),
    ],
)
def test_document_suffixes(suffix, en):
    t = translate_title(f"数据出境安全评估办法{suffix}")
    assert t.text == f"Measures for the Security Assessment of Outbound Data Transfers {en}"


def test_compositional_heads_for_unseen_combinations():
    assert translate_title("智能网联汽车数据安全管理办法").text == (
        "Measures for the Administration of Intelligent Connected Vehicle Data Security"
    )
    assert translate_title("关于促进具身智能发展的指导意见").text == (
        "Guiding Opinions on Promoting the Development of Embodied AI"
    )
    # 算法 is a term, not 算 + a 法 "Law"
    assert "Recommendation Algorithm" in translate_title("推荐算法不是法").text


def test_english_passes_through_and_bad_input_is_named():
    assert translate_title("  Already  English ").text == "Already English"
    with pytest.raises(TranslationInputError):
        translate_title(None)  # type: ignore[arg-type]


def test_deterministic():
    """Speed is measured by benchmarks/translate_titles.py, not asserted here."""
    engine = OfflineEngine()
    titles = [g[0] for g in GOLDEN]
    first = [engine.translate(t).text for t in titles]
    for _ in range(3):
        assert [engine.translate(t).text for t in titles] == first


def test_escaped_entities_in_a_listed_title_are_read_as_brackets():
    t = translate_title(
        "国务院办公厅关于转发国务院法制局《关于调整补充&lt;国务院一九九二年立法工作计划&gt;的意见》的通知"
    )
    assert "&" not in t.text and "1992" in t.text


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("2002年1月", "January 2002"),
        ("2025年1-4月份", "January–April 2025"),
        ("2017年第一季度", "Q1 2017"),
        ("第十四届", "Fourteenth"),
        ("第4626号", "No. 4626"),
        ("一九八七年", "1987"),
    ],
)
def test_dates_and_numbers_come_out_in_english(zh, en):
    assert en in translate_title(f"{zh}软件业运行情况").text


def test_place_names_the_glossary_lacks_use_official_romanisation():
    assert "Wuhu" in translate_title("国务院关于同意新建安徽芜湖民用机场的批复").text
    assert "Macao" in translate_title("澳门特别行政区").text
