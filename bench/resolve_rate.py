"""How many corpus papers ``paperwiki resolve`` identifies by title alone, and how many wrongly.

Every primary record of the corpus (those with an arXiv id) becomes a paper file holding only
its title and abstract, as a text listing leaves it; a fake Hugging Face endpoint on loopback
(``harness/fakehub.py``) serves all of them, and ``resolve`` runs over the whole wiki through the
real ``huggingface_hub`` client. A paper counts as recovered when its ``hf.arxiv`` is the
record's id; any other id is wrong. Titles that two records share once normalised cannot be
told apart by title, by design: they are reported, not counted as failures of the matcher.

    python bench/resolve_rate.py --corpus ../shared/corpus/hf_papers.jsonl [--limit N]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import yaml  # noqa: E402 - after the sys.path line above

from generator.arxiv import title_match_key  # noqa: E402
from generator.hfapi import HubClient, RateLimiter  # noqa: E402
from generator.resolve import resolve_papers  # noqa: E402
from generator.store import ContentPaths  # noqa: E402
from harness.fakehub import FakeHub  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus"
                        / "hf_papers.jsonl")
    parser.add_argument("--limit", type=int, help="only the first N primary records")
    args = parser.parse_args()
    records = [r for r in map(json.loads, args.corpus.read_text("utf-8").splitlines())
               if r.get("arxiv_id")][: args.limit]
    keys = Counter(title_match_key(r["title"]) for r in records)
    with tempfile.TemporaryDirectory() as folder, FakeHub(records) as hub:
        paths = ContentPaths(Path(folder) / "content")
        paths.papers.mkdir(parents=True)
        expected = {}
        for number, record in enumerate(records):
            paper_id = f"p{number:05d}"
            expected[paper_id] = record
            paths.paper_file(paper_id).write_text(
                f"title: {json.dumps(record['title'])}\nabstract: {json.dumps(record['abstract'])}\n",
                "utf-8")
        client = HubClient(endpoint=hub.url, limiter=RateLimiter(10**9, 1.0))
        started = time.perf_counter()
        resolve_papers(paths, client)
        seconds = time.perf_counter() - started
        tally = Counter()
        for paper_id, record in expected.items():
            hf = yaml.safe_load(paths.paper_file(paper_id).read_text("utf-8")).get("hf") or {}
            unique = keys[title_match_key(record["title"])] == 1
            outcome = ("recovered" if hf.get("arxiv") == record["arxiv_id"] else
                       "wrong" if hf.get("arxiv") else "unresolved")
            tally[(unique, outcome)] += 1
    unique_total = sum(n for (unique, _), n in tally.items() if unique)
    print(f"{len(records)} records, {unique_total} with a title no other record shares "
          f"(normalised); {len(hub.requests)} requests in {seconds:.0f} s")
    for (unique, outcome), n in sorted(tally.items()):
        share = n / (unique_total if unique else len(records) - unique_total) * 100
        print(f"  {'unique' if unique else 'shared'} titles, {outcome}: {n} ({share:.2f}%)")
    return 0 if not any(outcome == "wrong" for _, outcome in tally) else 1


if __name__ == "__main__":
    sys.exit(main())
