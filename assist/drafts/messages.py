"""The Korean and English texts of the draft workflow, shared by the review pages and `kms drafts`.

``DRAFT_MESSAGES`` maps a key to ``(Korean, English)``; the web joins it into its page labels
(``assist.web.i18n``), the CLI prints ``Korean (English)``. One translation per message: the CLI
reuses a page's text where it says the same thing, and has its own key (``drafts.cli.*``) only
where the page's text points at the page (a form field, signing in). :func:`error_text` turns a
review error (``NotFoundError``, ``ConflictError``, ``InvalidInputError`` and the field it names)
into its message. No FastAPI here: the CLI imports this module.
"""

from __future__ import annotations

from assist.errors import ConflictError, NotFoundError
from core.errors import KmsError
from core.records import SECTION_KEYS, SECTION_LABELS_EN, SECTION_LABELS_KO

LANGS: tuple[str, ...] = ("ko", "en")

DRAFT_MESSAGES: dict[str, tuple[str, str]] = {
    "drafts.title": ("초안 검토", "Draft review"),
    "drafts.empty": ("검토할 초안이 없습니다.", "No drafts to review."),
    "drafts.missing": (
        "초안 모듈(assist.drafts)이 아직 없습니다.",
        "The drafts module (assist.drafts) is not available yet.",
    ),
    "drafts.size": ("주제 규모", "Topic size"),
    "drafts.growth": ("증가", "Growth"),
    "drafts.tickets": ("근거 티켓", "Evidence tickets"),
    "drafts.approve": ("승인", "Approve"),
    "drafts.reject": ("반려", "Reject"),
    "drafts.reject_reason": ("반려 사유", "Reason for rejecting"),
    "drafts.merge": ("기존 문서에 병합", "Merge into an article"),
    "drafts.merge_into": ("병합할 문서 ID", "Article id to merge into"),
    "drafts.edit": ("섹션 편집", "Edit sections"),
    "drafts.sources": ("근거", "Sources"),
    "drafts.coverage": ("문서 유사도", "Coverage"),
    "drafts.gap_probability": ("미포함 확률", "Gap probability"),
    "drafts.reason.weak_coverage": ("기존 문서 부족", "weak coverage"),
    "drafts.reason.bad_feedback": ("추천 불만족", "bad feedback"),
    "drafts.review": ("검토", "Review"),
    "drafts.reviewer": ("검토자", "Reviewer"),
    "drafts.published_as": ("게시된 문서:", "Published as"),
    "drafts.merged_into": ("병합된 문서:", "Merged into"),
    "drafts.review_needed": ("검토 필요", "needs review"),
    "drafts.status.pending": ("검토 대기", "pending"),
    "drafts.status.approved": ("승인됨", "approved"),
    "drafts.status.rejected": ("반려됨", "rejected"),
    "drafts.status.merged": ("병합됨", "merged"),
    "drafts.hover": (
        "문장을 가리키거나 누르면 근거 티켓이 강조됩니다.",
        "Hover or click a sentence to highlight its source tickets.",
    ),
    "drafts.generate": ("초안 생성", "Generate drafts"),
    "drafts.generate_help": (
        "최근 {days}일 동안 해결된 티켓에서 {min_size}건 이상 반복되는 문의 주제를 찾고, 기존 문서가 다루지 "
        "않는 주제마다 9개 섹션 문서 초안을 만듭니다. 초안은 게시되지 않으며, 여기서 검토해 승인해야 문서가 "
        "됩니다. 이미 있는 초안은 새 티켓으로 갱신되고, 반려한 주제는 다시 만들지 않습니다.",
        "Looks through the tickets resolved in the last {days} days for inquiry topics that recur in at "
        "least {min_size} of them and writes a 9-section draft article for each topic no article covers. "
        "Drafts are not published: review and approve them here. Pending drafts are refreshed with new "
        "tickets; rejected topics are not drafted again.",
    ),
    "drafts.gaps": ("티켓이 없는 공백 — 직접 작성 필요", "Gaps no ticket shows — write these by hand"),
    "drafts.gaps_help": (
        "챗봇이 상담사에게 넘긴 질문 중 어떤 반복 주제나 문서와도 맞지 않는 주제입니다. 해결된 티켓이 없어 "
        "초안은 만들지 않았습니다. 질문은 개인정보를 가린 그대로입니다.",
        "Topics of questions the chatbot handed off that match no recurring topic and no article. No "
        "resolved ticket shows them, so no draft was made. Questions are shown PII-masked, as stored.",
    ),
    "drafts.gap_questions": ("질문 {n}건", "{n} question(s)"),
    "drafts.generate_denied": (
        "초안 생성은 KMS 담당자(kms_owner) 역할만 할 수 있습니다.",
        "Only the KMS owner (kms_owner) role may generate drafts.",
    ),
    "drafts.lint": ("초안 점검", "Draft lint"),
    "drafts.lint_ok": ("점검 결과 문제가 없습니다.", "No lint findings."),
    "drafts.lint_count": (
        "게시 전에 고칠 점 {n}건. 고치지 않고 승인하려면 사유를 적어 주세요.",
        "{n} finding(s) to fix before publishing; to approve anyway, give a reason.",
    ),
    "drafts.lint.case_specific": ("사례 문장", "case-specific"),
    "drafts.lint.placeholder": ("빈칸", "placeholder"),
    "drafts.lint.script_memo": ("상담 메모", "agent memo"),
    "drafts.lint.missing_section": ("빈 필수 섹션", "missing section"),
    "drafts.lint.review_marker": ("검토 필요", "needs review"),
    "drafts.lint.generator_note": ("생성 메모", "generator note"),
    "drafts.lint.duplicate": ("기존 문서와 중복", "duplicate"),
    "drafts.unanswered": ("챗봇 미응답 질문", "Unanswered chatbot questions"),
    "drafts.unanswered_count": ("챗봇 미응답 질문 {n}건", "{n} unanswered chatbot question(s)"),
    "drafts.unanswered_help": (
        "같은 기간에 챗봇이 답하지 못하고 상담원에게 넘긴 질문 중 이 주제에 가장 가까운 질문 (개인정보 가림)",
        "Questions the chatbot handed off in the same window whose nearest topic is this one (PII-masked)",
    ),
    "drafts.notes": ("생성 메모 (문서에 포함되지 않음)", "Generator notes (not part of the article)"),
    "drafts.override": ("점검 결과를 무시하고 승인하는 사유", "Reason to approve despite the lint"),
    "drafts.article_id": ("새 문서 ID", "New article id"),
    "drafts.merge_into_draft": ("다른 초안에 병합", "Merge into another draft"),
    "drafts.err.owner": ("담당자를 입력해 주세요.", "Enter the article's owner."),
    "drafts.err.author": (
        "검토자를 알 수 없습니다. 다시 로그인해 주세요.",
        "Unknown reviewer; sign in again.",
    ),
    "drafts.err.reason": ("반려 사유를 입력해 주세요.", "Enter the reason for rejecting."),
    "drafts.err.article_id": (
        "문서 ID는 영문·숫자·'.'·'_'·'-'로 2~64자여야 합니다 (예: KB-012-gift-refund).",
        "An article id is 2-64 letters, digits, '.', '_' or '-' (e.g. KB-012-gift-refund).",
    ),
    "drafts.err.article_exists": (
        "문서 {article_id}이(가) 이미 있습니다. 다른 문서 ID를 정해 주세요.",
        "Article {article_id} already exists; choose another id.",
    ),
    "drafts.err.override": (
        "초안 점검에서 {value}건이 발견되었습니다. 고치거나, 그대로 승인하려면 사유를 적어 주세요.",
        "The draft has {value} lint finding(s); fix them or give a reason to approve anyway.",
    ),
    "drafts.err.merge_target": (
        "병합할 문서 또는 초안을 하나만 골라 주세요.",
        "Choose one article or one draft to merge into.",
    ),
    "drafts.err.into": ("병합할 초안을 다시 골라 주세요.", "Choose the draft to merge into again."),
    "drafts.err.applied": (
        "이미 문서 {article_id}에 적용된 제안입니다. 다시 적용할 수 없습니다.",
        "This proposal was already applied to article {article_id}; it cannot be applied again.",
    ),
    "drafts.err.proposal": (
        "이 초안은 기존 문서 보완 제안이 아닙니다. 새 문서로 승인하거나 병합해 주세요.",
        "This draft does not propose updating an existing article; approve it or merge it instead.",
    ),
    "drafts.err.proposal_empty": (
        "제안 중 문서 {value}에 안전하게 추가할 수 있는 내용이 없습니다. 초안을 반려하거나 문서를 직접 "
        "편집해 주세요.",
        "Nothing of the proposal can safely be added to article {value}; reject the draft or edit the "
        "article by hand.",
    ),
    "drafts.err.since": (
        "알 수 없는 기간입니다: {value} (기본 기간 또는 전체 기간 중 하나)",
        "Unknown window: {value} (the default window or all time)",
    ),
    "drafts.err.no_article": ("문서 {article_id}을(를) 찾을 수 없습니다.", "Article {article_id} not found."),
    "drafts.err.no_draft": ("초안을 찾을 수 없습니다.", "Draft not found."),
    "drafts.err.conflict": (
        "이미 처리된 초안이거나 병합할 수 없는 대상입니다.",
        "The draft was already handled, or the target cannot be merged into.",
    ),
    "drafts.err.sections": ("편집할 섹션을 확인해 주세요.", "Check the sections to edit."),
    "drafts.err.section_empty": (
        "{section} 섹션은 비워 둘 수 없습니다. 아직 채울 수 없으면 '검토 필요: …'라고 적어 주세요.",
        "Section {section} cannot be empty; write '검토 필요: …' if it cannot be filled yet.",
    ),
    "drafts.err.input": ("입력을 확인해 주세요.", "Please check your input."),
    "drafts.err.status": (
        "알 수 없는 상태입니다: {value} (검토 대기 pending, 승인됨 approved, 반려됨 rejected, "
        "병합됨 merged, 전체 all 중 하나)",
        "Unknown status: {value} (one of pending, approved, rejected, merged, all)",
    ),
    # "update article X" proposals (assist.drafts.apply_proposal)
    "msg.proposal_applied": (
        "제안을 적용했습니다. 기존 문서에 질문과 상황을 추가했습니다.",
        "Proposal applied: the questions and situations were added to the article.",
    ),
    "drafts.proposal.title": ("기존 문서 {article_id} 보완 제안", "Proposal: update article {article_id}"),
    "drafts.proposal.help": (
        "이 주제의 티켓 {pct}%가 이미 이 문서로 연결됩니다. 새 문서 대신 아래 질문과 상황을 이 문서에 "
        "추가하는 것을 제안합니다.",
        "{pct}% of this topic's tickets already land on this article: instead of a new article, add the "
        "questions and situations below to it.",
    ),
    "drafts.proposal.article": ("대상 문서", "Article"),
    "drafts.proposal.scripts": ("추가할 상담 스크립트", "Q/A pairs to add"),
    "drafts.proposal.situations": (
        "추가할 주요 상황 (검토 필요 항목)",
        "Situations to add (as needs-review entries)",
    ),
    "drafts.proposal.safety": (
        "답변은 상담원의 처리 기록이므로 문장마다 역할을 판별해 고객 안내 문장만 넣습니다. 사례 보고·상담 "
        "메모는 고쳐 쓸 수 있으면 고쳐 쓰고, 아니면 뺍니다.",
        "Answers are agents' ticket resolutions: each sentence is checked and only customer-facing ones "
        "are added; case reports and agent notes are rewritten where possible, otherwise left out.",
    ),
    "drafts.proposal.will_add": ("추가", "to add"),
    "drafts.proposal.added": ("추가됨", "added"),
    "drafts.proposal.left_out": ("제외", "left out"),
    "drafts.proposal.rewritten": ("고쳐 씀", "rewritten"),
    "drafts.proposal.present": ("이미 문서에 있음", "already in the article"),
    "drafts.proposal.ticket_answer": ("티켓 답변 (원문)", "Ticket answer (as written)"),
    "drafts.proposal.apply": ("제안대로 문서 {article_id} 보완", "Apply to article {article_id}"),
    "drafts.proposal.apply_help": (
        "적용하면 문서의 새 버전이 게시되어 바로 검색에 반영되고, 이 초안은 병합됨으로 바뀝니다.",
        "Applying publishes a new version of the article (searchable at once) and marks this draft merged.",
    ),
    "drafts.proposal.nothing": (
        "안전하게 추가할 수 있는 내용이 없습니다. 초안을 반려하거나 문서를 직접 편집하세요.",
        "Nothing can safely be added; reject the draft or edit the article by hand.",
    ),
    "drafts.proposal.unavailable": (
        "문서 {article_id}을(를) 찾을 수 없거나 게시 상태가 아니어서 제안을 적용할 수 없습니다.",
        "Article {article_id} is missing or not published, so the proposal cannot be applied.",
    ),
    "drafts.proposal.applied_by": (
        "{author}님이 {at}에 적용함 (문서 v{version})",
        "Applied by {author} at {at} (article v{version})",
    ),
    "drafts.leftout.duplicate": ("문서에 이미 있는 질문", "already asked in the article"),
    "drafts.leftout.question": (
        "고객의 질문이 아님 (빈칸·상담 메모)",
        "not a customer's question (placeholder, memo)",
    ),
    "drafts.leftout.unsafe": ("고객에게 안내할 문장이 남지 않음", "no customer-facing sentence left"),
    "drafts.leftout.case_report": ("사례 보고", "case report"),
    "drafts.leftout.agent_note": ("상담 메모", "agent note"),
    "drafts.leftout.placeholder": ("빈칸 (가린 개인정보 등)", "placeholder (masked PII)"),
    "drafts.leftout.concession": ("일회성 예외·보상", "one-off concession"),
    "drafts.leftout.one_customer": ("특정 고객 지칭", "addresses one customer"),
    # the window of "generate drafts" (kms drafts generate --since)
    "drafts.window": ("기간", "Window"),
    "drafts.window.default": ("기본 기간 ({days}일)", "Default window ({days} days)"),
    "drafts.window.all": ("전체 기간", "All time"),
    "drafts.outside_window": (
        "해결된 티켓 {n}건이 기간 밖이라 빠졌습니다. 기간에서 '전체 기간'을 골라 다시 생성하면 포함됩니다.",
        "{n} resolved ticket(s) are older than the window and were left out; choose 'All time' and "
        "generate again to include them.",
    ),
    # kms drafts (the CLI's own wording where a page's text points at the page)
    "drafts.cli.err.author": (
        "검토자를 알 수 없습니다. 셸 사용자 이름을 확인해 주세요.",
        "Unknown reviewer; check the shell user name.",
    ),
    "drafts.cli.err.since": (
        "기간은 90d, 12w, 3m 같은 형식이나 all이어야 합니다 (최대 100년).",
        "The window is like 90d, 12w or 3m, or all (at most 100 years).",
    ),
    "drafts.cli.err.merge_target": (
        "--into 문서 ID 또는 --into-draft 초안 ID 중 하나만 주세요.",
        "Give exactly one of --into ARTICLE_ID or --into-draft DRAFT_ID.",
    ),
    "drafts.cli.tickets": ("티켓", "tickets"),
    "drafts.cli.topics": ("주제", "topics"),
    "drafts.cli.gaps": ("공백", "gaps"),
    "drafts.cli.created": ("새 초안", "created"),
    "drafts.cli.updated": ("갱신", "updated"),
    "drafts.cli.suppressed": ("반려로 보류", "suppressed"),
    "drafts.cli.skipped": ("이미 결정된 주제", "already covered by a decision"),
    "drafts.cli.outside_window": (
        "해결된 티켓 {n}건이 기간({since}) 밖이라 빠졌습니다. 포함하려면 `kms drafts generate --since all` "
        "(또는 --since 180d처럼 더 긴 기간)로 다시 실행하세요.",
        "{n} resolved ticket(s) are older than the window ({since}) and were left out; include them with "
        "`kms drafts generate --since all` (or a longer window such as --since 180d)",
    ),
    "drafts.cli.update_proposals": (
        "이 중 초안 {n}건은 새 문서 대신 기존 문서 보완을 제안합니다: {ids}",
        "{n} of these drafts propose updating an existing article instead of a new one: {ids}",
    ),
    "drafts.cli.unanswered_matched": (
        "챗봇 미응답 질문: {n}건 중 {matched}건이 초안에 연결됨",
        "{n} unanswered chatbot question(s), {matched} attached to drafts",
    ),
    "drafts.cli.see_list": ("`kms drafts list`로 확인하세요", "see them with `kms drafts list`"),
    "drafts.cli.unanswered_near": (
        "같은 기간, 이 주제에 가장 가까운 질문",
        "same window, nearest to this topic",
    ),
    "drafts.cli.review_note": ("검토 메모", "review note"),
    "drafts.cli.reasons": ("이유", "reasons"),
    "drafts.cli.dropped": ("뺀 문장", "dropped"),
    "drafts.cli.not_new": ("새 문서가 아님", "not a new article"),
    "drafts.cli.apply_hint": (
        "`kms drafts apply {id}`로 적용하세요",
        "apply it with `kms drafts apply {id}`",
    ),
    "drafts.cli.lint_override": (
        "고치지 않고 승인하려면 --override 사유를 주세요",
        "to approve anyway, give an --override reason",
    ),
    "drafts.cli.dry_run": ("미리보기, 저장하지 않음", "dry run, nothing written"),
    "drafts.cli.applied": (
        "상담 스크립트 {added}건, 주요 상황 {situations}건 추가, 제외 {skipped}건, 초안은 병합됨",
        "{added} Q/A pair(s) and {situations} situation(s) added, {skipped} left out, draft merged",
    ),
}


