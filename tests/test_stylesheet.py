"""styles.tcss is the app's stylesheet: one file at the top, read a section at a time.

A desk parses only the shared section and its own; a role switched to brings its section, and
its screen is styled by it; every section parses on its own, with the line numbers of the file.
"""

from __future__ import annotations

import re

import pytest
from textual.app import App
from textual.css.stylesheet import Stylesheet, StylesheetParseError

from kiosk.ui.app import ROLES
from kiosk.ui.stylesheets import SHARED, sections
from tests.support.event import ROOT

SIZE = (80, 24)


def test_styles_tcss_at_the_top_is_the_only_stylesheet_and_has_a_section_per_role():
    assert (ROOT / "styles.tcss").is_file() and not (ROOT / "styles").exists()
    assert sorted(sections()) == sorted([SHARED, *ROLES])
    assert not list((ROOT / "kiosk").rglob("*.tcss"))


def test_every_section_parses_alone_with_theme_variables_only():
    text = (ROOT / "styles.tcss").read_text(encoding="utf-8")
    # Colours come from the theme ($primary, $success-muted, ...): no hex colour in a declaration.
    assert re.findall(r":[^;{}]*#[0-9a-fA-F]{3,8}\b", text) == []
    for name, css in sections().items():
        stylesheet = Stylesheet(variables=App().get_css_variables())
        stylesheet.add_source(css, read_from=("styles.tcss", name))
        stylesheet.parse()
        assert stylesheet.rules, name


def test_a_mistake_is_reported_at_its_line_in_styles_tcss():
    rule = "#door-mode { height: 1;"
    lines = (ROOT / "styles.tcss").read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(lines, 1) if text.startswith(rule))
    stylesheet = Stylesheet(variables=App().get_css_variables())
    stylesheet.add_source(sections()["door"].replace(rule, "#door-mode { height: banana;", 1),
                          read_from=("styles.tcss", "door"))
    with pytest.raises(StylesheetParseError) as caught:
        stylesheet.parse()
    # Textual counts from 0: the error's token is on the rule's line of the file.
    assert [token.location[0] + 1 for rule_set in caught.value.errors.rules for token, _ in rule_set.errors] == [line]


async def test_a_desk_reads_only_the_shared_and_desk_sections_and_a_switch_brings_the_doors(make_app, people):
    app = make_app("desk", "11:20")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        read = [name for path, name in app.stylesheet.source if path.endswith("styles.tcss")]
        assert read == [SHARED, "desk"]
        assert app.screen.query_one("#desk-input").styles.border_top[0] == "tall"
        await pilot.press("f4")
        await pilot.pause()
        assert type(app.screen).__name__ == "DoorScreen"
        read = [name for path, name in app.stylesheet.source if path.endswith("styles.tcss")]
        assert read == [SHARED, "desk", "door"]
        # The door's own section styles it: its chooser has the padding styles.tcss gives it.
        assert app.screen.query_one("#door-chooser").styles.padding.left == 2
