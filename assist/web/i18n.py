"""Page labels in Korean (default) and English, and how a request picks its language.

The language is ``?lang=ko|en`` if given (remembered in a cookie), else the cookie, else the
first supported language of ``Accept-Language``, else Korean.
"""

from __future__ import annotations

from fastapi import Request

from assist.web.access_labels import ACCESS_MESSAGES
from assist.web.draft_labels import DRAFT_MESSAGES
from core.records import SECTION_LABELS_EN, SECTION_LABELS_KO

LANGS: tuple[str, ...] = ("ko", "en")
COOKIE = "kms_lang"

# key -> (Korean, English)
MESSAGES: dict[str, tuple[str, str]] = {
    # layout
    "brand": ("KMS Assist", "KMS Assist"),
    "skip": ("본문으로 건너뛰기", "Skip to content"),
    "nav.console": ("상담 콘솔", "Agent console"),
    "nav.kms": ("KMS", "KMS"),
    "nav.drafts": ("초안 검토", "Draft review"),
    "nav.eval": ("평가", "Evaluation"),
    "nav.main": ("주 메뉴", "Main menu"),
    "lang.switch": ("언어", "Language"),
    "footer.index": ("색인", "Index"),
    "footer.chunks": ("청크", "chunks"),
    "footer.model": ("모델", "model"),
    "footer.noindex": (
        "색인 없음 — `kms init --sample` 또는 `kms ingest`로 만드세요",
        "no index yet — run `kms init --sample` or `kms ingest`",
    ),
    # generic
    "search": ("검색", "Search"),
    "apply": ("적용", "Apply"),
    "all": ("전체", "All"),
    "prev": ("이전", "Previous"),
    "next": ("다음", "Next"),
    "save": ("저장", "Save"),
    "cancel": ("취소", "Cancel"),
    "close": ("닫기", "Close"),
    "score": ("점수", "score"),
    "tag": ("태그", "Tag"),
    "status": ("상태", "Status"),
    "created": ("생성", "Created"),
    "updated": ("최종 수정", "Updated"),
    "version": ("버전", "Version"),
    "none": ("없음", "none"),
    "home": ("처음으로", "Home"),
    "error.title": ("오류", "Error"),
    "error.404": ("찾을 수 없습니다", "Not found"),
    "error.400": ("입력을 확인해 주세요", "Please check your input"),
    "error.405": ("허용되지 않는 요청입니다", "Method not allowed"),
    "error.409": ("이미 처리되었습니다", "Already done"),
    "error.503": ("아직 준비되지 않았습니다", "Not ready yet"),
    "error.500": ("서버 오류", "Server error"),
    # inbox
    "inbox.title": ("티켓 인박스", "Ticket inbox"),
    "inbox.open": ("진행 중", "Open"),
    "inbox.resolved": ("해결됨", "Resolved"),
    "inbox.q": ("제목·문의·ID 검색", "Search subject, inquiry or id"),
    "inbox.tag": ("태그 필터", "Tag filter"),
    "inbox.empty": ("조건에 맞는 티켓이 없습니다.", "No tickets match."),
    "inbox.count": ("{start}–{end} / 총 {total}건", "{start}–{end} of {total}"),
    "inbox.pages": ("페이지", "Pages"),
    "col.id": ("ID", "ID"),
    "col.subject": ("제목 / 문의", "Subject / inquiry"),
    "col.channel": ("채널", "Channel"),
    "ticket.new": ("새 티켓", "New ticket"),
    "ticket.try": ("질문해 보기", "Try a question"),
    "ticket.inquiry": ("고객 문의", "Customer inquiry"),
    "ticket.resolution": ("최종 답변", "Final answer"),
    "ticket.subject": ("제목", "Subject"),
    "ticket.body": ("문의 내용", "Inquiry"),
    "ticket.channel": ("채널", "Channel"),
    "ticket.create": ("티켓 만들기", "Create ticket"),
    "ticket.resolved_at": ("해결 시각", "Resolved at"),
    "ticket.no_subject": ("(제목 없음)", "(no subject)"),
    "ticket.facts": ("티켓 정보", "Ticket facts"),
    "ticket.first_response_at": ("첫 응답 시각", "First response"),
    "ticket.reopens": ("재오픈 횟수", "Reopens"),
    "ticket.unknown": ("알 수 없음", "not known"),
    "ticket.previous_resolution": ("이전 최종 답변", "Previous final answer"),
    "ticket.reopen": ("다시 열기", "Reopen"),
    "ticket.reopen_help": (
        "고객이 다시 문의했거나 답변으로 해결되지 않았을 때: 티켓을 진행 중으로 되돌리고 재오픈 횟수를 "
        "1 늘립니다. 다시 해결할 때까지 지식 검색에서 빠집니다.",
        "When the customer wrote again or the answer did not hold: the ticket goes back to open and "
        "counts one more reopen. It leaves knowledge search until it is resolved again.",
    ),
    "channel.chat": ("채팅", "chat"),
    "channel.email": ("이메일", "email"),
    "channel.phone": ("전화", "phone"),
    "channel.web": ("웹", "web"),
    "channel.app": ("앱", "app"),
    "channel.sms": ("문자", "SMS"),
    "channel.kakao": ("카카오톡", "KakaoTalk"),
    "status.open": ("진행 중", "open"),
    "status.resolved": ("해결됨", "resolved"),
    # suggestion panel
    "sg.title": ("추천", "Suggestions"),
    "sg.confidence": ("신뢰도", "Confidence"),
    "sg.low": (
        "기준 미만 — 원문을 확인하고 직접 작성하세요",
        "below the threshold — check the sources and write the reply yourself",
    ),
    "sg.threshold": ("답변 기준 {threshold}", "answer threshold {threshold}"),
    "sg.tag": ("추천 상담태그", "Suggested tag"),
    "sg.draft": ("답변 초안", "Draft reply"),
    "sg.no_draft": ("관련 지식 없음 — 직접 작성", "No matching knowledge — write the reply yourself"),
    "sg.no_draft_help": (
        "신뢰도가 기준보다 낮아 초안을 채우지 않았습니다. 아래 가까운 문서를 참고하세요.",
        "Confidence is below the threshold, so no draft was filled in; the closest articles are below.",
    ),
    "sg.slot_help": (
        "[확인 필요: …] 부분은 고객 건을 확인한 뒤 직접 채워 주세요.",
        "Fill in the [To check: …] parts after checking this customer's case.",
    ),
    "sg.citations": ("출처", "Sources"),
    "sg.copy": ("복사", "Copy"),
    "sg.copied": ("복사했습니다", "Copied"),
    "sg.copy_failed": (
        "복사하지 못했습니다. 직접 선택해 복사하세요.",
        "Copy failed; select the text and copy it.",
    ),
    "sg.reply": ("보낼 답변 (수정 가능)", "Reply to send (editable)"),
    "sg.used": ("사용함", "Used"),
    "sg.edited": ("수정 후 사용", "Used after editing"),
    "sg.rejected": ("도움 안 됨", "Not helpful"),
    "sg.reason": ("이유 (선택)", "Reason (optional)"),
    "sg.send_rejected": ("도움 안 됨으로 보내기", "Send as not helpful"),
    "sg.resolve": ("해결", "Resolve"),
    "sg.resolve_tag": ("상담태그", "Consultation tag"),
    "sg.resolve_help": (
        "보낼 답변을 최종 답변으로 저장하고 티켓을 지식으로 만듭니다.",
        "Stores the reply as the final answer; the ticket becomes knowledge.",
    ),
    "sg.feedback_given": ("상담원 피드백", "Agent feedback"),
    "sg.no_feedback": (
        "이 티켓의 추천에는 피드백이 없습니다.",
        "No feedback was given on this ticket's suggestion.",
    ),
    "sg.reason_given": ("이유", "Reason"),
    "sg.articles": ("관련 문서", "Related articles"),
    "sg.no_articles": ("관련 문서가 없습니다.", "No related articles."),
    "sg.tickets": ("유사한 해결 티켓", "Similar resolved tickets"),
    "sg.no_tickets": ("유사한 해결 티켓이 없습니다.", "No similar resolved tickets."),
    "sg.stale": ("오래된 문서", "Stale article"),
    "sg.full_section": ("전체 섹션 보기", "Read the full section"),
    "sg.open_article": ("문서 열기", "Open article"),
    "sg.cite_source": ("출처 보기", "Show source"),
    "msg.feedback": ("피드백을 저장했습니다: {verdict}", "Feedback saved: {verdict}"),
    "msg.resolved": (
        "해결했습니다. 이 티켓은 이제 지식으로 검색됩니다.",
        "Resolved. The ticket is now searchable knowledge.",
    ),
    "msg.reopened": (
        "티켓을 다시 열었습니다. 다시 해결할 때까지 지식 검색에서 빠집니다.",
        "Ticket reopened. It leaves knowledge search until it is resolved again.",
    ),
    "msg.created": ("티켓을 만들었습니다.", "Ticket created."),
    "msg.saved": ("저장했습니다. 새 버전: v{version}", "Saved. New version: v{version}"),
    "msg.unchanged": ("변경 사항이 없습니다.", "Nothing changed."),
    # try
    "try.title": ("질문해 보기", "Try a question"),
    "try.q": ("고객 문의를 입력하세요", "Type a customer inquiry"),
    "try.submit": ("추천 받기", "Get suggestions"),
    "try.hint": (
        "임시 문의로 추천을 확인합니다. 티켓은 만들지 않습니다.",
        "Shows suggestions for an ad-hoc inquiry; no ticket is created.",
    ),
    "try.as_ticket": ("이 문의로 티켓 만들기", "Create a ticket from this"),
    # kms
    "kms.title": ("KMS 문서", "KMS articles"),
    "kms.q": ("문서 검색", "Search articles"),
    "kms.empty": ("문서가 없습니다.", "No articles."),
    "kms.results": ("검색 결과 {n}건", "{n} results"),
    "kms.count": ("문서 {n}건", "{n} articles"),
    "kms.edit": ("편집", "Edit"),
    "kms.history": ("변경 이력", "Version history"),
    "kms.diff": ("비교", "Compare"),
    "kms.diff_prev": ("이전 버전과 비교", "Compare with previous"),
    "kms.empty_section": ("(비어 있음)", "(empty)"),
    "kms.required_missing": ("필수 항목 누락", "required section missing"),
    "kms.incomplete": ("미완성: 필수 항목 {n}개 누락", "Incomplete: {n} required section(s) missing"),
    "kms.only_incomplete": ("미완성 문서만", "Incomplete only"),
    "kms.owner": ("담당", "Owner"),
    "kms.valid_until": ("유효기간", "Valid until"),
    "kms.contents": ("목차", "Contents"),
    "kms.change_note": ("변경 내용", "Change note"),
    "kms.author": ("작성자", "Author"),
    "kms.edit_title": ("문서 편집", "Edit article"),
    "kms.edit_help": (
        "저장하면 새 버전이 만들어지고 검색 색인에 바로 반영됩니다.",
        "Saving creates a new version and updates the search index at once.",
    ),
    "kms.diff_title": ("버전 비교", "Compare versions"),
    "kms.from": ("이전", "From"),
    "kms.to": ("이후", "To"),
    "kms.no_changes": ("두 버전의 내용이 같습니다.", "The two versions have the same content."),
    "kms.unchanged_sections": ("변경 없는 섹션", "Unchanged sections"),
    "kms.status.published": ("게시됨", "published"),
    "kms.status.draft": ("초안", "draft"),
    "kms.status.archived": ("보관됨", "archived"),
    "kms.status.deleted": ("삭제됨", "deleted"),
    "kms.status.all": ("전체", "all"),
    "kms.matched": ("일치 섹션", "Matched section"),
    "kms.note": ("메모", "Note"),
    # kms: colloquial-Korean lexicon
    "coll.title": ("구어체·약어 사전", "Colloquial Korean & abbreviations"),
    "coll.help": (
        "고객이 쓰는 줄임말·속어·오타를 문서의 표준 표현으로 바꿔 검색합니다(검색어에만 적용). "
        "기본 사전 {n}개 항목에 이 사이트의 항목이 더해지며, 같은 표현은 이 사이트의 항목이 우선합니다.",
        "Customers' abbreviations, slang and typos are rewritten to the articles' wording before "
        "searching (queries only). This site's entries are added to the {n} bundled ones and win over them.",
    ),
    "coll.variant": ("고객 표현", "Customer wording"),
    "coll.standard": ("표준 표현", "Standard wording"),
    "coll.add": ("추가", "Add"),
    "coll.remove": ("삭제", "Remove"),
    "coll.empty": ("이 사이트의 항목이 아직 없습니다.", "This site has no entries yet."),
    "coll.off": ("(기본 항목 끔)", "(bundled entry off)"),
    "coll.file": ("사전 파일", "Lexicon file"),
    "coll.hint": (
        "표준 표현에 '-'를 넣으면 기본 사전의 항목을 끕니다. 고객 표현 끝의 '*'는 뒤에 어미가 붙어도, "
        "앞의 '*'는 다른 말 뒤에 붙어도 맞춥니다(예: 됬* → 됐).",
        "A standard wording of '-' turns a bundled entry off. A trailing '*' also matches when an ending "
        "follows, a leading '*' when the wording ends another word (e.g. 됬* → 됐).",
    ),
    "coll.err.empty": (
        "고객 표현과 표준 표현을 모두 입력하세요.",
        "Enter both the customer and the standard wording.",
    ),
    "coll.err.control": ("탭이나 줄바꿈은 넣을 수 없습니다.", "Tabs and line breaks are not allowed."),
    "coll.err.too_long": (
        "각 표현은 {max}자 이하로 입력하세요.",
        "Each wording may have at most {max} characters.",
    ),
    "coll.err.reserved": (
        "고객 표현은 '#'으로 시작하거나 '=', '-'일 수 없습니다.",
        "A customer wording cannot start with '#' or be '=' or '-'.",
    ),
    "coll.err.marks": (
        "'*'는 고객 표현의 앞이나 끝에만 쓸 수 있습니다.",
        "'*' may only start or end a customer wording.",
    ),
    "coll.err.missing": ("삭제할 항목이 없습니다: {variant}", "No such entry: {variant}"),
    "coll.err.action": ("알 수 없는 요청입니다.", "Unknown request."),
    "coll.err.file": (
        "사전 파일을 고쳐야 저장할 수 있습니다: {detail}",
        "Fix the lexicon file first: {detail}",
    ),
    "msg.colloquial_added": (
        "사전에 저장했습니다. 다음 검색부터 적용됩니다.",
        "Saved to the lexicon; it applies from the next search.",
    ),
    "msg.colloquial_removed": ("사전에서 삭제했습니다.", "Removed from the lexicon."),
    # drafts
    "msg.approved": ("승인했습니다. 새 문서가 게시되었습니다.", "Approved. The new article is published."),
    "msg.rejected": ("반려했습니다.", "Rejected."),
    "msg.merged": ("병합했습니다.", "Merged."),
    "msg.draft_saved": ("초안을 저장했습니다.", "Draft saved."),
    "msg.drafts_generated": (
        "해결된 티켓 {tickets}건에서 반복 주제 {topics}개를 찾아 "
        "초안 {created}건을 만들고 {updated}건을 갱신했습니다.",
        "{tickets} resolved ticket(s) hold {topics} recurring topic(s): {created} draft(s) created, "
        "{updated} refreshed.",
    ),
    # eval
    "eval.title": ("평가 실행", "Evaluation runs"),
    "eval.empty": (
        "평가 실행 결과가 없습니다. `kms eval retrieval ...`로 만드세요.",
        "No evaluation runs yet; create one with `kms eval retrieval ...`.",
    ),
    "eval.run": ("실행", "Run"),
    "eval.kind": ("종류", "Kind"),
    "eval.dataset": ("데이터셋", "Dataset"),
    "eval.primary": ("주요 지표", "Primary metric"),
    "eval.date": ("날짜", "Date"),
    "eval.source": ("위치", "Source"),
    "eval.report": ("보고서", "Report"),
    "eval.baseline": ("기준선", "baseline"),
    "eval.runs": ("실행 결과", "run"),
    "eval.local": ("작업 폴더", "working folder"),
}

MESSAGES.update(ACCESS_MESSAGES)  # sign-in, navigation by role, admin pages
MESSAGES.update(DRAFT_MESSAGES)  # the article-draft review pages


def translate(key: str, lang: str, **values: object) -> str:
    """The label ``key`` in ``lang`` with ``{name}`` placeholders filled; the key itself if unknown."""
    pair = MESSAGES.get(key)
    text = key if pair is None else pair[1 if lang == "en" else 0]
    return text.format(**values) if values else text


def channel_label(channel: str | None, lang: str) -> str:
    """A ticket channel (``app``, ``chat``, ...) in ``lang``; an unknown one as written."""
    key = f"channel.{(channel or '').strip().lower()}"
    return translate(key, lang) if key in MESSAGES else (channel or "")


def section_label(key: str, lang: str) -> str:
    labels = SECTION_LABELS_EN if lang == "en" else SECTION_LABELS_KO
    return labels.get(key, key)


def pick_lang(request: Request) -> str:
    """The page language of ``request`` (see the module docstring)."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    cookie = request.cookies.get(COOKIE)
    if cookie in LANGS:
        return cookie
    header = request.headers.get("accept-language", "")
    for part in header.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGS:
            return code
    return "ko"
