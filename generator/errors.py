"""The one error a command cannot continue past: a usage, setup or I/O problem, in Chinese.

Every module raises a subclass of JxjyError for "cannot continue" (never a bare ValueError or
FileNotFoundError); the CLI catches it once (exit 2) and so does the `serve` loop (it shows the
message and keeps the last good pages). Problems in the records themselves are Diagnostics, not
errors.
"""

from __future__ import annotations


class JxjyError(Exception):
    """A command cannot continue; the message is Chinese and names what to fix."""
