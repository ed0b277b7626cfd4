"""Article-draft content from sentence roles, natural titles, and the draft lint."""

from __future__ import annotations

import numpy as np
import pytest

from assist.drafts.examples import (
    outcome,
    script_answer,
    script_lines,
    script_question,
    situation_label,
    situation_lines,
)
from assist.drafts.keywords import DocFreq, noun_tokens
from assist.drafts.lint import case_problem, has_placeholder, lint_draft
from assist.drafts.phrasing import read_resolution, to_step
from assist.drafts.titles import noun_phrases, title_from_phrases, topic_title
from core.records import REQUIRED_SECTIONS, TicketRecord

_BACKGROUND = [
    "배송 언제 와요",
    "환불 언제 돼요",
    "주문 취소하고 싶어요",
    "쿠폰 사용이 안 돼요",
    "로그인이 안 돼요",
]


def _freq(texts: list[str]) -> DocFreq:
    return DocFreq(noun_tokens([*_BACKGROUND, *texts]))


def _clean_sections() -> dict[str, str]:
    return {
        "summary": "휴대폰 소액결제에 관한 문의를 처리하는 기준을 정리한 문서입니다.",
        "purpose": "상담원이 같은 답변을 일관되게 드리기 위해 사용합니다.",
        "policy": "- 소액결제 한도는 통신사 기준으로 최대 100만 원까지 가능합니다.",
        "steps": "1. 가입 통신사를 확인하세요.\n2. 한도 변경 방법을 안내하세요.",
        "scripts": "Q: 소액결제 한도 올릴 수 있나요?\nA: 통신사 고객센터에서 한도를 변경하실 수 있습니다.",
        "situations": "- 한도 상향을 요청하는 경우: 통신사 앱에서 한도를 변경해 드립니다.",
        "management": "최종 수정일: 2026-11-30\n담당자: 결제CX팀\n- 2026-11-30: 티켓 12건에서 자동 초안 생성",
    }


def test_the_issue_examples_are_case_specific_in_policy_and_steps() -> None:
    assert (
        case_problem("고객님은 50만 원까지 상향 가능하여 한도를 변경해 드립니다.", "policy") == "one_customer"
    )
    assert case_problem("팀장 승인으로 적립금 3,000원을 보상해 드립니다.", "steps") == "concession"
    assert case_problem("장애가 있었으나 현재 복구되었습니다.", "policy") == "case_report"
    assert case_problem("환불 계좌로 환불된다고 안내드렸습니다.", "policy") == "agent_note"
    assert case_problem("환불 계좌 등록 방법을 안내드렸습니다.", "steps") is not None
    assert case_problem("소액결제 한도는 최대 100만 원까지 가능합니다.", "policy") is None
    assert case_problem("결제CX팀에 환불 추적을 요청하세요.", "steps") is None
    assert case_problem("오배송 보상 적립금 2,000원을 지급하세요.", "steps") == "concession"
    assert case_problem("해당 송장번호를 안내하세요.", "steps") == "case_report"
    assert case_problem("검정 재고가 있어 당일 선발송하세요.", "steps") == "case_report"
    assert case_problem("재고가 없으면 품절 안내를 하세요.", "steps") is None


def test_a_clean_draft_lints_clean_and_each_problem_is_found() -> None:
    sections = _clean_sections()
    assert lint_draft("휴대폰 소액결제 한도 안내", sections) == []
    bad = dict(sections)
    bad["policy"] = "- 고객님은 50만 원까지 상향 가능하여 한도를 변경해 드립니다."
    bad["steps"] = "1. 팀장 승인으로 적립금 3,000원을 보상해 드립니다."
    bad["scripts"] = (
        "Q: 제 이메일은 [이메일] 입니다\nA: 확인해 드리겠습니다.\n\n"
        "Q: 고객이 한도 상향 문의함\nA: 가능합니다."
    )
    bad["summary"] = "기존 문서와의 유사도(중앙값 0.90)가 낮아 이 주제를 다루는 문서가 없습니다."
    bad["situations"] = "### 사례 1 (6건)\n- 검토 필요: 티켓에서 주요 상황을 찾지 못했습니다."
    bad["purpose"] = ""
    found = lint_draft(
        "꺼짐 로그인 안내", bad, evidence={"proposal": {"kind": "update", "article_id": "KB-009"}}
    )
    codes = {(f.code, f.section) for f in found}
    assert codes == {
        ("case_specific", "policy"),
        ("case_specific", "steps"),
        ("placeholder", "scripts"),
        ("script_memo", "scripts"),
        ("generator_note", "summary"),
        ("review_marker", "situations"),
        ("missing_section", "purpose"),
        ("duplicate", "title"),
    }
    assert all(f.message and not f.message.isascii() for f in found)  # Korean messages
    assert "purpose" in REQUIRED_SECTIONS
    assert has_placeholder("010-****-1234 로 연락") == "****"


