"""aws_managed_prefix_list against the sandbox; state read back through boto3."""

from __future__ import annotations

import uuid


def _name():
    return f"pl-{uuid.uuid4().hex[:8]}"


def test_four_pass_and_read_back(four_pass, ec2):
    name = _name()
    args = {"name": name, "topology": "it", "entries": [
        {"cidr": "10.100.0.0/24", "description": "endpoints a"},
        {"cidr": "10.100.1.0/24", "description": "endpoints b"},
    ]}
    result = four_pass("aws_managed_prefix_list", args, "prefix_list")
    pl_id = result["prefix_list"]["prefix_list_id"]
    entries = ec2.get_managed_prefix_list_entries(PrefixListId=pl_id)["Entries"]
    assert {(e["Cidr"], e["Description"]) for e in entries} == {
        ("10.100.0.0/24", "endpoints a"), ("10.100.1.0/24", "endpoints b")}
    tags = {t["Key"]: t["Value"] for t in ec2.describe_managed_prefix_lists(PrefixListIds=[pl_id])
            ["PrefixLists"][0]["Tags"]}
    assert tags["cloudnet:managed-by"] == "cloudnet.privatelink" and tags["cloudnet:topology"] == "it"


def test_entries_reconciled_and_grown(module, ec2):
    name = _name()
    first = module("aws_managed_prefix_list", {"name": name, "entries": [{"cidr": "10.0.0.0/24"}]})
    pl_id = first["prefix_list"]["prefix_list_id"]
    second = module("aws_managed_prefix_list", {"name": name, "entries": [
        {"cidr": "10.0.1.0/24"}, {"cidr": "10.0.2.0/24"}]})
    assert second["changed"] is True
    got = {e["Cidr"] for e in ec2.get_managed_prefix_list_entries(PrefixListId=pl_id)["Entries"]}
    assert got == {"10.0.1.0/24", "10.0.2.0/24"}
    # AWS refuses entries beyond MaxEntries and a resize combined with entry changes: resize goes first.
    modify_ops = [op for op in second["operations"] if op["action"] == "modify"]
    assert modify_ops[0].get("MaxEntries") == 2 and "AddEntries" not in modify_ops[0]
    assert "AddEntries" in modify_ops[1]
    assert second["diff"]["before"]["entries"] == [{"cidr": "10.0.0.0/24", "description": ""}]


def test_bad_cidr_fails_naming_the_field_before_any_call(module, sandbox):
    before = sandbox.mutating_calls()
    result = module("aws_managed_prefix_list", {"name": _name(), "entries": [{"cidr": "10.0.0.1/24"}]},
                    expect_failure=True)
    assert "entries[0].cidr" in result["msg"] and "10.0.0.0/24" in result["msg"]
    if before is not None:
        assert sandbox.mutating_calls() == before


def test_absent_leaves_unmanaged_lists_alone(module, ec2):
    name = _name()
    pl_id = ec2.create_managed_prefix_list(PrefixListName=name, AddressFamily="IPv4", MaxEntries=1)[
        "PrefixList"]["PrefixListId"]
    result = module("aws_managed_prefix_list", {"name": name, "state": "absent"})
    assert result["changed"] is False
    assert ec2.describe_managed_prefix_lists(PrefixListIds=[pl_id])["PrefixLists"][0]["State"] != "delete-complete"


def test_absent_deletes_managed_list(module, ec2):
    name = _name()
    module("aws_managed_prefix_list", {"name": name, "entries": [{"cidr": "10.9.0.0/24"}]})
    result = module("aws_managed_prefix_list", {"name": name, "state": "absent"})
    assert result["changed"] is True
    remaining = [p for p in ec2.describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": [name]}])["PrefixLists"]
        if p["State"] not in ("delete-complete", "delete-in-progress")]
    assert remaining == []


def test_info_reads_entries_and_filters_managed(module, ec2):
    name = _name()
    made = module("aws_managed_prefix_list", {"name": name, "topology": "info-it",
                                              "entries": [{"cidr": "10.7.0.0/24", "description": "x"}]})
    foreign = ec2.create_managed_prefix_list(PrefixListName=name + "-foreign", AddressFamily="IPv4",
                                             MaxEntries=1)["PrefixList"]["PrefixListId"]
    by_name = module("aws_managed_prefix_list_info", {"names": [name, name + "-foreign"]})["prefix_lists"]
    assert {p["prefix_list_id"] for p in by_name} == {made["prefix_list"]["prefix_list_id"], foreign}
    assert [p for p in by_name if p["name"] == name][0]["entries"] == [{"cidr": "10.7.0.0/24", "description": "x"}]
    managed = module("aws_managed_prefix_list_info", {"managed_only": True, "topology": "info-it"})["prefix_lists"]
    assert [p["prefix_list_id"] for p in managed] == [made["prefix_list"]["prefix_list_id"]]


def test_recreate_after_delete_makes_a_new_list(module, ec2):
    # AWS answers a reused ClientToken with the list it created first, even after that list was deleted.
    name = _name()
    args = {"name": name, "topology": "it", "entries": [{"cidr": "10.7.0.0/24"}]}
    first = module("aws_managed_prefix_list", args)["prefix_list"]["prefix_list_id"]
    module("aws_managed_prefix_list", dict(args, state="absent"))
    again = module("aws_managed_prefix_list", args)
    second = again["prefix_list"]["prefix_list_id"]
    assert again["changed"] is True and second != first
    live = [p for p in ec2.describe_managed_prefix_lists(Filters=[{"Name": "prefix-list-name", "Values": [name]}])
            ["PrefixLists"] if p["State"] not in ("delete-complete", "delete-in-progress")]
    assert [p["PrefixListId"] for p in live] == [second]
    assert module("aws_managed_prefix_list", args)["changed"] is False
