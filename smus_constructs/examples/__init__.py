"""Patterns product teams copy: subclasses of the layer constructs with a team's own defaults."""
