"""Cut the font the chart and the PDF report ship with: ``scoring/fonts/``.

Source: Noto Sans CJK SC Regular from Debian's ``fonts-noto-cjk`` package, read from
``/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc`` (face "Noto Sans CJK SC"), with its
licence from ``/usr/share/doc/fonts-noto-cjk/copyright``. As root::

    apt-get update && apt-get install -y fonts-noto-cjk
    .venv/bin/python tools/make_font_subset.py [--source PATH.ttc]

Kept: printable ASCII, every character of GB 2312 (so unit names typed in Chinese print), and
every character of the templates, the knowledge files and the measures' text (so every label,
caption and quote prints). Run it again whenever those change; ``tests/scoring/test_font.py``
fails until then.

The CFF outlines are turned into TrueType (quadratic, ``glyf``) outlines: matplotlib reads both,
but PDF libraries embed TrueType subsets most reliably. The family is renamed (the OFL asks a
modified font not to pass for the original), the layout and vertical-writing tables are dropped
(horizontal text, no ligatures, keeps the file small).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

from scoring.font import gb2312

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SOURCE_FACE = "Noto Sans CJK SC"
LICENCE_SOURCE = Path("/usr/share/doc/fonts-noto-cjk/copyright")
OUT_DIR = ROOT / "scoring" / "fonts"
OUT_FONT = OUT_DIR / "GreenbotCJK-Regular.ttf"
OUT_LICENCE = OUT_DIR / "OFL.txt"
FAMILY = "Greenbot CJK Subset"
PS_NAME = "GreenbotCJKSubset-Regular"
# Shown in place of a character the font lacks; typography the report and chart use.
EXTRA = "□–—‘’“”…•·×÷±≤≥→←✓％（）：；，。、《》〔〕【】"
TEXT_SOURCES = (
    ("bot/templates", ("*.j2", "*.yaml")),
    ("knowledge", ("*.yaml", "*.txt")),
)


def project_text() -> set[str]:
    chars: set[str] = set()
    for folder, patterns in TEXT_SOURCES:
        for pattern in patterns:
            for path in sorted((ROOT / folder).rglob(pattern)):
                chars |= set(path.read_text(encoding="utf-8"))
    return chars


def wanted() -> set[str]:
    chars = {chr(code) for code in range(0x20, 0x7F)} | gb2312() | project_text() | set(EXTRA)
    return {ch for ch in chars if ch.isprintable() or ch == "\u3000"}


def load_face(path: Path, face: str) -> TTFont:
    if path.suffix.lower() == ".ttc":
        for font in TTCollection(str(path)).fonts:
            if font["name"].getDebugName(1) == face:
                return font
        raise SystemExit(f"{path}: no face named {face!r}")
    return TTFont(str(path))


def to_truetype(font: TTFont) -> None:
    """CFF (cubic) outlines to glyf (quadratic) outlines, in place."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyphs.items():
        width, _ = hmtx.metrics[name]
        hmtx.metrics[name] = (width, getattr(glyph, "xMin", 0) or 0)
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 1 if attr == "maxZones" else 0)
    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller, and nothing reads them
    font.sfntVersion = "\x00\x01\x00\x00"
    font["head"].glyphDataFormat = 0


def rename(font: TTFont) -> None:
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (16, 17, 21, 22):
            names.removeNames(nameID=record.nameID)
    version = names.getDebugName(5) or ""
    for name_id, value in (
        (1, FAMILY),
        (2, "Regular"),
        (3, f"{PS_NAME};{version}"),
        (4, FAMILY),
        (6, PS_NAME),
    ):
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)
    names.setName(
        f"A subset of {SOURCE_FACE} Regular (Debian fonts-noto-cjk), TrueType outlines, "
        "for greenbot's charts and reports.",
        10,
        3,
        1,
        0x409,
    )


def licence_text(font: TTFont) -> str:
    """The font's copyright notice and the SIL OFL 1.1 as Debian ships it."""
    copyright_line = font["name"].getDebugName(0) or ""
    text = LICENCE_SOURCE.read_text(encoding="utf-8")
    match = re.search(r"^License: SIL-1\.1\n((?: .*\n)+)", text, re.MULTILINE)
    if match is None:
        raise SystemExit(f"{LICENCE_SOURCE}: no SIL-1.1 licence text found")
    body = "\n".join(
        "" if line.strip() == "." else line[1:] for line in match.group(1).splitlines()
    )
    head = (
        f"{OUT_FONT.name}: a subset of {SOURCE_FACE} Regular (Noto Sans CJK, "
        f"fonts-noto-cjk), renamed {FAMILY!r} and converted to TrueType outlines.\n\n"
        f"{copyright_line}\n\n"
        "This Font Software is licensed under the SIL Open Font License, Version 1.1.\n\n"
    )
    return head + body.strip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help=f"default: {SOURCE}")
    args = parser.parse_args(argv)
    if not args.source.is_file():
        print(
            f"{args.source}: not found; install it with "
            "`apt-get update && apt-get install -y fonts-noto-cjk` (as root)",
            file=sys.stderr,
        )
        return 2
    font = load_face(args.source, SOURCE_FACE)
    cmap = font.getBestCmap()
    chars = wanted()
    missing = sorted(ch for ch in chars if ord(ch) not in cmap)
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.drop_tables += ["vhea", "vmtx", "VORG", "GSUB", "GPOS", "GDEF", "BASE"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(ch) for ch in chars if ord(ch) in cmap])
    subsetter.subset(font)
    to_truetype(font)
    rename(font)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    font.save(str(OUT_FONT))
    OUT_LICENCE.write_text(licence_text(font), encoding="utf-8")
    kept = len(TTFont(str(OUT_FONT)).getBestCmap())
    size = OUT_FONT.stat().st_size
    print(f"{OUT_FONT.relative_to(ROOT)}: {kept} characters, {size / 1024 / 1024:.2f} MiB")
    if missing:
        shown = " ".join(f"U+{ord(ch):04X}" for ch in missing[:40])
        print(f"not in {SOURCE_FACE} (left out, {len(missing)}): {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
