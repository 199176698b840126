"""Preview, then commit, a report read from a workbook. The single path every upload takes
(command line and upload page alike): a refused report writes nothing; a commit is one
transaction; unchanged values create no new version."""
from __future__ import annotations

from dataclasses import dataclass

from indicators import fmt
from indicators.errors import InputRefused
from indicators.store import Change


@dataclass(frozen=True)
class Preview:
    changes: list[Change]

    def counts(self) -> dict[str, int]:
        out = {"new": 0, "changed": 0, "unchanged": 0}
        for c in self.changes:
            out[c.kind] += 1
        return out


KIND_VI = {"new": "mới", "changed": "thay đổi", "unchanged": "không đổi"}


def describe(payload: dict | None, unit: str) -> str:
    if payload is None:
        return "—"
    if payload.get("text"):
        return payload["text"]
    text = fmt.with_unit(payload.get("value"), unit)
    if payload.get("numerator") is not None:
        text += f" ({fmt.num(payload['numerator'])}/{fmt.num(payload['denominator'])})"
    return text


def refuse_if_problems(parsed) -> None:
    if parsed.problems:
        raise InputRefused(
            f"Tệp {parsed.file_name} bị từ chối: {len(parsed.problems)} lỗi. Chưa ghi gì vào cơ sở dữ liệu.",
            "Sửa các ô được nêu trong tệp rồi tải lên lại.", parsed.problems)


def preview(store, parsed) -> Preview:
    refuse_if_problems(parsed)
    ident = parsed.identity
    return Preview(store.diff(ident.plan, ident.agency, ident.period, parsed.rows))


def commit(store, parsed, actor: str) -> tuple[int, dict[str, int]]:
    """Write the whole report as one submission, or nothing."""
    refuse_if_problems(parsed)
    ident = parsed.identity
    return store.record_submission(ident.plan, ident.agency, ident.period, parsed.rows, actor=actor,
                                   file_name=parsed.file_name, checksum=parsed.checksum, source="excel")