def text(key: str, lang: str = "ko", **values: object) -> str:
    """The message ``key`` in ``lang`` (Korean unless ``en``) with ``{name}`` placeholders filled."""
    pair = DRAFT_MESSAGES.get(key)
    message = key if pair is None else pair[1 if lang == "en" else 0]
    return message.format(**values) if values else message


def section_label(key: str, lang: str = "ko") -> str:
    """A section key (``policy``) as the article writes it (정책 / Policy)."""
    return (SECTION_LABELS_EN if lang == "en" else SECTION_LABELS_KO).get(key, key)


def error_key(exc: KmsError, *, cli: bool = False) -> str:
    """The message key of a review error, by its type and the field it names.

    ``cli=True`` prefers the CLI's own wording (``drafts.cli.err.<field>``) where there is one."""
    field = str(exc.details.get("field") or "")
    if isinstance(exc, NotFoundError):
        return "drafts.err.no_article" if "article_id" in exc.details else "drafts.err.no_draft"
    if isinstance(exc, ConflictError):
        return {"article_id": "drafts.err.article_exists", "applied": "drafts.err.applied"}.get(
            field, "drafts.err.conflict"
        )
    if field.startswith("sections.") and field.removeprefix("sections.") in SECTION_KEYS:
        return "drafts.err.section_empty"
    if cli and f"drafts.cli.err.{field}" in DRAFT_MESSAGES:
        return f"drafts.cli.err.{field}"
    return f"drafts.err.{field}" if f"drafts.err.{field}" in DRAFT_MESSAGES else "drafts.err.input"


def error_text(exc: KmsError, lang: str = "ko", *, cli: bool = False) -> str:
    """The message of a review error in ``lang``, its placeholders filled from the error's details."""
    key = error_key(exc, cli=cli)
    values: dict[str, object] = {"article_id": "", "value": ""}
    values |= {k: v for k, v in exc.details.items() if isinstance(v, str | int)}
    if key == "drafts.err.section_empty":
        values["section"] = section_label(str(exc.details["field"]).removeprefix("sections."), lang)
    return text(key, lang, **values)
