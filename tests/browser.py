"""Headless Chromium for tests of HTML pages: the DOM it built, and a screenshot.

``chromium()`` finds the browser, installing Debian's ``chromium`` package when it is
missing and we may (root with apt-get); it skips the test, saying why, only when the
browser cannot be had. ``dump_dom`` and ``screenshot`` run one headless browser each,
with a private profile folder and no background network traffic.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

BROWSER_TIMEOUT = 120  # seconds for one page
INSTALL_TIMEOUT = 900


def chromium() -> str:
    """The path of a chromium binary; skips the calling test when none can be installed."""
    found = shutil.which("chromium")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("chromium is not installed and cannot be installed here (needs root and apt-get)")
    try:
        subprocess.run("apt-get update && apt-get install -y chromium", shell=True, capture_output=True,
                       timeout=INSTALL_TIMEOUT, check=True)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"chromium is not installed and `apt-get install -y chromium` failed: {exc}")
    found = shutil.which("chromium")
    if not found:
        pytest.skip("chromium is not installed and `apt-get install -y chromium` did not provide it")
    return found


def _run(page: Path, profile: Path, *options: str) -> subprocess.CompletedProcess[str]:
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
               *options, page.resolve().as_uri()]
    result = subprocess.run(command, capture_output=True, text=True, timeout=BROWSER_TIMEOUT)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def dump_dom(page: Path, scratch: Path) -> str:
    """The DOM Chromium built from ``page``, serialized."""
    return _run(page, scratch / "chromium-profile-dom", "--dump-dom").stdout


def screenshot(page: Path, png: Path, scratch: Path, size: tuple[int, int] = (1200, 1600)) -> tuple[int, int]:
    """Save a screenshot of ``page`` to ``png``; returns its (width, height) from the PNG header."""
    _run(page, scratch / "chromium-profile-shot", f"--screenshot={png}", f"--window-size={size[0]},{size[1]}")
    header = png.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{png} is not a PNG"
    return struct.unpack(">II", header[16:24])


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    nodes: list[Element | str] = field(default_factory=list)  # child elements and text, in document order

    @property
    def children(self) -> list[Element]:
        return [node for node in self.nodes if isinstance(node, Element)]

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Element]:
        """Descendants (self included) with this tag and/or class, in document order."""
        found = [self] if (tag in (None, self.tag) and (cls is None or cls in self.classes)) else []
        for child in self.children:
            found += child.find_all(tag, cls)
        return found

    def by_id(self, ident: str) -> Element:
        for element in self.find_all():
            if element.attrs.get("id") == ident:
                return element
        raise AssertionError(f"no element with id {ident!r}")

    @property
    def full_text(self) -> str:
        """The text of this element and its descendants, whitespace collapsed."""
        parts = [node if isinstance(node, str) else node.full_text for node in self.nodes]
        return " ".join("".join(parts).split())


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].nodes.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.stack[-1].nodes.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.stack[-1].nodes.append(data)


def parse_dom(html: str) -> Element:
    """A minimal element tree of serialized HTML (Chromium's --dump-dom output is well formed)."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root
