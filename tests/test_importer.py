"""Import merges listings into content/papers/*.yaml: one file per paper, curator edits
untouched, nothing written unless every listing and every paper file is readable."""

from __future__ import annotations

import os
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from generator.errors import ContentError
from generator.importer import import_listings, paper_id_for
from generator.store import ContentPaths
from tests.project import (
    DISTILLING, SCALING, Rec, listing_text, run_paperwiki, tree_state,
    write_base_project, write_listing,
)

REPO = Path(__file__).resolve().parent.parent

SCALING_ID = "scaling-laws-for-downstream-task-performance-of-large-language-models"
DISTILLING_ID = "distilling-step-by-step-outperforming-larger-language-models-with-less-training"
PRETRAINED_ID = "knowledge-inheritance-for-pre-trained-language-models"
OLD_TIME = 1_600_000_000_000_000_000  # 2020-09-13, in nanoseconds


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small wiki with two listings and no paper files yet."""
    write_base_project(tmp_path / "wiki", with_papers=False)
    return tmp_path / "wiki"


def content_of(project: Path) -> Path:
    return project / "content"


def papers(project: Path) -> dict[str, str]:
    return {path.stem: path.read_text("utf-8")
            for path in sorted((content_of(project) / "papers").glob("*.yaml"))}


def load(project: Path, paper_id: str) -> dict:
    return yaml.safe_load((content_of(project) / "papers" / f"{paper_id}.yaml").read_text("utf-8"))


def import_ok(project: Path, *names: str) -> str:
    result = run_paperwiki(project, "import", *names)
    assert result.exit_code == 0 and result.exception is None, result.output
    return result.output


def age_all_files(root: Path) -> None:
    """Give every file an old modification time, so any rewrite shows in st_mtime_ns."""
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(OLD_TIME, OLD_TIME))


# --- creating papers ------------------------------------------------------------------------


def test_import_creates_one_file_per_distinct_paper(project: Path) -> None:
    output = import_ok(project)
    assert "4 records, 3 papers: 3 new, 0 updated, 0 unchanged" in output
    assert sorted(papers(project)) == sorted([SCALING_ID, DISTILLING_ID, PRETRAINED_ID])
    assert not [p for p in (content_of(project) / "papers").iterdir() if p.suffix != ".yaml"], \
        "no temporary files are left behind"


def test_new_paper_file_has_the_machine_fields_in_a_fixed_order(project: Path) -> None:
    import_ok(project)
    assert papers(project)[DISTILLING_ID] == (
        "# yaml-language-server: $schema=../../generator/schemas/paper.schema.json\n"
        "title: Distilling Step-by-Step! Outperforming Larger Language Models with Less "
        "Training Data\n"
        "abstract: 'Deploying large language models (LLMs) is challenging because they are "
        "memory inefficient. Code: https://github.com/google-research/distilling-step-by-step.'\n"
        "published: 2023-05-03\n"
        "upvotes: 2\n"
        "authors: 10\n"
        "listings:\n"
        "  - knowledge-distillation\n")


def test_paper_in_two_listings_gets_both_listing_ids(project: Path) -> None:
    import_ok(project)
    shared = load(project, PRETRAINED_ID)
    assert shared["listings"] == ["knowledge-distillation", "pretraining"]
    assert shared["organization"] == {"handle": "OPPOer", "name": "OPPO"}
    assert "authors" not in shared
    assert load(project, SCALING_ID)["listings"] == ["pretraining"]


def test_importing_one_named_listing_leaves_the_others_alone(project: Path) -> None:
    output = import_ok(project, "knowledge-distillation")
    assert "2 records, 2 papers: 2 new" in output
    assert sorted(papers(project)) == sorted([DISTILLING_ID, PRETRAINED_ID])
    assert load(project, PRETRAINED_ID)["listings"] == ["knowledge-distillation"]


def test_mirror_host_urls_are_rewritten_to_huggingface(project: Path) -> None:
    mirrored = Rec(
        "ColorFilter: Conditional Loss Reduction Filtering for Targeted Language Model "
        "Pre-training",
        "We select data with CoLoR-Filter. Data: https://hf.barry1.top/datasets/davidbrandfonbrener"
        "/color-filtered-c4, models at https://b-61j.pages.dev/McmanusChen/MCL-base. and "
        "collections at http://hf.mirrork.net/collections/zehui127 (see https://huggingface.co/"
        "papers). Code: https://github.com/davidbrandfonbrener/color-filter-olmo.",
        "  • 3 authors", "Jun 15, 2024 3")
    write_listing(content_of(project), "data-selection", "2025-12-10",
                  listing_text("Dec 10", mirrored))
    import_ok(project, "data-selection")
    [(paper_id, text)] = papers(project).items()
    abstract = yaml.safe_load(text)["abstract"]
    assert abstract == (
        "We select data with CoLoR-Filter. Data: https://huggingface.co/datasets/"
        "davidbrandfonbrener/color-filtered-c4, models at https://huggingface.co/McmanusChen/"
        "MCL-base. and collections at https://huggingface.co/collections/zehui127 (see "
        "https://huggingface.co/papers). Code: https://github.com/davidbrandfonbrener/"
        "color-filter-olmo.")
    for host in ("b-61j.pages.dev", "hf.mirrork.net", "hf.barry1.top"):
        assert host not in text


def test_copies_that_differ_only_by_mirror_host_are_one_paper(project: Path) -> None:
    via_mirror = Rec(SCALING.title, SCALING.abstract.replace(
        "https://b-61j.pages.dev/", "https://hf.mirrork.net/"), SCALING.byline, SCALING.date_line)
    direct = Rec(SCALING.title, SCALING.abstract.replace(
        "https://b-61j.pages.dev/", "https://huggingface.co/"), SCALING.byline, SCALING.date_line)
    write_listing(content_of(project), "a", "2025-12-10", listing_text("Dec 10", via_mirror))
    write_listing(content_of(project), "b", "2025-12-10", listing_text("Dec 10", direct))
    import_ok(project, "a", "b")
    paper = load(project, SCALING_ID)
    assert paper["listings"] == ["a", "b"]
    assert "https://huggingface.co/datasets/org/pile-subset." in paper["abstract"]


# --- re-import ------------------------------------------------------------------------------


def test_reimport_changes_no_file(project: Path) -> None:
    import_ok(project)
    age_all_files(project)
    before = tree_state(project)
    output = import_ok(project)
    assert "0 new, 0 updated, 3 unchanged" in output
    assert tree_state(project) == before  # same bytes and same modification times


def test_reimport_of_the_shipped_listings_changes_no_shipped_paper(tmp_path: Path) -> None:
    project = tmp_path / "shipped"
    shutil.copytree(REPO / "content", project / "content")
    (project / "mkdocs.yml").write_text("site_name: Shipped\n", "utf-8")
    age_all_files(project)
    before = tree_state(project)
    output = import_ok(project)
    papers, unchanged = re.search(r"\d+ records, (\d+) papers: 0 new, 0 updated, (\d+) unchanged",
                                  output).groups()
    assert papers == unchanged
    assert tree_state(project) == before


CURATED = """\
# yaml-language-server: $schema=../../generator/schemas/paper.schema.json
# Curated: title shortened, duplicate hidden until the merge is decided.
hidden: true
title: 'Scaling laws for downstream tasks'   # the listing's title is far too long
note: |
  Pretraining data *alignment* matters more than size.

  See also the [follow-up](https://arxiv.org/abs/2402.04177).
listings:
  - pretraining
abstract: Scaling laws provide important insights that can guide the design of large language models (LLMs). Data and models are at https://huggingface.co/datasets/org/pile-subset.

# Machine fields below.
upvotes: 4
published: 2024-02-06
authors: 6
"""


def test_curator_edits_survive_reimport_and_a_newer_capture(project: Path) -> None:
    import_ok(project, "pretraining")
    path = content_of(project) / "papers" / f"{SCALING_ID}.yaml"
    path.write_text(CURATED, "utf-8")
    age_all_files(project)
    before = tree_state(project)

    import_ok(project, "pretraining")
    assert tree_state(project) == before
    assert path.read_text("utf-8") == CURATED

    # A newer capture of the search, saved as its own listing, shows the paper again.
    write_listing(content_of(project), "pretraining-2026", "2026-01-15",
                  listing_text("Jan 15", SCALING, DISTILLING))
    output = import_ok(project, "pretraining-2026")
    assert "1 new, 1 updated" in output
    after = path.read_text("utf-8")
    assert after == CURATED.replace("  - pretraining\n",
                                    "  - pretraining\n  - pretraining-2026\n")
    assert yaml.safe_load(after)["title"] == "Scaling laws for downstream tasks"


def test_new_listing_goes_right_below_the_existing_ones(project: Path) -> None:
    import_ok(project, "pretraining")
    path = content_of(project) / "papers" / f"{SCALING_ID}.yaml"
    edited = path.read_text("utf-8") + "\n# Why this paper matters:\nnote: Read it first.\n"
    path.write_text(edited, "utf-8")
    write_listing(content_of(project), "pretraining-2026", "2026-01-15",
                  listing_text("Jan 15", SCALING))
    import_ok(project, "pretraining-2026")
    assert path.read_text("utf-8") == edited.replace("  - pretraining\n",
                                                     "  - pretraining\n  - pretraining-2026\n")


def test_curator_sequence_indentation_is_kept(project: Path) -> None:
    import_ok(project, "pretraining")
    path = content_of(project) / "papers" / f"{SCALING_ID}.yaml"
    edited = path.read_text("utf-8").replace("  - pretraining\n", "- pretraining\n") + (
        "add_topics:\n- scaling-laws\n")
    path.write_text(edited, "utf-8")
    write_listing(content_of(project), "pretraining-2026", "2026-01-15",
                  listing_text("Jan 15", SCALING))
    import_ok(project, "pretraining-2026")
    assert path.read_text("utf-8") == edited.replace("- pretraining\n",
                                                     "- pretraining\n- pretraining-2026\n")


def test_import_only_fills_what_the_file_lacks(project: Path) -> None:
    bare = Rec(SCALING.title, SCALING.abstract, date_line=None)
    write_listing(content_of(project), "early", "2025-01-10", listing_text("Jan 10", bare))
    import_ok(project, "early")
    assert set(load(project, SCALING_ID)) == {"title", "abstract", "listings"}  # upvotes unknown

    later = Rec(SCALING.title, "A different abstract.", "  • 6 authors", "Feb 6, 2024 9")
    write_listing(content_of(project), "later", "2025-12-10", listing_text("Dec 10", later))
    import_ok(project, "later")
    paper = load(project, SCALING_ID)
    assert paper["published"].isoformat() == "2024-02-06"
    assert (paper["authors"], paper["upvotes"], paper["listings"]) == (6, 9, ["early", "later"])
    assert paper["abstract"] == SCALING.abstract.replace(  # the first abstract stays
        "https://b-61j.pages.dev/", "https://huggingface.co/")

    fewer = Rec(SCALING.title, SCALING.abstract, "  • 7 authors", "Mar 1, 2024 1")
    write_listing(content_of(project), "latest", "2025-12-10", listing_text("Dec 10", fewer))
    import_ok(project, "latest")
    paper = load(project, SCALING_ID)
    assert (paper["published"].isoformat(), paper["authors"], paper["upvotes"]) == (
        "2024-02-06", 6, 9)


def test_renamed_file_with_alias_receives_the_new_sighting(project: Path) -> None:
    import_ok(project, "pretraining")
    papers_dir = content_of(project) / "papers"
    old = papers_dir / f"{SCALING_ID}.yaml"
    renamed = papers_dir / "downstream-scaling-laws.yaml"
    renamed.write_text(old.read_text("utf-8") + f"aliases: [{SCALING_ID}]\n", "utf-8")
    old.unlink()
    renamed_text = renamed.read_text("utf-8")

    import_ok(project, "pretraining")
    assert not old.exists()
    assert renamed.read_text("utf-8") == renamed_text

    write_listing(content_of(project), "pretraining-2026", "2026-01-15",
                  listing_text("Jan 15", SCALING))
    output = import_ok(project, "pretraining-2026")
    assert "0 new, 1 updated" in output
    assert not old.exists()
    assert sorted(p.stem for p in papers_dir.glob("*.yaml")) == sorted(
        ["downstream-scaling-laws", PRETRAINED_ID])
    assert renamed.read_text("utf-8") == renamed_text.replace(
        "  - pretraining\n", "  - pretraining\n  - pretraining-2026\n")


# --- nothing written on errors --------------------------------------------------------------


def test_parse_error_in_the_second_listing_writes_nothing(project: Path) -> None:
    broken = listing_text("Dec 10", SCALING, Rec("Second Paper", "Its abstract.",
                                                 "  • 2 authors", "Feb 30th, 2024"))
    write_listing(content_of(project), "zz-broken", "2025-12-10", broken)
    age_all_files(project)
    before = tree_state(project)
    result = run_paperwiki(project, "import", "pretraining", "zz-broken")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert ("content/listings/zz-broken.txt:27: cannot read the date line 'Feb 30th, 2024' — "
            in result.output)
    assert "1 problem(s) found; nothing was written." in result.output
    assert "Traceback" not in result.output
    assert tree_state(project) == before


def test_parse_error_in_the_second_listing_writes_nothing_library_call(project: Path) -> None:
    write_listing(content_of(project), "zz-broken", "2025-12-10",
                  listing_text("Dec 10", SCALING).replace("Feb 6, 2024 4", "Feb 6 2024 4 x"))
    before = tree_state(project)
    with pytest.raises(ContentError) as raised:
        import_listings(ContentPaths(content_of(project)))  # all listings, zz-broken last
    assert "content/listings/zz-broken.txt:19: cannot read the date line" in str(raised.value)
    assert tree_state(project) == before
    assert not list((content_of(project) / "papers").iterdir())


def test_paper_file_with_invalid_yaml_stops_the_import_before_writing(project: Path) -> None:
    import_ok(project, "pretraining")
    broken = content_of(project) / "papers" / "broken-by-hand.yaml"
    broken.write_text("title: A broken file\nabstract: [unclosed\n", "utf-8")
    age_all_files(project)
    before = tree_state(project)
    result = run_paperwiki(project, "import")  # would create DISTILLING and update PRETRAINED
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    lines = result.output.splitlines()
    assert any(line.startswith("content/papers/broken-by-hand.yaml:2: invalid YAML: ")
               for line in lines), result.output
    assert ("content/papers: import stopped before writing anything — fix the files above, "
            "then import again") in lines
    assert "Traceback" not in result.output
    assert tree_state(project) == before


def test_unknown_listing_name_is_reported_and_nothing_is_written(project: Path) -> None:
    before = tree_state(project)
    result = run_paperwiki(project, "import", "pretraining", "no-such-listing")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert ("content/listings/no-such-listing.txt: no such listing — put the listing text in "
            "content/listings/ and name it by id, or import a period with --day, --week or "
            "--month") in result.output.splitlines()
    assert tree_state(project) == before


# --- known problems -------------------------------------------------------------------------


def test_listing_saved_with_a_byte_order_mark_imports(project: Path) -> None:
    listings = content_of(project) / "listings"
    write_listing(content_of(project), "bom", "2025-12-10", "")
    (listings / "bom.txt").write_bytes(b"\xef\xbb\xbf" + listing_text("Dec 10", SCALING)
                                       .encode("utf-8"))
    result = run_paperwiki(project, "import", "bom")
    assert result.exit_code == 0, result.output
    assert SCALING_ID in papers(project)


LONG_A = ("Towards More Diverse and Challenging Pre-training for Point Cloud Learning: "
          "Self-Supervised Cross Reconstruction with Decoupled Views")
LONG_B = ("Towards More Diverse and Challenging Pre-training for Point Cloud Learning: "
          "Self-Supervised Masked Modelling with Coupled Views")


def test_two_papers_whose_titles_share_a_long_prefix_get_two_files(project: Path) -> None:
    assert paper_id_for(LONG_A) == paper_id_for(LONG_B)  # the cause, shown as a precondition
    write_listing(content_of(project), "point-clouds", "2025-12-10", listing_text(
        "Dec 10", Rec(LONG_A, "Point-PQAE crosses two views."),
        Rec(LONG_B, "Another method entirely.", "  • 2 authors", "Mar 3, 2025")))
    result = run_paperwiki(project, "import", "point-clouds")
    created = papers(project)
    assert result.exit_code != 0 or len(created) == 2, (result.output, list(created))


def test_round_trip_edit_keeps_line_endings_and_document_marker() -> None:
    from generator.editing import updated_paper_text

    text = "---\r\ntitle: x\r\nlistings:\r\n- a\r\n\r\n# Why:\r\nnote: y\r\n"
    assert updated_paper_text(text, {"listings": ["b"]}) == \
        "---\r\ntitle: x\r\nlistings:\r\n- a\r\n- b\r\n\r\n# Why:\r\nnote: y\r\n"


def new_listing_text_only(project: Path, listing_id: str = "agents") -> Path:
    """A listing saved on Dec 10 with no YAML beside it yet; returns where the YAML goes."""
    listings = content_of(project) / "listings"
    (listings / f"{listing_id}.txt").write_text(listing_text("Dec 10", SCALING, DISTILLING),
                                                "utf-8")
    return listings / f"{listing_id}.yaml"


def test_new_listing_yaml_is_written_from_the_options(project: Path) -> None:
    yaml_file = new_listing_text_only(project)
    output = import_ok(project, "agents", "--title", "Agents: what: next?", "--captured",
                       "2025-12-10", "--description", "Papers on agents.")
    assert "2 records, 2 papers" in output
    assert yaml_file.read_text("utf-8").startswith("# yaml-language-server: $schema=")
    assert yaml.safe_load(yaml_file.read_text("utf-8")) == {
        "title": "Agents: what: next?", "captured": date(2025, 12, 10),
        "description": "Papers on agents."}
    assert load(project, SCALING_ID)["listings"] == ["agents"]
    assert run_paperwiki(project, "check").exit_code == 0
    before = tree_state(project)
    import_ok(project, "agents")  # the written YAML is read back like a hand-written one
    assert tree_state(project) == before


def test_new_listing_that_does_not_parse_writes_no_yaml(project: Path) -> None:
    yaml_file = new_listing_text_only(project)
    before = tree_state(project)
    result = run_paperwiki(project, "import", "agents", "--title", "Agents", "--captured",
                           "2025-12-11")  # the page shows Dec 10
    assert result.exit_code == 1, result.output
    assert "the page shows capture day 'Dec 10'" in result.output
    assert not yaml_file.exists() and tree_state(project) == before


@pytest.mark.parametrize(("args", "message"), [
    (("agents", "--title", "Agents"), "needs both --title and --captured"),
    (("agents", "--captured", "2025-12-10"), "needs both --title and --captured"),
    (("agents", "pretraining", "--title", "A", "--captured", "2025-12-10"), "name exactly one"),
    (("agents", "--title", "A", "--captured", "10/12/2025"), "'10/12/2025' does not match"),
])
def test_incomplete_new_listing_options_are_usage_errors(project: Path, args: tuple[str, ...],
                                                          message: str) -> None:
    new_listing_text_only(project)
    before = tree_state(project)
    result = run_paperwiki(project, "import", *args)
    assert result.exit_code == 2 and message in result.output, result.output
    assert tree_state(project) == before


def test_existing_listing_yaml_is_never_replaced_by_the_options(project: Path) -> None:
    before = tree_state(project)
    result = run_paperwiki(project, "import", "pretraining", "--title", "Other",
                           "--captured", "2025-12-10")
    assert result.exit_code == 1
    assert "content/listings/pretraining.yaml: the listing already has a YAML" in result.output
    assert tree_state(project) == before


# --- a capture cut off mid-abstract -----------------------------------------------------------

FULL = Rec("Skill-Targeted Adaptive Training",
           "Language models often show little to no improvement when trained via vanilla "
           "supervised fine-tuning. We propose a method that targets the skills a model lacks.",
           None, None)
CUT = Rec(FULL.title, FULL.abstract[:FULL.abstract.index("a method") + len("a met")], None, None)
SKILL_ID = "skill-targeted-adaptive-training"
CUT_WARNING = ("content/listings/skills.txt:23: warning: the last record looks cut off: it has "
               "no date block and its abstract stops mid-sentence — save the page again, "
               "scrolled to its end, and import again: the whole abstract then replaces this one")


def _import_skills(project: Path, *records: Rec) -> str:
    write_listing(content_of(project), "skills", "2025-12-10", listing_text("Dec 10", *records))
    return import_ok(project, "skills")


def test_a_listing_cut_mid_abstract_is_imported_with_a_warning(project: Path) -> None:
    output = _import_skills(project, SCALING, CUT)
    assert CUT_WARNING in output.splitlines()
    assert load(project, SKILL_ID)["abstract"] == CUT.abstract


def test_a_complete_last_record_without_a_date_block_gives_no_warning(project: Path) -> None:
    output = _import_skills(project, SCALING, FULL)
    assert "warning" not in output


def test_importing_the_whole_listing_completes_the_cut_abstract(project: Path) -> None:
    _import_skills(project, SCALING, CUT)
    path = content_of(project) / "papers" / f"{SKILL_ID}.yaml"
    path.write_text(path.read_text("utf-8") + "# Read with the scaling paper.\nfeatured: true\n",
                    "utf-8")
    output = _import_skills(project, SCALING, FULL, DISTILLING)
    assert "warning" not in output
    assert load(project, SKILL_ID)["abstract"] == FULL.abstract
    assert path.read_text("utf-8").endswith("# Read with the scaling paper.\nfeatured: true\n")


def test_a_later_listing_in_the_same_import_completes_the_abstract(project: Path) -> None:
    write_listing(content_of(project), "skills", "2025-12-10", listing_text("Dec 10", SCALING, CUT))
    write_listing(content_of(project), "skills-full", "2025-12-10",
                  listing_text("Dec 10", FULL, SCALING))
    output = import_ok(project, "skills", "skills-full")
    assert CUT_WARNING in output.splitlines()
    assert load(project, SKILL_ID)["abstract"] == FULL.abstract


@pytest.mark.parametrize("edited", [
    "Language models often show little to no improvement when trained via vanilla "
    "supervised fine-tuning.",  # shortened to a sentence: a curator's choice
    CUT.abstract.replace("vanilla", "plain"),  # a word changed: no longer what the listing cut
])
def test_an_abstract_a_curator_edited_is_never_completed(project: Path, edited: str) -> None:
    _import_skills(project, SCALING, CUT)
    path = content_of(project) / "papers" / f"{SKILL_ID}.yaml"
    path.write_text(path.read_text("utf-8").replace(CUT.abstract, edited), "utf-8")
    before = tree_state(project)
    _import_skills(project, SCALING, FULL)
    assert load(project, SKILL_ID)["abstract"] == edited
    assert {name: state for name, state in tree_state(project).items()
            if name.startswith("content/papers/")} == {
        name: state for name, state in before.items() if name.startswith("content/papers/")}
