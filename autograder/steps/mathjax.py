"""MathJax for feedback pages from the copy installed with the platform, so math
renders without a network.

nbconvert's pages load MathJax 2.7 from a CDN. The `jupyter-server-mathjax`
package ships MathJax 2.7 (the build Jupyter serves at
/static/jupyter_server_mathjax/), with one combined configuration and the
STIX-Web fonts. A feedback page loads it by a file:// URL: a student who opens
the page on the course machine gets math offline. A copy opened elsewhere (or
served over http, where browsers refuse file:// scripts) falls back to the CDN.
The `Safe` extension stays on either way: it disables \\href, \\class, \\style
and the like, which a student's markdown could otherwise use.

Formgrader's grading page is served by the TA's Jupyter server, which serves the
same copy at <base_url>/static/jupyter_server_mathjax/ (`served`).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import jupyter_server_mathjax

STATIC = Path(jupyter_server_mathjax.__file__).parent / "static"
CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"
CDN = f"https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/MathJax.js?config={CONFIG}"
# nbconvert's loader, which nbgrader's feedback template emits with the CDN address
_LOADER = re.compile(r'<script\s+src="[^"]*mathjax[^"]*"\s*>\s*</script>', re.IGNORECASE)
# the packaged copy has only the STIX-Web web fonts (no image fonts): use them
# rather than looking for fonts installed on the student's machine
_FONTS = ('MathJax.Hub.Config({"HTML-CSS": {availableFonts: [], preferredFont: null, '
          'webFont: "STIX-Web", imageFont: null}, showMathMenu: false});')


def local_url() -> str:
    return f"{(STATIC / 'MathJax.js').as_uri()}?config={CONFIG}"


def loader() -> str:
    fallback = json.dumps(f'<script src="{CDN}"></script>').replace("/", "\\/")
    return (f'<script type="text/x-mathjax-config">{_FONTS}</script>\n'
            f'<script src="{local_url()}"></script>\n'
            f"<script>window.MathJax || document.write({fallback});</script>")


def served(header: str, base_url: str = "") -> str:
    """Template filter: nbconvert's MathJax loader pointed at the copy the Jupyter
    server itself serves (formgrader's pages, which are http, not file://)."""
    src = f"{(base_url or '').rstrip('/')}/static/jupyter_server_mathjax/MathJax.js?config={CONFIG}"
    script = f'<script type="text/x-mathjax-config">{_FONTS}</script>\n<script src="{src}"></script>'
    return _LOADER.sub(lambda _: script, header, count=1)


def localise(header: str) -> str:
    """Template filter: the page header with nbconvert's MathJax loader replaced
    by ours (added before </head> if the header has none)."""
    if _LOADER.search(header):
        return _LOADER.sub(lambda _: loader(), header, count=1)
    return header.replace("</head>", loader() + "\n</head>", 1)
