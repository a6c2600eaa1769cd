"""``sangloc schema``: JSON Schemas of the files people write."""

from __future__ import annotations

import click

from .report import say


@click.command()
@click.argument("kind", type=click.Choice(["profile", "pack", "catalog", "tests"]))
def schema(kind):
    """In JSON Schema của hồ sơ hoặc bộ quy tắc, để trình soạn thảo kiểm tra khi gõ.

    Ví dụ: sangloc schema profile > sangloc-profile.schema.json
    """
    from ..jsonform import dumps
    from ..pack.schemas import SCHEMAS

    say(dumps(SCHEMAS[kind]()), nl=False)
