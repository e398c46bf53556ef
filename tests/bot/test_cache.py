"""The build cache: built once per change of its sources, never needed for a right answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import cache


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GREENBOT_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_built_once_then_loaded(folder: Path, tmp_path: Path) -> None:
    source = tmp_path / "data.yaml"
    source.write_text("a: 1")
    calls: list[int] = []

    def build() -> dict[str, int]:
        calls.append(1)
        return {"value": len(calls)}

    assert cache.load_or_build("thing", [source], build) == {"value": 1}
    assert cache.load_or_build("thing", [source], build) == {"value": 1}
    assert len(calls) == 1 and len(list(folder.glob("thing-*.pickle"))) == 1


def test_a_changed_source_is_a_new_build(folder: Path, tmp_path: Path) -> None:
    source = tmp_path / "data.yaml"
    source.write_text("a: 1")
    assert cache.load_or_build("thing", [source], lambda: "first") == "first"
    source.write_text("a: 2")
    assert cache.load_or_build("thing", [source], lambda: "second") == "second"


def test_an_outdated_build_is_removed_others_kept(folder: Path, tmp_path: Path) -> None:
    source = tmp_path / "data.yaml"
    source.write_text("a: 1")
    cache.load_or_build("thing", [source], lambda: "first")
    cache.load_or_build("other", [source], lambda: "kept")
    source.write_text("a: 2")
    cache.load_or_build("thing", [source], lambda: "second")
    [current] = folder.glob("thing-*.pickle")
    assert current.name.startswith("thing-") and len(list(folder.glob("other-*.pickle"))) == 1
    assert cache.load_or_build("thing", [source], lambda: "unused") == "second"


def test_a_damaged_file_is_rebuilt(folder: Path, tmp_path: Path) -> None:
    source = tmp_path / "data.yaml"
    source.write_text("a: 1")
    cache.load_or_build("thing", [source], lambda: "good")
    [stored] = folder.glob("thing-*.pickle")
    stored.write_bytes(b"not a pickle")
    assert cache.load_or_build("thing", [source], lambda: "rebuilt") == "rebuilt"
    assert cache.load_or_build("thing", [source], lambda: "unused") == "rebuilt"


def test_turned_off_or_unwritable_still_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "data.yaml"
    source.write_text("a: 1")
    monkeypatch.setenv("GREENBOT_CACHE", "off")
    assert cache.load_or_build("thing", [source], lambda: "built") == "built"
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("GREENBOT_CACHE", str(blocker / "sub"))  # cannot be a folder
    assert cache.load_or_build("thing", [source], lambda: "still") == "still"


def test_the_cached_index_answers_like_a_fresh_one(folder: Path) -> None:
    from bot.knowledge import default
    from bot.qa import QAIndex, default_index

    default_index.cache_clear()
    try:
        cached = default_index()  # built and stored
        default_index.cache_clear()
        loaded = default_index()  # read back
        fresh = QAIndex(default())
        assert loaded is not cached and loaded.kb is default()
        questions = ("老赖能申报吗", "How long after revocation can we re-apply?", "明天会下雨吗")
        for question in questions:
            assert loaded.ask(question) == fresh.ask(question)
    finally:
        default_index.cache_clear()


def test_the_qa_index_is_keyed_on_every_module_it_is_built_with(tmp_path: Path) -> None:
    """Build the index in a fresh process with no cache, and see which of the project's own
    modules that loaded: each must be in the key, or an edit to it would load a stale index."""
    import subprocess
    import sys

    code = (
        "import sys; from bot.qa import QAIndex; from bot.knowledge import default; "
        "QAIndex(default()).ask('改名了要报吗'); "
        "print('\\n'.join(m.__file__ for n, m in sys.modules.items() "
        "if n.split('.')[0] in ('bot', 'scoring') and getattr(m, '__file__', None)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"GREENBOT_CACHE": "off", "PATH": "", "HOME": str(tmp_path)},
        cwd=Path(__file__).resolve().parents[2],
    )
    loaded = {Path(line).resolve() for line in done.stdout.split()}
    keyed = {path.resolve() for path in cache.module_sources("bot.qa")}
    assert loaded and loaded <= keyed, sorted(str(p) for p in loaded - keyed)


def test_module_sources_follow_lazy_and_grouped_imports() -> None:
    names = {path.name for path in cache.module_sources("bot.qa")}
    assert {"qa.py", "qa_terms.py", "textnorm.py", "refs.py", "cache.py"} <= names
