"""`paperwiki serve`'s builds without its server, in a process of their own (MkDocs keeps one
plugin instance per process): ``python tests/serve_builds.py mkdocs.yml SITE incremental``
builds, then builds again for every line read, answering each build with one line (what
MkDocs and the plugin logged); ``fresh`` builds once as ``--full-rebuilds`` would."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mkdocs.commands.build import build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402

from generator.mkdocs.serving import rebuild  # noqa: E402

URL = "http://127.0.0.1:8000/paperwiki/"


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage().replace("\n", " "))


def main(config_file: str, site_dir: str, mode: str) -> None:
    def config():  # type: ignore[no-untyped-def]
        loaded = load_config(config_file=config_file, site_dir=site_dir)
        loaded.site_url = URL
        return loaded

    logged = Lines()
    logging.getLogger("mkdocs").addHandler(logged)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    first = config()
    first.plugins.on_startup(command="serve", dirty=mode == "incremental")
    if mode == "fresh":
        build(first, serve_url=URL)
        return
    rebuild(first, URL, True)
    print(" | ".join(logged.lines), flush=True)
    for _ in sys.stdin:
        logged.lines = []
        try:
            rebuild(config(), URL, True)
        except Exception:  # noqa: BLE001 - what serve does: report, go on serving
            logged.lines.append("the build failed")
        print(" | ".join(logged.lines), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
