"""The explorer as one self-contained HTML file: markup, style, script and data inline.

Nothing is fetched: the page names no URL to load (no ``src``/``href`` to a file or address), and its
Content-Security-Policy forbids every request (``default-src 'none'``) and allows only its own script,
by hash, so text that found its way into the markup could not run either. The data travel as JSON in a
``<script type="application/json">`` element with ``<``, ``>``, ``&`` and the line separators escaped
(no text can close the element), and the script puts every text from the data into the page with
``textContent``: a unit or indicator name is shown as written, never read as markup.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from importlib.resources import files
from typing import Any

__all__ = ["render_page", "json_for_script"]

_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ictindex {version}">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header>
<h1 id="title">{title}</h1>
<p id="subtitle"></p>
<div class="controls">
<label>Year <select id="year"></select></label>
<button type="button" id="reset">Reset weights</button>
<button type="button" id="share">Share this setting</button>
<button type="button" id="csv-ranks">Download ranks (CSV)</button>
<button type="button" id="csv-weights">Download weights (CSV)</button>
<input id="share-link" type="text" readonly hidden aria-label="Link to this setting">
</div>
<p id="status" role="status"></p>
</header>
<main>
<section aria-labelledby="weights-title"><h2 id="weights-title">Weights</h2><div id="weights"></div></section>
<section aria-labelledby="ranking-title">
<div id="map"></div>
<h2 id="ranking-title">Ranking</h2>
<p id="ranking-caption" class="note"></p>
<div class="scroll" id="ranking-scroll"><table><thead id="ranking-head"></thead>
<tbody id="ranking-body"></tbody></table></div>
<div id="chart"><canvas id="chart-canvas" role="img"
 aria-label="Index scores, best first, the score at the nominal weights marked (the table gives the numbers)">
</canvas></div>
</section>
<section aria-labelledby="profile-title"><h2 id="profile-title">Profile</h2>
<div id="profile"></div></section>
</main>
<footer><p id="source"></p><noscript>This explorer needs JavaScript.</noscript></footer>
<script type="application/json" id="ictindex-data">{data}</script>
<script>{script}</script>
</body>
</html>
"""


def json_for_script(data: Any) -> str:
    """JSON that cannot end its ``<script>`` element: ``< > &`` and U+2028/2029 as ``\\u`` escapes
    (NaN is not JSON: missing numbers must be ``None`` before this)."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for char, escape in _ESCAPES.items():
        text = text.replace(char, escape)
    return text


def _asset(name: str) -> str:
    return files("ictindex.explorer").joinpath(name).read_text(encoding="utf-8")


def render_page(data: dict[str, Any], *, title: str, version: str) -> str:
    """The page's HTML text."""
    script = _asset("explorer.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    policy = (
        "default-src 'none'; "
        f"script-src 'sha256-{digest}'; "
        "style-src 'unsafe-inline'; "
        "form-action 'none'; base-uri 'none'"
    )
    return TEMPLATE.format(
        policy=policy,
        version=html.escape(version),
        title=html.escape(title),
        style=_asset("explorer.css"),
        data=json_for_script(data),
        script=script,
    )