def test_resolution_clauses_carry_roles_general_sentences_and_steps() -> None:
    said = read_resolution(
        "휴대폰 결제는 달이 바뀌면 환불 계좌로 환불된다고 안내드렸습니다. "
        "결제CX팀에 환불 추적을 요청했습니다. 장애가 있었으나 현재 복구되었습니다."
    )
    assert [s.role for s in said] == ["agent_note", "case_report", "case_report"]
    assert said[0].general == "휴대폰 결제는 달이 바뀌면 환불 계좌로 환불됩니다."
    assert said[1].general is None and said[1].step == "결제CX팀에 환불 추적을 요청하세요."
    assert said[2].general is None  # a past state is never rewritten into a broken present
    assert to_step("등록 방법을 알려드렸고") == "등록 방법을 알려 주세요."
    assert to_step("등록 후 영업일 1~3일 내 입금됩니다.") is None
    assert to_step("재설정 완료했습니다.") is None  # a report of a result, not an action


def test_scripts_use_customer_questions_and_customer_facing_answers() -> None:
    assert script_question("제 이메일은 [이메일] 입니다") is None
    assert script_question("제 이메일은 kim.minji@example.com 입니다") is None  # masked: a placeholder
    assert script_question("지난달 소액결제 환불 어떻게 받냐고 문의") is None
    assert script_question("소액결제 한도 올릴 수 있나요?") == "소액결제 한도 올릴 수 있나요?"
    said = read_resolution(
        "소액결제 한도는 최대 100만 원까지 가능하다고 안내드렸고 한도를 변경해 드렸습니다."
    )
    assert script_answer(said) == "소액결제 한도는 최대 100만 원까지 가능합니다."


def test_case_outcomes_become_situations() -> None:
    texts = [
        "한도 상향\n한도 올려주세요",
        "한도 상향 요청\n결제 한도 상향해 주세요",
        "한도 변경\n한도 좀 늘려주세요",
    ]
    assert situation_label(texts, _freq(texts)) == "한도 상향을 요청하는 경우"
    said = read_resolution(
        "고객님은 50만 원까지 상향 가능하여 한도를 변경해 드렸습니다. 확인해 보니 정상 처리되었습니다."
    )
    assert outcome(said) == ["50만 원까지 상향 가능하여 한도를 변경해 드립니다."]
    tickets = [
        TicketRecord(ticket_id=f"T-{i}", inquiry=text.split("\n")[1], subject=text.split("\n")[0],
                     resolution="한도를 50만 원으로 변경해 드렸습니다.", source="t")
        for i, text in enumerate(texts)
    ]  # fmt: skip
    said_by = {t.ticket_id: read_resolution(t.resolution) for t in tickets}
    [line] = situation_lines(tickets, np.eye(3, dtype=np.float32), said_by, _freq(texts))
    assert (
        line.prefix == "- 한도 상향을 요청하는 경우: " and line.text == "한도를 50만 원으로 변경해 드립니다."
    )


