"""What an installed (non-editable) greenbot holds: every package, the font and its licence."""

from __future__ import annotations

import fnmatch
import tomllib

from tests.conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


def test_every_package_is_listed() -> None:
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("bot", "scoring", "knowledge")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert found - set(SETUPTOOLS["packages"]) == set()


def test_the_font_and_its_licence_are_package_data() -> None:
    patterns = SETUPTOOLS["package-data"]["scoring"]
    for name in ("fonts/GreenbotCJK-Regular.ttf", "fonts/OFL.txt"):
        assert (ROOT / "scoring" / name).is_file()
        assert any(fnmatch.fnmatch(name, pattern) for pattern in patterns), name
    assert any(fnmatch.fnmatch("source.yaml", p) for p in SETUPTOOLS["package-data"]["knowledge"])


def test_the_web_pages_files_are_package_data() -> None:
    patterns = SETUPTOOLS["package-data"]["bot.transports.web"]
    static = ROOT / "bot" / "transports" / "web" / "static"
    names = sorted(path.name for path in static.iterdir())
    assert names == ["app.css", "app.js"]
    for name in names:
        assert any(fnmatch.fnmatch(f"static/{name}", p) for p in patterns), name
