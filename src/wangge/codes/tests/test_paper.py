"""Paper codes: issued by those who may, looked up by a gate, reissued (the old one stops at once)
and revoked; every change audited."""

import pytest

from wangge.audit.models import AuditEntry
from wangge.codes import selectors, services
from wangge.codes.models import PaperCode
from wangge.core.errors import Forbidden, NotFound


def _lookup_code(text):
    with pytest.raises(NotFound) as refused:
        selectors.resident_for_paper_code(text)
    return refused.value.code


def test_a_paper_code_is_issued_and_a_gate_finds_its_resident(resident, grid_worker, actor):
    paper = services.paper_code_issue(actor=actor(grid_worker), resident_id=resident.pk)
    assert len(paper.code) == 12 and set(paper.code) <= set(selectors.PAPER_ALPHABET)
    assert selectors.resident_for_paper_code(paper.code) == resident
    assert selectors.resident_for_paper_code("WGP1." + paper.code) == resident
    grouped = "-".join(paper.code[i:i + 4] for i in range(0, 12, 4)).lower()
    assert selectors.resident_for_paper_code(f" {grouped} ") == resident


def test_letters_read_as_digits_find_the_same_code(resident):
    PaperCode.objects.create(resident=resident, grid_code=resident.grid_code, code="0123456789AB",
                             issued_at="2026-01-01T00:00Z")
    assert selectors.resident_for_paper_code("O1234567B9AB".replace("B9", "89")) == resident
    assert selectors.resident_for_paper_code("oI23456789ab") == resident


def test_reissuing_revokes_the_old_code_at_once(resident, grid_worker, actor):
    old = services.paper_code_issue(actor=actor(grid_worker), resident_id=resident.pk)
    new = services.paper_code_issue(actor=actor(grid_worker), resident_id=resident.pk)
    assert new.code != old.code
    assert _lookup_code(old.code) == "paper_code_revoked"
    assert selectors.resident_for_paper_code(new.code) == resident
    assert PaperCode.objects.filter(resident=resident, revoked_at__isnull=True).count() == 1


def test_a_revoked_code_is_refused_and_the_change_is_audited(resident, grid_worker, actor):
    paper = services.paper_code_issue(actor=actor(grid_worker), resident_id=resident.pk)
    assert services.paper_code_revoke(actor=actor(grid_worker), resident_id=resident.pk) == 1
    assert _lookup_code(paper.code) == "paper_code_revoked"
    entries = AuditEntry.objects.filter(object_id=str(resident.pk), field="paper_code")
    assert sorted(entries.values_list("action", flat=True)) == ["create", "update"]
    assert paper.code not in str(list(entries.values_list("changes", flat=True)))  # a credential: never logged


@pytest.mark.parametrize("text", ["", "nope", "ZZZZZZZZZZZZ", "WGP1.", "0" * 13, "\x00" * 12, "<script>"])
def test_an_unknown_code_is_refused_with_its_code(db, text):
    assert _lookup_code(text) == "paper_code_unknown"


def test_a_role_that_may_not_issue_is_refused(resident, volunteer, actor):
    with pytest.raises(Forbidden):
        services.paper_code_issue(actor=actor(volunteer), resident_id=resident.pk)
    assert not PaperCode.objects.exists()


def test_a_resident_out_of_reach_is_not_found(city, grid_worker, actor):
    with pytest.raises(NotFound):
        services.paper_code_issue(actor=actor(grid_worker), resident_id=city["residents"]["C"].pk)


def test_a_reference_finds_its_resident_and_an_unknown_one_is_coded(resident):
    issued = services.issue_token(resident)
    assert selectors.resident_for_ref(issued.ref) == resident
    for ref in ("", "x" * 40, "unknown", None):
        with pytest.raises(NotFound) as refused:
            selectors.resident_for_ref(ref)
        assert refused.value.code == "code_unknown"
