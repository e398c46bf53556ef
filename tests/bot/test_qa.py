"""Q&A: explicit references, ranking quality on question sets, honest refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.answer import answer_text
from bot.qa import MAX_HITS, QuestionError, check_question, default_index

DATA = Path(__file__).resolve().parents[2] / "knowledge" / "questions"


def _questions(name: str) -> list[dict]:  # type: ignore[type-arg]
    path = DATA / name
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else []


def _measure(questions: list[dict]) -> tuple[float, float, list[str]]:  # type: ignore[type-arg]
    index = default_index()
    top1 = top3 = 0
    misses: list[str] = []
    for case in questions:
        result = index.ask(case["q"])
        refs = [hit.ref for hit in result.hits]
        if not case["expect"]:
            ok = not result.in_scope and not refs
            top1 += ok
            top3 += ok
        else:
            ok = bool(refs) and refs[0] in case["expect"]
            top1 += ok
            top3 += any(ref in case["expect"] for ref in refs[:3])
        if not ok:
            misses.append(f"{case['q']} -> {refs[:3]} (want {case['expect']})")
    return top1 / len(questions), top3 / len(questions), misses


SETS = [
    "qa_dev.yaml",
    "qa_extra.yaml",
    "qa_holdout.yaml",
    "qa_final.yaml",
    "qa_blind4.yaml",
    "qa_blind5.yaml",
]


@pytest.mark.parametrize("name", SETS)
def test_quality_bar(name: str) -> None:
    questions = _questions(name)
    if not questions:
        pytest.skip(f"{name} not present")
    top1, top3, misses = _measure(questions)
    assert top1 >= 0.95, "\n".join(misses)
    assert top3 >= 0.98, "\n".join(misses)


def test_every_out_of_scope_question_is_refused() -> None:
    for name in SETS:
        for case in _questions(name):
            if not case["expect"]:
                result = default_index().ask(case["q"])
                assert not result.in_scope and not result.hits, case["q"]


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("第十一条", "art-11"),
        ("第11条", "art-11"),
        ("11条怎么规定的", "art-11"),
        ("第十一条第六项", "art-11"),
        ("article 11", "art-11"),
        ("art. 11", "art-11"),
        ("Art 11(6)", "art-11"),
        ("第二十一条", "art-21"),
        ("ind-14", "ind-14"),
        ("指标14", "ind-14"),
        ("可再生能源利用率", "ind-15"),
        ("工厂容积率", "ind-1"),
    ],
)
def test_explicit_references(question: str, first: str) -> None:
    result = default_index().ask(question)
    assert result.in_scope
    assert result.hits[0].ref == first
    assert len(result.hits) <= MAX_HITS


@pytest.mark.parametrize("question", ["第十一条第六项", "Art 11(6)", "第11条第6项", "article 11.6"])
def test_an_item_reference_cites_the_article_and_quotes_the_item(question: str) -> None:
    result = default_index().ask(question)
    assert [hit.ref for hit in result.hits[:2]] == ["art-11", "art-11.6"]
    assert result.quote_ref == "art-11.6"
    assert "（六）失信被执行人；" in answer_text(result, "zh")


def test_a_colloquial_question_quotes_the_item_and_names_the_article() -> None:
    result = default_index().ask("老赖能申报绿色工厂吗")
    assert result.hits[0].ref == "art-11"
    assert result.quote_ref == "art-11.6"
    text = answer_text(result, "zh")
    assert "（六）失信被执行人；" in text and "第十一条" in text


def test_silence_is_admitted_and_the_nearest_article_cited() -> None:
    result = default_index().ask("成为绿色工厂能拿多少钱补贴")
    assert result.hits[0].ref == "art-20"
    assert any("没有规定" in note for note in result.notes)
    cutoffs = default_index().ask("多少分算三级工厂")
    assert cutoffs.hits[0].ref == "art-4"
    assert any("分数线" in note for note in cutoffs.notes)


@pytest.mark.parametrize(
    "question",
    [
        "明天会下雨吗",
        "How do I cook rice?",
        "你好",
        "高新技术企业认定需要什么条件",
        "个人所得税怎么算",
        "讲个笑话",
    ],
)
def test_out_of_scope(question: str) -> None:
    result = default_index().ask(question)
    assert not result.in_scope and result.hits == ()
    assert "/prescreen" in answer_text(result, "zh")


def test_an_article_beyond_21_is_not_invented() -> None:
    result = default_index().ask("第三十条")
    assert not result.in_scope and result.out_of_range == 30
    assert "二十一条" in answer_text(result, "zh")


def test_english_answer_quotes_the_chinese_text() -> None:
    result = default_index().ask("Our factory is moving to a new site. Do we need a review?", "en")
    assert result.hits[0].ref == "art-14"
    text = answer_text(result, "en")
    assert "厂区迁址" in text and "Article 14" in text


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   \n", "empty"),
        ("x" * 10_000, "too_long"),
        ("😀😀？！", "no_words"),
        ("\x00\x07\x1b", "empty"),
    ],
)
def test_unusable_questions(text: str, code: str) -> None:
    with pytest.raises(QuestionError) as caught:
        check_question(text)
    assert caught.value.code == code
    assert default_index().ask(text).problem == code


def test_control_characters_are_dropped_not_fatal() -> None:
    result = default_index().ask("第十\x00一条\x1b")
    assert result.hits[0].ref == "art-11"


def test_latin_terms_do_not_match_inside_english_words() -> None:
    # "voc" (in a Chinese term for VOC emissions) sits inside "revocation".
    result = default_index().ask("How long after revocation can we re-apply?")
    assert result.hits[0].ref == "art-15"
    assert "ind-5" not in [hit.ref for hit in result.hits]
    assert "Indicator 5" not in answer_text(result, "en")


def test_faint_hits_are_not_offered_as_related() -> None:
    from bot.answer import related_refs
    from bot.knowledge import default

    kb = default()
    faint_seen = 0
    for case in _questions("qa_extra.yaml"):
        result = default_index().ask(case["q"])
        if not result.in_scope:
            continue
        best = result.hits[0].score
        entry = kb.get(result.quote_ref or result.hits[0].ref)
        own = set(getattr(entry, "refs", []))
        offered = set(related_refs(result, kb))
        for hit in result.hits[1:4]:
            if hit.score < 0.4 * best and hit.ref not in own:
                faint_seen += 1
                assert hit.ref not in offered, (case["q"], hit)
    assert faint_seen > 10  # the set does exercise the rule


def test_ranking_is_the_same_in_every_process() -> None:
    """Scores must not depend on the process's string hashing (PYTHONHASHSEED): these
    questions once scored differently from one run to the next."""
    import os
    import subprocess
    import sys

    questions = [
        "制定这个暂行办法的目的是什么",
        "复核不去参加会怎样",
        "区里发现辖区绿色工厂主营业务变动很大，需要上报吗",
    ]
    stdin = "".join(q + "\n" for q in questions)
    outputs: set[str] = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "GREENBOT_CACHE": "off"}
        done = subprocess.run(
            [sys.executable, "-m", "bot", "ask", "--json"],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1


# Sets written from the regulation text alone by people who never saw the lexicon, scored
# before any tuning on them (see bench/qa_eval.py), then kept as regression sets. They carry
# a kind per question and mark the details the measures leave open (silent: true).
BLIND_SETS = [
    "qa_blind_a.yaml",
    "qa_blind_b.yaml",
    "qa_blind_c.yaml",
    "qa_blind_d.yaml",
    "qa_blind_e.yaml",
    "qa_blind_f.yaml",
    "qa_blind_g.yaml",
    "qa_blind_h.yaml",
    "qa_blind_i.yaml",
    "qa_blind_j.yaml",
    "qa_blind_k.yaml",
    "qa_blind_l.yaml",
    "qa_blind_m.yaml",
    "qa_blind_n.yaml",
    "qa_blind_o.yaml",
    "qa_blind_p.yaml",
    "qa_blind_q.yaml",
    "qa_blind_r.yaml",
    "qa_blind_s.yaml",
    "qa_blind_t.yaml",
    "qa_blind_u.yaml",
    "qa_blind_v.yaml",
    "qa_blind_w.yaml",
    "qa_blind_x.yaml",
    "qa_blind_y.yaml",
    "qa_blind_z.yaml",
    "qa_blind_zz.yaml",
    "qa_blind_aa.yaml",
    "qa_blind_ab.yaml",
    "qa_blind_ac.yaml",
    "qa_blind_ad.yaml",
    "qa_blind_ae.yaml",
    "qa_blind_af.yaml",
    "qa_blind_ag.yaml",
    "qa_blind_ah.yaml",
    "qa_blind_ai.yaml",
]


@pytest.mark.parametrize("name", BLIND_SETS)
def test_blind_set_quality(name: str) -> None:
    from bench.qa_eval import evaluate

    tally = evaluate(_questions(name))
    misses = "\n".join(tally.misses)
    assert tally.top1 / tally.n >= 0.95, misses
    assert tally.top3 / tally.n >= 0.99, misses
    # Never a flat refusal of an in-scope question: at worst, candidates to choose from.
    assert tally.refused == 0, misses
    # Out of scope refused, or the detail asked said to be left open by the text.
    assert (tally.oos_ok + tally.silent_ok) / (tally.oos + tally.silent) >= 0.95, misses
