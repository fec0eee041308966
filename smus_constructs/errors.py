"""One exception type for every prop a construct refuses.

A product team that passes a bad value should learn, from the message alone, which construct refused it, which
prop, the value, and what would have been accepted - the same four facts the config loader reports for files.
"""

from __future__ import annotations


class PropValidationError(ValueError):
    """A construct prop failed a check made in the constructor, before anything was synthesised."""

    def __init__(self, construct_path: str, prop: str, value: object, accepted: str) -> None:
        self.construct_path = construct_path
        self.prop = prop
        self.value = value
        self.accepted = accepted
        super().__init__(f"{construct_path}: {prop} = {value!r} is not valid; expected {accepted}")
