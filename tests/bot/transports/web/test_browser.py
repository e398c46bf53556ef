"""The web chat in a real browser (Debian's chromium and chromium-driver, through Selenium),
walked as a user would: at 360 px and at desktop width, in Chinese and in English.

Screenshots go to the test's temporary folder. Without a browser these tests skip, saying so.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

try:
    from selenium import webdriver
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:  # pragma: no cover - selenium is in the test extras
    webdriver = None  # type: ignore[assignment]

pytestmark = pytest.mark.skipif(
    webdriver is None or CHROMIUM is None or CHROMEDRIVER is None,
    reason="no Chromium and chromedriver here (apt-get install chromium chromium-driver): "
    "the browser tests are skipped",
)

SIZES = {"phone": (360, 740), "desktop": (1280, 900)}
WALKS = [("zh", "phone"), ("en", "desktop"), ("en", "phone"), ("zh", "desktop")]
WORDS = {
    "zh": {
        "question": "申报绿色工厂需要什么条件？",
        "answer": "第七条",
        "verdict": "预审结论",
        "skip": "跳过",
        "unit": "北京<b>甲</b>厂<script>x()</script>",
        "skip_code": "跳过",
        "event": "更名",
        "confirm": "✅",
        "enrolled": "已登记",
        "forget_yes": "确认删除",
        "forgotten": "已删除",
    },
    "en": {
        "question": "Who can apply for the green factory list?",
        "answer": "Art",
        "verdict": "Pre-screen:",
        "skip": "Skip",
        "unit": "Beijing <b>A</b> Works<script>x()</script>",
        "skip_code": "Skip",
        "event": "Name change",
        "confirm": "✅",
        "enrolled": "nrolled",
        "forget_yes": "Yes, delete",
        "forgotten": "eleted",
    },
}


def _fetch(url: str) -> tuple[int, bytes]:
    """``(status, body)`` of a GET, as a calendar app polling the link would make it."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``greenbot serve`` as a user starts it, on a free port."""
    port = _free_port()
    folder = tmp_path_factory.mktemp("web")
    env = {**os.environ, "GREENBOT_DB": str(folder / "web.sqlite3")}
    log = (folder / "serve.log").open("wb")  # a pipe left unread would fill and stall it
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--listen", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError((folder / "serve.log").read_text()) from None
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.fixture(scope="module")
def driver() -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=zh-CN"):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER or ""), options=options)
    browser.set_page_load_timeout(30)
    yield browser
    browser.quit()


class Page:
    """The chat page as a user sees it."""

    def __init__(self, driver: WebDriver, base: str, lang: str, size: str, shots: Path) -> None:
        self.driver, self.lang, self.size, self.shots = driver, lang, size, shots
        driver.delete_all_cookies()
        driver.set_window_size(*SIZES[size])
        driver.get(f"{base}/?lang={lang}" if lang == "en" else f"{base}/")
        self.wait_reply(0)

    def wait(self, condition: Callable[[Any], Any], timeout: float = 30) -> Any:
        return WebDriverWait(self.driver, timeout).until(condition)

    def messages(self) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, "#log > li")

    def wait_reply(self, before: int) -> None:
        def done(d: Any) -> bool:
            log = d.find_element(By.ID, "log")
            count = len(d.find_elements(By.CSS_SELECTOR, "#log > li.bot, #log > li.notice"))
            return log.get_attribute("aria-busy") != "true" and count > before

        self.wait(done)

    def _bot_count(self) -> int:
        return len(self.driver.find_elements(By.CSS_SELECTOR, "#log > li.bot, #log > li.notice"))

    def say(self, text: str) -> None:
        before = self._bot_count()
        box = self.driver.find_element(By.ID, "input")
        box.click()
        box.send_keys(text)
        box.send_keys(Keys.ENTER)  # Enter sends; the keyboard is enough
        self.wait_reply(before)

    def last_text(self, count: int = 3) -> str:
        return "\n".join(m.text for m in self.messages()[-count:])

    def buttons(self) -> list[WebElement]:
        """The buttons of the last bot message that has any."""
        for message in reversed(self.messages()):
            found = message.find_elements(By.CSS_SELECTOR, ".buttons button")
            if found:
                return found
        return []

    def tap(self, part: str, keyboard: bool = False) -> None:
        [button] = [b for b in self.buttons() if part in b.text][:1]
        before = self._bot_count()
        if keyboard:
            button.send_keys(Keys.ENTER)
        else:
            button.click()
        self.wait_reply(before)

    def shot(self, name: str) -> Path:
        path = self.shots / f"{name}-{self.lang}-{self.size}.png"
        self.driver.save_screenshot(str(path))
        return path

    def fits_width(self) -> bool:
        width = self.driver.execute_script("return document.documentElement.scrollWidth")
        return int(width) <= SIZES[self.size][0]


@pytest.fixture
def page_for(driver: WebDriver, server: str, tmp_path: Path) -> Callable[[str, str], Page]:
    return lambda lang, size: Page(driver, server, lang, size, tmp_path)


@pytest.mark.parametrize(("lang", "size"), WALKS)
def test_a_question_and_an_article_button(
    page_for: Callable[[str, str], Page], lang: str, size: str
) -> None:
    page = page_for(lang, size)
    words = WORDS[lang]
    assert page.driver.find_element(By.TAG_NAME, "html").get_attribute("lang").startswith(lang)
    assert page.messages(), "the welcome is shown"
    page.say(words["question"])
    assert words["answer"] in page.last_text()
    count = len(page.messages())
    page.tap(words["answer"][:1] if lang == "zh" else "Art", keyboard=True)
    assert len(page.messages()) > count
    assert page.fits_width()
    page.shot("qa")


