"""Headless Chromium for the explorer's tests and benchmark: selenium driving the system's Chromium
through its chromedriver (both Debian packages; nothing is downloaded), with every network event logged."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
NETWORK_SCHEMES = ("http:", "https:", "ws:", "wss:", "ftp:")


def missing() -> str | None:
    """Why no browser can be driven here (None when one can)."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    for name in ("chromium", "chromedriver"):
        if shutil.which(name) is None:
            return f"{name} is not installed (apt-get install chromium chromium-driver)"
    return None


def chromium(profile: Path, *, width: int = 1600, height: int = 1100) -> Any:
    """A headless Chromium with a fresh profile folder, performance (network) log on."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = shutil.which("chromium")
    for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    service = Service(shutil.which("chromedriver"), env={**os.environ, "SE_AVOID_STATS": "true"})
    return webdriver.Chrome(service=service, options=options)


def requests(driver: Any) -> list[dict[str, str]]:
    """Every request the browser announced since the last call: url and the document that made it."""
    out = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            params = message["params"]
            out.append({"url": params["request"]["url"], "document": params.get("documentURL", "")})
    return out
