"""Proposed links from plan targets to registry indicators (docs/indicators.md).

A proposal rests on three things, said in its reasons: the same unit, a compatible direction
(both hard filters: registry.link_problem), and the wording. Wording similarity is rapidfuzz's
token_set_ratio over Vietnamese syllables, after dropping what differs between plans measuring
the same thing (numbers, years, units, verbs of change such as "giảm xuống dưới", "phấn đấu
đạt"). A person confirms or changes every proposal; nothing is linked automatically."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from indicators.models import Target
from indicators.registry import DIRECTION_LABEL, Indicator, Registry, direction_of, link_problem

MIN_SCORE = 62  # below this the wording is too far apart to propose anything
MARGIN = 3  # a runner-up this close is named in the reasons (the person should look twice)

# Words that say how much or which way, not what is measured.
_NOISE = {
    "phấn", "đấu", "đạt", "giảm", "tăng", "xuống", "còn", "dưới", "trên", "tối", "thiểu", "đa", "ít", "nhất",
    "duy", "trì", "mức", "so", "với", "năm", "vào", "đến", "từ", "lên", "khoảng", "hơn", "bằng", "là", "và", "các",
    "của", "được", "có", "trong", "đó", "tỷ", "lệ", "số", "tỉ", "suất", "bảo", "đảm", "nâng", "hằng",
    "hàng", "mỗi", "toàn", "tỉnh", "trước", "sau", "nay", "giai", "đoạn", "kỳ",
    "kế", "hoạch", "chỉ", "tiêu", "cơ", "bản", "phần", "trăm", "nghìn", "ngàn", "người", "cho", "đối", "theo",
    "khi", "đủ", "ở", "tại", "trở", "lại",
}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_AGE = re.compile(r"(\d+)\s*(?:-|–|đến)?\s*(\d+)?\s*tuổi")  # "dưới 5 tuổi", "10 - 18 tuổi": an age is what is measured
_LETTERS = str.maketrans("0123456789", "abcdefghij")  # "dưới 5 tuổi" -> "tuoif": a word the number filter keeps
SHORT = 4  # a part with fewer content syllables than this is read with its compound target's text
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)


def words(text: str) -> str:
    """The syllables of `text` that say what is measured (lower case, NFC, no numbers, years or
    words of amount and change)."""
    text = unicodedata.normalize("NFC", text).lower()
    text = _AGE.sub(lambda m: " tuoi" + "".join(x for x in m.groups() if x).translate(_LETTERS) + " ", text)
    text = _PUNCT.sub(" ", _NUMBER.sub(" ", text))
    return " ".join(w for w in text.split() if w not in _NOISE and not w.isdigit())


@dataclass(frozen=True)
class LinkProposal:
    code: str  # the target's code
    indicator: str | None
    score: float  # 0-100, wording similarity of the proposed indicator
    reasons: tuple[str, ...]
    runner_up: str | None = None

    def as_dict(self) -> dict:
        return {"code": self.code, "indicator": self.indicator, "score": round(self.score, 1),
                "reasons": list(self.reasons), "runner_up": self.runner_up}


def _label(i: Indicator) -> str:
    return " ".join((i.name, i.numerator))


def propose(target: Target, registry: Registry) -> LinkProposal:
    """The indicator `target` most likely measures, or none, with what the proposal rests on."""
    if target.kind == "milestone":
        return LinkProposal(target.code, None, 0.0, ("chỉ tiêu là việc cần hoàn thành, không đo bằng chỉ số",))
    fits = [i for i in registry.indicators if link_problem(target, i) is None]
    if not fits:
        return LinkProposal(target.code, None, 0.0, (f"không có chỉ số nào cùng đơn vị {target.unit} và cùng chiều",))
    query = words(target.text)
    if len(query.split()) < SHORT and target.parent_text:  # "70% trẻ em": what it counts is in the compound's text
        query = words(target.parent_text + " " + target.text)
    # token_set_ratio: shared syllables count fully, so "tỷ suất tử vong trẻ sơ sinh" matches a
    # longer sentence that contains it. Against the name alone and with the numerator's wording,
    # the better of the two; ties broken by the plain ratio of the name.
    by_name = dict((c, s) for _, s, c in process.extract(query, {i.code: words(i.name) for i in fits},
                                                         scorer=fuzz.token_set_ratio, limit=None))
    ranked = [(lab, max(s, by_name[c]), c) for lab, s, c in
              process.extract(query, {i.code: words(_label(i)) for i in fits}, scorer=fuzz.token_set_ratio, limit=None)]
    ranked.sort(key=lambda r: (-r[1], -fuzz.ratio(query, words(registry.indicator(r[2]).name))))
    best_label, best_score, best_code = ranked[0]
    if best_score < MIN_SCORE:
        return LinkProposal(target.code, None, best_score,
                            (f"lời văn không đủ giống chỉ số nào cùng đơn vị và chiều (cao nhất {best_score:.0f}/100, "
                             f"cần ≥ {MIN_SCORE}: {best_code})",))
    best = registry.indicator(best_code)
    d = direction_of(target.comparator)
    reasons = [f"cùng đơn vị ({target.unit})",
               f"cùng chiều ({DIRECTION_LABEL[best.direction]})" if d else "phép so sánh = hợp với cả hai chiều",
               f"lời văn giống {best_score:.0f}/100 (rapidfuzz token_set_ratio, đã bỏ số, năm và từ chỉ mức)"]
    runner = next((r for r in ranked[1:] if best_score - r[1] <= MARGIN), None)
    if runner is not None:
        reasons.append(f"chỉ số {runner[2]} gần bằng ({runner[1]:.0f}/100): xem kỹ trước khi xác nhận")
    return LinkProposal(target.code, best_code, best_score, tuple(reasons), runner[2] if runner else None)


def propose_all(targets: list[Target], registry: Registry) -> list[LinkProposal]:
    return [propose(t, registry) for t in targets]