@pytest.mark.parametrize(("lang", "size"), WALKS[:2])
def test_the_pre_screen_to_a_verdict(
    page_for: Callable[[str, str], Page], lang: str, size: str
) -> None:
    page = page_for(lang, size)
    page.say("/prescreen")
    for _ in range(30):
        if WORDS[lang]["verdict"] in page.last_text(1):
            break
        page.buttons()[0].click()
        before = len(page.messages())
        page.wait(lambda d, n=before: len(page.messages()) >= n)
        page.wait(lambda d: d.find_element(By.ID, "log").get_attribute("aria-busy") != "true")
    assert WORDS[lang]["verdict"] in page.last_text(1)
    page.shot("verdict")


@pytest.mark.parametrize(("lang", "size"), WALKS[:2])
def test_the_quick_score_to_the_chart(
    page_for: Callable[[str, str], Page], lang: str, size: str
) -> None:
    page = page_for(lang, size)
    page.say("/score")
    for _ in range(40):
        skips = [b for b in page.buttons() if WORDS[lang]["skip"] in b.text]
        if not skips:
            break
        page.tap(WORDS[lang]["skip"])
    image = page.wait(lambda d: d.find_element(By.CSS_SELECTOR, "figure.photo img"))
    page.wait(lambda d: d.execute_script("return arguments[0].complete", image))
    assert page.driver.execute_script("return arguments[0].naturalWidth", image) > 0
    assert image.get_attribute("alt")
    assert image.size["width"] <= SIZES[size][0]
    page.driver.execute_script("arguments[0].scrollIntoView()", image)
    page.shot("chart")


@pytest.mark.parametrize(("lang", "size"), WALKS[:2])
def test_reminder_enrolment_then_forget(
    page_for: Callable[[str, str], Page], lang: str, size: str
) -> None:
    page = page_for(lang, size)
    words = WORDS[lang]
    page.say("/remind")
    page.say(words["unit"])
    # the name typed with tags is shown as typed, as text
    assert "<script>x()</script>" in page.last_text(1)
    assert not page.driver.find_elements(By.CSS_SELECTOR, "#log script, #log b b")
    page.tap(words["skip_code"])
    page.tap(words["event"])
    page.say("2026-03-01")
    page.tap(words["confirm"])
    assert words["enrolled"] in page.last_text()
    page.shot("enrolled")
    # the subscription link shown on the page serves the unit's deadlines to calendar apps
    hrefs = [
        a.get_attribute("href") or "" for a in page.messages()[-1].find_elements(By.TAG_NAME, "a")
    ]
    [feed] = [h for h in hrefs if h.startswith(("https://", "http://")) and "/cal/" in h]
    assert "webcal://" + feed.split("://", 1)[1] in hrefs  # for calendar apps to open
    status, body = _fetch(feed)
    assert status == 200 and body.startswith(b"BEGIN:VCALENDAR")
    events = Calendar.from_ical(body).walk("VEVENT")
    assert [event.decoded("dtstart") for event in events] == [date(2026, 3, 31)]
    assert "<script>x()</script>" in str(events[0]["summary"])  # the name as typed
    page.say("/forget")
    page.tap(words["forget_yes"])
    assert words["forgotten"] in page.last_text(1)
    assert _fetch(feed)[0] in (404, 410)  # forgotten: the subscription ends with the chat
    assert not [c for c in page.driver.get_cookies() if c["name"] == "greenbot_session"]
    page.say("/help")  # a new session starts by itself
    assert [c for c in page.driver.get_cookies() if c["name"] == "greenbot_session"]
    page.shot("forgotten")


def test_first_paint_is_small_and_nothing_comes_from_elsewhere(
    page_for: Callable[[str, str], Page], server: str
) -> None:
    page = page_for("zh", "phone")
    entries = page.driver.execute_script(
        "return performance.getEntriesByType('navigation')"
        ".concat(performance.getEntriesByType('resource'))"
        ".map(e => [e.name, e.transferSize || e.encodedBodySize || 0])"
    )
    assert all(name.startswith(server) for name, _ in entries), entries
    assert sum(size for _, size in entries) < 100_000
    # a screen reader hears new messages; the controls have names
    log = page.driver.find_element(By.ID, "log")
    assert log.get_attribute("aria-live") == "polite" and log.get_attribute("role") == "log"
    assert page.driver.find_element(By.CSS_SELECTOR, "label[for=input]").get_attribute(
        "textContent"
    )


def test_the_language_switch_changes_the_page_and_the_replies(
    page_for: Callable[[str, str], Page],
) -> None:
    page = page_for("zh", "phone")
    switch = page.driver.find_element(By.ID, "lang-switch")
    assert switch.text == "English"
    before = page._bot_count()
    switch.click()
    page.wait_reply(before)
    assert page.driver.find_element(By.ID, "send").text == "Send"
    assert page.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    page.say("/help")
    assert "/article" in page.last_text(1)
    try:
        page.wait(lambda d: d.find_element(By.ID, "lang-switch").text == "中文", 5)
    except TimeoutException:
        pytest.fail("the switch does not offer Chinese back")
    page.shot("english")
