"""The listing parser on one small fixture per variant of the page text, on broken pages
(each error must name the file and the exact line), and on the five shipped listings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from generator.errors import ContentError
from generator.listing import (
    ListingEntry, Organization, cut_off_warning, looks_cut, parse_listing,
)

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures" / "listings"
SEED_LISTINGS = TESTS / "fixtures" / "seeds"  # the real pages the wiki started from

DEC_10 = date(2025, 12, 10)
OCT_31 = date(2025, 10, 31)
NOV_4 = date(2025, 11, 4)

MLP = "Scaling MLPs: A Tale of Inductive Bias"
BCODER = "Value-Based Deep Reinforcement Learning for Program Synthesis"
DOWNSTREAM = "Scaling Laws for Downstream Task Performance of Large Language Models"
POINT_CLOUD = ("Towards More Diverse and Challenging Pre-training for Point Cloud Learning: "
               "Self-Supervised Cross Reconstruction with Decoupled Views")
SKILL = "Skill-Targeted Adaptive Training"


def source_of(name: str) -> str:
    """How the importer would label the fixture: relative to the project root."""
    return f"content/listings/{Path(name).name}"


def parse_fixture(name: str, captured: date) -> list[ListingEntry]:
    text = (FIXTURES / name).read_bytes().decode("utf-8")
    return parse_listing(text, source_of(name), captured)


def parse_error(name: str, captured: date) -> str:
    with pytest.raises(ContentError) as raised:
        parse_fixture(name, captured)
    assert len(raised.value.problems) == 1
    return str(raised.value.problems[0])


# --- variants -------------------------------------------------------------------------------


def test_author_count_line_including_one_authors() -> None:
    entries = parse_fixture("authors.txt", DEC_10)
    assert [(e.title, e.authors, e.organization) for e in entries] == [
        (MLP, 6, None), (BCODER, 1, None)]
    assert [e.line for e in entries] == [13, 21]


def test_organisation_line_gives_handle_and_display_name() -> None:
    entries = parse_fixture("organisation.txt", NOV_4)
    assert [(e.organization, e.authors) for e in entries] == [
        (Organization(handle="OPPOer", name="OPPO"), None),
        (Organization(handle="Salesforce", name="Salesforce"), None),
        (Organization(handle="KaLM-Embedding", name="KaLM-Embedding"), None),
    ]
    assert [(e.published, e.upvotes) for e in entries] == [
        (date(2025, 10, 22), 2), (date(2023, 5, 13), 3), (date(2025, 6, 26), 5)]


def test_record_without_metadata_followed_by_another_title() -> None:
    entries = parse_fixture("no-metadata-middle.txt", DEC_10)
    assert [e.title for e in entries] == [MLP, POINT_CLOUD, BCODER]
    bare = entries[1]
    assert (bare.published, bare.authors, bare.organization, bare.upvotes) == (None, None, None, None)
    assert bare.abstract.endswith("https://github.com/aHapBean/Point-PQAE.")
    assert bare.line == 21
    # The record after it keeps its own metadata and line.
    assert (entries[2].line, entries[2].authors, entries[2].published) == (25, 5, date(2023, 10, 4))


def test_record_without_metadata_as_the_last_record() -> None:
    entries = parse_fixture("no-metadata-last.txt", OCT_31)
    assert [e.title for e in entries] == [DOWNSTREAM, SKILL]
    assert entries[0].published == date(2024, 2, 6)
    assert (entries[1].published, entries[1].authors, entries[1].line) == (None, None, 21)
    assert entries[1].abstract.startswith('Language models often show little to no improvement '
                                          '(i.e., "saturation")')


def test_date_with_year() -> None:
    [entry] = parse_fixture("date-with-year.txt", DEC_10)
    assert (entry.published, entry.upvotes) == (date(2023, 6, 23), None)  # none shown: unknown


def test_date_without_year_is_in_the_year_of_capture_unless_after_the_capture_day() -> None:
    entries = parse_fixture("date-without-year.txt", OCT_31)
    assert [e.published for e in entries] == [
        date(2025, 1, 3),     # Jan 3: earlier this year
        date(2025, 10, 31),   # Oct 31: the capture day itself
        date(2024, 11, 1),    # Nov 1: after Oct 31, so last year
        date(2024, 12, 19),   # Dec 19: likewise
    ]


def test_the_same_yearless_date_moves_with_the_capture_year() -> None:
    entries = parse_fixture("date-without-year.txt", date(2026, 10, 31))
    assert [e.published.year for e in entries] == [2026, 2026, 2025, 2025]


def test_upvotes_after_dated_and_yearless_dates() -> None:
    entries = parse_fixture("upvotes.txt", NOV_4)
    assert [(e.published, e.upvotes) for e in entries] == [
        (date(2024, 2, 6), 4),     # Feb 6, 2024 4
        (date(2025, 1, 21), 2),    # Jan 21 2
        (date(2024, 12, 19), 11),  # Dec 19, 2024 11
        (date(2025, 3, 3), None),  # Mar 3 (no upvotes shown: unknown, not 0)
    ]


def test_titles_and_abstracts_keep_latex_ampersands_quotes_and_backticks_verbatim() -> None:
    entries = parse_fixture("special-titles.txt", DEC_10)
    assert [e.title for e in entries] == [
        r"$\mathcal{B}$-Coder: Value-Based Deep Reinforcement Learning for Program Synthesis",
        "The Hedgehog & the Porcupine: Expressive Linear Attentions with Softmax Mimicry",
        'ReactXT: Understanding Molecular "Reaction-ship" via Reaction-Contextualized '
        "Molecule-Text Pretraining",
        "Don't Stop Pretraining? Make `torch.compile` <Fast> *Again*_",
    ]
    assert entries[3].abstract.endswith("see `prompt_tuning` and <https://github.com/x/y>.")
    assert [e.line for e in entries] == [13, 21, 29, 37]


def test_last_record_without_trailing_newline() -> None:
    raw = (FIXTURES / "no-trailing-newline.txt").read_bytes()
    assert raw.endswith(b"Jul 23, 2023"), "the fixture must end without a newline"
    entries = parse_fixture("no-trailing-newline.txt", DEC_10)
    assert (entries[-1].title, entries[-1].authors, entries[-1].published) == (
        BCODER, 7, date(2023, 7, 23))
    assert entries == parse_fixture("trailing-newline.txt", DEC_10)


def test_crlf_line_endings() -> None:
    raw = (FIXTURES / "crlf.txt").read_bytes()
    assert raw.count(b"\r\n") > 20 and b"\n" not in raw.replace(b"\r\n", b""), \
        "the fixture must use CRLF line endings (check .gitattributes)"
    entries = parse_fixture("crlf.txt", NOV_4)
    assert [e.title for e in entries] == [
        DOWNSTREAM, POINT_CLOUD, "Scaling Laws for Code: A More Data-Hungry Regime"]
    assert all("\r" not in e.title + e.abstract for e in entries)
    assert [(e.line, e.published, e.upvotes) for e in entries] == [
        (13, date(2024, 2, 6), 4), (21, None, None), (25, date(2025, 10, 22), 2)]
    assert entries[2].organization == Organization("OPPOer", "OPPO")


# --- errors ---------------------------------------------------------------------------------


def test_wrong_header_names_the_line_that_differs() -> None:
    message = parse_error("errors/wrong-header.txt", DEC_10)
    assert message.startswith("content/listings/wrong-header.txt:7: expected the listing header "
                              "line 'Daily Papers' — ")


def test_capture_day_must_match_the_captured_argument() -> None:
    message = parse_error("authors.txt", date(2025, 12, 11))
    assert message == (
        "content/listings/authors.txt:11: the page shows capture day 'Dec 10' but the listing's "
        "YAML says captured: 2025-12-11 — set `captured` in the listing's YAML to the day the "
        "page was saved")


def test_capture_day_in_another_year_is_fine() -> None:
    assert len(parse_fixture("authors.txt", date(2024, 12, 10))) == 2


def test_unreadable_date_line() -> None:
    message = parse_error("errors/bad-date.txt", DEC_10)
    assert message.startswith("content/listings/bad-date.txt:27: cannot read the date line "
                              "'4 Oct 2023' — expected 'Mon D, YYYY'")


def test_abstract_split_over_two_lines() -> None:
    message = parse_error("errors/two-line-abstract.txt", DEC_10)
    assert message.startswith("content/listings/two-line-abstract.txt:23: expected a one-line "
                              "abstract, found 2 lines")


def test_metadata_block_without_title_and_abstract() -> None:
    message = parse_error("errors/metadata-without-title.txt", DEC_10)
    assert message.startswith("content/listings/metadata-without-title.txt:21: ")


def test_metadata_block_without_title_is_called_a_metadata_block() -> None:
    message = parse_error("errors/metadata-without-title.txt", DEC_10)
    what = message.split(":21: ", 1)[1].split(" — ")[0]
    assert "metadata" in what


@pytest.mark.parametrize(("line", "message"), [
    ("Feb 30, 2024", "'Feb 30, 2024' is not a real date"),
    ("February 6, 2024", "cannot read the date line 'February 6, 2024'"),
    ("Feb 6, 24", "cannot read the date line 'Feb 6, 24'"),
    ("Feb 6, 2024 4 5", "cannot read the date line 'Feb 6, 2024 4 5'"),
])
def test_more_unreadable_date_lines_point_at_the_date(line: str, message: str) -> None:
    text = (FIXTURES / "date-with-year.txt").read_text("utf-8").replace("Jun 23, 2023", line)
    with pytest.raises(ContentError) as raised:
        parse_listing(text, "content/listings/d.txt", DEC_10)
    assert str(raised.value).startswith(f"content/listings/d.txt:19: {message} — ")


def test_title_at_the_end_without_abstract() -> None:
    text = (FIXTURES / "date-with-year.txt").read_text("utf-8") + "\n\nA Dangling Title"
    with pytest.raises(ContentError) as raised:
        parse_listing(text, "content/listings/d.txt", DEC_10)
    assert str(raised.value).startswith(
        "content/listings/d.txt:21: the paper 'A Dangling Title' has no abstract — ")


def test_metadata_block_with_a_fourth_line() -> None:
    text = (FIXTURES / "date-with-year.txt").read_text("utf-8") + "\n42 comments"
    with pytest.raises(ContentError) as raised:
        parse_listing(text, "content/listings/d.txt", DEC_10)
    assert str(raised.value).startswith(
        "content/listings/d.txt:17: expected a three-line metadata block")


# --- the shipped listings -------------------------------------------------------------------


def test_the_five_seed_listings_hold_316_records_of_277_papers() -> None:
    texts = sorted(SEED_LISTINGS.glob("*.txt"))
    assert [path.stem for path in texts] == [
        "downstream-scaling", "knowledge-distillation", "multimodal-pretraining",
        "pretraining-representations", "pretraining"]
    entries = []
    for path in texts:
        info = yaml.safe_load(path.with_suffix(".yaml").read_text("utf-8"))
        captured = info["captured"]
        assert isinstance(captured, date)
        entries += parse_listing(path.read_text("utf-8"), source_of(path.name), captured)
    assert len(entries) == 316
    assert len({entry.title for entry in entries}) == 277
    # Every record has a title and an abstract; those with metadata have a date and a byline.
    assert all(entry.title and entry.abstract for entry in entries)
    dated = [entry for entry in entries if entry.published is not None]
    assert all((entry.authors is None) != (entry.organization is None) for entry in dated)
    assert {entry.organization.handle for entry in dated if entry.organization} == {
        "OPPOer", "Salesforce", "KaLM-Embedding"}


# --- a capture cut off mid-abstract ----------------------------------------------------------


@pytest.mark.parametrize(("abstract", "cut"), [
    ("We propose a met", True), ("We propose a method", True), ("Results on GLUE,", True),
    ("We propose a method.", False), ("Does it work?", False), ("It works (mostly).", False),
    ('We call it "saturation."', False), ("Code: https://github.com/x/y", False),
    ("Project page: spatial-vlm.github.io", False), ("Runs in $O(n)$", False), ("", False),
])
def test_looks_cut(abstract: str, cut: bool) -> None:
    assert looks_cut(abstract) is cut


def test_no_shipped_listing_looks_cut() -> None:
    """The five shipped listings are the real captures (the seeds): none ends mid-abstract,
    and none may be warned of."""
    for path in sorted(SEED_LISTINGS.glob("*.txt")):
        captured = yaml.safe_load(path.with_suffix(".yaml").read_text("utf-8"))["captured"]
        entries = parse_listing(path.read_text("utf-8"), source_of(path.name), captured)
        assert cut_off_warning(entries, path.name) is None, path.name


def test_a_capture_cut_mid_abstract_is_warned_of_at_the_abstract() -> None:
    text = (FIXTURES / "no-metadata-last.txt").read_text("utf-8")
    cut = text[: text.rindex(" (e.g.")]
    entries = parse_listing(cut, "cut.txt", OCT_31)
    warning = cut_off_warning(entries, "cut.txt")
    assert (warning.path, warning.line) == ("cut.txt", 23)
    assert str(warning).startswith("cut.txt:23: warning: the last record looks cut off")
    assert cut_off_warning(parse_fixture("no-metadata-last.txt", OCT_31), "x.txt") is None