def test_a_cases_day_or_schedule_is_never_a_situation_or_a_script_answer() -> None:
    # "내일 오전 도착 예정이며 …" was one pickup order's schedule, sent as what to tell in 주요 상황
    said = read_resolution(
        "내일 오전 도착 예정이며 도착 시 픽업코드가 발송됩니다. "
        "도착 알림톡이 문자 전환 중 누락된 것을 확인했습니다. 픽업코드를 문자로 재발송했습니다."
    )
    assert outcome(said) == ["픽업코드를 문자로 재발송합니다."]
    said = read_resolution("오늘 오후 출고 예정입니다. 픽업 편의점은 출고 전까지 변경할 수 있습니다.")
    assert script_answer(said) == "픽업 편의점은 출고 전까지 변경할 수 있습니다."
    sections = {
        **_clean_sections(),
        "scripts": "Q: 오늘 주문하면 내일 와요?\nA: 내일 오전 도착 예정입니다.",
        "situations": "- 픽업을 문의하는 경우: 내일 오전 도착 예정이며 도착 시 픽업코드가 발송됩니다.",
    }
    found = [(f.code, f.section, f.text) for f in lint_draft("편의점 픽업 안내", sections)]
    assert found == [
        ("case_specific", "scripts", "내일 오전 도착 예정입니다."),  # the customer's question may say 오늘
        ("case_specific", "situations", "내일 오전 도착 예정이며 도착 시 픽업코드가 발송됩니다."),
    ]
    steps = (
        "1. 택배사 물류센터 적체로 1~2일 지연 예정임을 안내하세요.\n2. 환불 승인 완료되었음을 안내하세요.\n"
        "3. 검수 보류된 리뷰 1건을 제외하고 2건의 적립금을 수동 지급하세요."
    )
    found = [(f.section, f.text) for f in lint_draft("설치 안내", {**_clean_sections(), "steps": steps})]
    assert found == [("steps", ln[3:]) for ln in steps.splitlines()]
    # the heading names what customers asked about, which may be a day ("내일 배송에 대해 …")
    sections["situations"] = (
        "- 내일 배송에 대해 문의하는 경우: 출고 다음 날 도착합니다.\n"
        "- 포장을 요청하는 경우: 다음 주문 시 선물 포장 옵션을 선택하시면 됩니다. 이번 달부터 무료입니다."
    )
    sections["scripts"] = _clean_sections()["scripts"]
    assert lint_draft("편의점 픽업 안내", sections) == []


def test_a_script_answer_answers_its_question_whichever_ticket_said_it() -> None:
    # resolutions that do not answer their own inquiry (one agent explained something else too)
    rows = [
        (
            "렌탈 약정 3년인데 2년만 쓰고 해지하면 어떻게 되요",
            "렌탈료 결제 카드 변경은 마이페이지 > 렌탈 관리에서 가능하다고 안내했습니다.",
        ),
        (
            "렌탈료 결제카드 바꾸려면 어디서 해요",
            "렌탈 계약은 의무 기간 안에 해지하면 남은 렌탈료의 10%가 위약금으로 청구된다고 안내했습니다.",
        ),
        (
            "렌탈 계약서 다시 받을수있나요",
            "렌탈료 결제 카드 변경은 마이페이지 > 렌탈 관리에서 가능하다고 안내했습니다.",
        ),
    ]
    tickets = [
        TicketRecord(ticket_id=f"R-{i}", inquiry=q, subject="렌탈", resolution=a, source="t")
        for i, (q, a) in enumerate(rows)
    ]
    said = {t.ticket_id: read_resolution(t.resolution) for t in tickets}
    lines = [
        (ln.prefix, ln.text, ln.tickets)
        for ln in script_lines(tickets, np.eye(3, dtype=np.float32), said)
        if ln.text
    ]
    assert lines == [
        ("Q: ", rows[0][0], ("R-0",)),
        (
            "A: ",
            "렌탈 계약은 의무 기간 안에 해지하면 남은 렌탈료의 10%가 위약금으로 청구됩니다.",
            ("R-1",),
        ),
        ("Q: ", rows[1][0], ("R-1",)),
        ("A: ", "렌탈료 결제 카드 변경은 마이페이지 > 렌탈 관리에서 가능합니다.", ("R-0",)),
    ]  # the contract copy ("계약서") is answered by no resolution: not a script question


