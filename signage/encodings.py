"""Text files made on Chinese Windows: UTF-8 (with or without a byte-order mark) or GBK."""

from __future__ import annotations

from signage.errors import Invalid


def decode_chinese_text(raw: bytes, template: str, code: str) -> str:
    """UTF-8 first, else GB18030 (GBK's superset, as Excel and Notepad save); 422 `code`
    worded by `template` (which names the file) when it is neither."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise Invalid(template, code=code) from None
