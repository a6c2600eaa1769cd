"""The ``sangloc`` command group and the one place where errors become exit codes.

Every command raises sangloc's errors (``engine/errors.py``); :class:`SanglocGroup`
prints each as one message on stderr, in the command's language, and exits
with the error's own code, as click does for its exceptions.  Ctrl-C exits 130
with one line.
"""

from __future__ import annotations

import sys

import click

from ..errors import EXIT_INTERRUPTED, SanglocError
from . import audit, diff, explain, memo, process, rules, schema, screen, validate, workbook
from .report import say


class SanglocGroup(click.Group):
    """Turns sangloc's errors into one message on stderr and their exit code."""

    #: The arguments of this invocation, as given (recorded in the audit store).
    invoked_args: list[str] = []

    def main(self, args=None, *rest, **kwargs):
        self.invoked_args = list(sys.argv[1:] if args is None else args)
        return super().main(args, *rest, **kwargs)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SanglocError as err:
            lang = ctx.meta.get("lang", "vi")
            message = err.text(lang)
            if message:
                say(err.prefix[lang] + message, err=True)
            ctx.exit(err.exit_code)
        except KeyboardInterrupt:
            say("Đã dừng theo yêu cầu (Ctrl-C); không có kết quả nào được ghi.", err=True)
            ctx.exit(EXIT_INTERRUPTED)


@click.group(cls=SanglocGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sangloc", prog_name="sangloc")
def main():
    """sangloc — sàng lọc hồ sơ cán bộ theo bộ quy tắc (bước 1, giới thiệu nhân sự
    lần đầu ứng cử chức danh Phó Bí thư Tỉnh ủy).

    Ví dụ / example:

        sangloc screen profiles/
    """


for command in (screen.screen, explain.explain, memo.memo, validate.validate, diff.diff, schema.schema,
                audit.audit, rules.rules, process.process, workbook.template, workbook.import_, workbook.export):
    main.add_command(command)