def test_titles_are_noun_phrases_with_a_head_noun() -> None:
    topics = {
        "휴대폰 소액결제 한도·차단 안내": [
            "휴대폰 소액결제 차단\n휴대폰 소액결제 차단하고 싶어요",
            "휴대폰 소액결제 한도\n휴대폰 소액결제 한도 올려주세요",
            "소액결제 한도 초과\n휴대폰 소액결제 한도가 초과래요",
            "휴대폰 소액결제 차단 해제\n소액결제 차단 풀어주세요",
        ],
        "세금계산서 발행 안내": [
            "세금계산서 발행\n세금계산서 발행해 주세요",
            "세금계산서 재발행\n세금계산서 재발행 가능한가요",
            "계산서 발행\n사업자 세금계산서 요청",
        ],
        "해외카드 할부·결제 안내": [
            "해외카드 할부\n해외카드로 할부 돼요?",
            "해외카드 결제\n해외카드 결제가 안돼요",
        ],
    }
    for title, texts in topics.items():
        assert topic_title(texts, _freq(texts)) == title
    assert topic_title(["2개 시켰는데 1개만 왔어요"], _freq([]), fallback="하나만 옴") == "하나만 옴 문의"
    assert title_from_phrases(["결제", "오류"]) == "결제 오류 처리"
    assert title_from_phrases(["편의점", "픽업"], ["반송"]) == "편의점 픽업·반송 안내"


def test_titles_name_what_is_asked_not_the_case_time_or_person() -> None:
    # every inquiry quotes its order number and says when: neither is what the topic is about
    texts = [
        "주문번호 20261105-3321 교환 배송비 얼마예요 부탁드려요",
        "주문번호 20261028-1147 교환 배송비 누가 내요?",
        "아침에 교환 배송비 결제하라고 떠요 주문번호 20261103-0582",
        "교환 배송비 부담 기준 알려 주세요 주문번호 20261101-0001",
    ]
    title = topic_title(texts, _freq(texts))
    assert title.startswith("교환 배송비") and "주문" not in title and "번호" not in title, title
    texts = [
        "아침 금식 중 물 마셔도 되나요 교수님",
        "검진 전날 아침 금식 시간",
        "아침 금식인데 물은요",
        "금식 언제부터 아침",
    ]
    assert topic_title(texts, _freq(texts)).endswith("금식 안내")  # 아침 may lead, never stand alone
    # a password or a phone number is a subject, a case's number is not
    texts = ["비밀번호 재설정이 안 돼요", "비밀번호 찾기", "비밀번호 변경하고 싶어요"]
    assert topic_title(texts, _freq(texts)).startswith("비밀번호")


def test_a_masked_value_and_its_label_never_title_a_draft() -> None:
    # a game's players quote their UID and nickname (masked before anything is stored): the held-out
    # game set had drafts titled "UID 안내" and "닉네임·아이디 안내" (아이디 from the placeholder)
    texts = [
        "UID [고객번호] 계정 정지 사유 알려주세요",
        "3서버 UID [고객번호]입니다 정지 풀어주세요",
        "UID [고객번호] 계정 정지 재검토 요청",
        "닉네임 '[아이디]' 계정 정지 사유 문의합니다",
        "루나섭 UID [고객번호] 계정 정지됐어요",
    ]
    title = topic_title(texts, _freq(texts))
    assert "정지" in title and not any(w in title for w in ("UID", "닉네임", "아이디", "고객", "번호")), title
    # Kiwi tags 신고합니다 a proper noun before another noun: a verb never ends a title
    assert not any("니다" in p.text for p in noun_phrases("핵 쓰는 유저 신고합니다 닉네임 '[아이디]'"))
    # the label is left out only where a masked value follows it
    texts = ["닉네임 변경 쿨타임", "닉네임 변경 비용", "닉네임 변경 '[아이디]'로 하고 싶어요"]
    assert topic_title(texts, _freq(texts)).startswith("닉네임 변경")


