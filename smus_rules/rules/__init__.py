"""One rule per module, each exposing ``RULE``; :mod:`smus_rules.registry` lists them in ID order."""
