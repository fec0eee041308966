"""Text from files and the command line, made safe for a Rich console.

Rich reads `[...]` as markup (a value `[/]` crashed the printer, `[bold]` and `[link=...]` vanished), and a terminal
obeys control characters (an ANSI escape in a key cleared the screen and printed a forged "ALL GOOD"). Every value a
command prints goes through :func:`escape`: markup escaped, control and invisible characters shown as escapes. The
consoles are made with `emoji=False`, so `:fire:` stays text.
"""

from __future__ import annotations

from rich.markup import escape as escape_markup

from config.errors import printable


def escape(text: object) -> str:
    """``text`` for a Rich console: markup escaped, control and invisible characters escaped (newlines kept)."""
    return escape_markup(printable(str(text), keep="\n"))