def test_english_topics_get_english_titles_without_stop_words() -> None:
    # banking77 drafts were titled "my card·the 안내", "to·How 안내", "Account·account 안내"
    texts = [
        "\nHow do I get a virtual card?",
        "\nCan I have a virtual card for online shopping?",
        "\nWhere can I order my virtual card?",
        "\nI need a virtual card, how can I get one?",
    ]
    assert topic_title(texts, _freq(texts)) == "Virtual card guide"
    texts = [
        "\nI want to freeze my account.",
        "\nPlease freeze my account now",
        "\nhow do I freeze my account?",
    ]
    # "freeze" is a verb: it names the action (assist.drafts.titles_en), never a noun of the title
    assert topic_title(texts, _freq(texts)) == "Freeze account"
    assert title_from_phrases(["card", "payment"], ["declined"]) == "Card payment·declined issues"
    # no English title ends in a verb form or a bare modifier (banking77: "Tried guide", "Waiting
    # guide", "Long guide", "Ago·cash deposit guide"), while a participle may lead a noun
    texts = [
        "\nI tried to pay and my pending transaction is still there",
        "\nWhy is my transaction pending for so long?",
        "\nA pending transaction since yesterday, I tried twice",
        "\npending transaction, waiting for ages",
    ]
    assert topic_title(texts, _freq(texts)) == "Pending transaction guide"
    assert {p.text for p in noun_phrases("Someone stole my card")} == {"card"}
    assert {p.text for p in noun_phrases("my card was stolen")} == {"card", "stolen"}  # a problem word
    assert not noun_phrases("I tried waiting a long time ago") and noun_phrases("my banking app billing")
    # an acronym in a Korean topic is no English stop word, and the head stays Korean
    texts = [
        "AS 수리\nAS 수리 어디서 받아요",
        "AS 수리 접수\nAS 수리 신청하고 싶어요",
        "수리 기간\nAS 수리 기간 얼마나 걸려요",
    ]
    assert topic_title(texts, _freq(texts)) == "AS 수리 안내"


def test_a_stored_drafts_lint_follows_the_configured_coverage_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    """``draft_lint`` reads the gap finder's coverage cut once per environment: a change of
    KMS_DRAFTS_COVERAGE_THRESHOLD still decides whether the draft duplicates an article."""
    from assist.drafts.store import draft_lint
    from storage import DraftRow

    evidence = {"coverage": 0.93, "ticket_ids": ["t1", "t2", "t3"],
                "nearest_articles": [{"article_id": "KB-001", "tickets": 3}]}  # fmt: skip
    row = DraftRow(title="결제 오류 안내", sections={}, evidence=evidence)
    codes = {}
    for cut in ("0.95", "0.9", "0.95"):
        monkeypatch.setenv("KMS_DRAFTS_COVERAGE_THRESHOLD", cut)
        codes[cut] = "duplicate" in {f.code for f in draft_lint(row)}
    assert codes == {"0.95": False, "0.9": True}


def test_situation_headings_that_differ_only_in_spacing_are_one() -> None:
    from assist.drafts.examples import _same_label

    assert _same_label("- 사전예약에 대해 문의하는 경우: ", "사전 예약에 대해 문의하는 경우")
    assert not _same_label("- 사전예약에 대해 문의하는 경우: ", "예약 취소를 요청하는 경우")


def test_a_runs_drafts_do_not_share_a_title() -> None:
    from assist.drafts.compose import DraftContent
    from assist.drafts.generate import distinct_title
    from assist.drafts.lines import make_line

    def content(title: str, words: list[str]) -> DraftContent:
        return DraftContent(title, None, words, {"title": [make_line(title, ["T-1"], "generated")]})

    taken = {"Card guide", "Card guide (delivery)"}
    first = content("Card guide", ["card", "accepted", "delivery", "did", "contactless"])
    second = content("PIN guide", ["pin"])
    distinct_title(first, taken)
    distinct_title(second, taken)
    assert first.title == "Card guide (contactless)" and first.lines["title"][0].text == first.title
    assert first.lines["title"][0].tickets == ("T-1",) and second.title == "PIN guide"
    # a verb form or a stop word tells no title apart ("Card guide (accepted)", "Transfer guide (did)")
    third, fourth = content("Card guide", ["accepted", "did", "배송"]), content("Card guide", ["did"])
    distinct_title(third, taken)
    distinct_title(fourth, taken)
    assert third.title == "Card guide (배송)" and fourth.title == "Card guide (did)"  # better than none


def test_a_resolution_that_says_nothing_is_no_situation_and_english_situations_read_english() -> None:
    assert outcome(read_resolution("Answered.")) == []
    assert outcome(read_resolution("확인 후 처리 결과를 안내드렸습니다.")) == []
    texts = [
        "Virtual card\nMy virtual card is not working",
        "Virtual card\nvirtual card declined online",
        "Virtual card\nwhy is my virtual card not working?",
    ]
    assert situation_label(texts, _freq(texts)) == "Problems with virtual card"
    texts = ["AS 수리\nAS 수리 어디서 받아요", "AS 수리 접수\nAS 접수 문의"]
    assert situation_label(texts, _freq(texts)).endswith("경우")  # a Korean topic's acronym stays Korean
