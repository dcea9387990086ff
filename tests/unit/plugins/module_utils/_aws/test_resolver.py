"""Resolver endpoint normalisers and planners."""

from __future__ import annotations

import pytest

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws import resolver
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ValidationError

S1, S2, S3 = "subnet-0000000000000000a", "subnet-0000000000000000b", "subnet-0000000000000000c"
SG = "sg-0123456789abcdef0"


def have(subnet, ip, ip_id):
    return {"SubnetId": subnet, "Ip": ip, "IpId": ip_id}


@pytest.mark.parametrize("want,current,add,remove", [
    # any address in the subnet satisfies an entry without ip
    ([{"subnet_id": S1, "ip": None}, {"subnet_id": S2, "ip": None}],
     [have(S1, "10.0.0.5", "a"), have(S2, "10.0.1.5", "b")], [], []),
    # an exact address is kept, a new one associated, an unlisted one removed
    ([{"subnet_id": S1, "ip": "10.0.0.53"}, {"subnet_id": S3, "ip": None}],
     [have(S1, "10.0.0.53", "a"), have(S2, "10.0.1.5", "b")], [{"subnet_id": S3, "ip": None}],
     [have(S2, "10.0.1.5", "b")]),
    # an exact address differs: associate it, remove the other
    ([{"subnet_id": S1, "ip": "10.0.0.53"}], [have(S1, "10.0.0.9", "a")],
     [{"subnet_id": S1, "ip": "10.0.0.53"}], [have(S1, "10.0.0.9", "a")]),
    # exact entries are matched before free ones, so the free one takes the remaining address
    ([{"subnet_id": S1, "ip": None}, {"subnet_id": S1, "ip": "10.0.0.4"}],
     [have(S1, "10.0.0.4", "a"), have(S1, "10.0.0.9", "b")], [], []),
    # two entries in one subnet, one address: one more is associated
    ([{"subnet_id": S1, "ip": None}, {"subnet_id": S1, "ip": None}], [have(S1, "10.0.0.4", "a")],
     [{"subnet_id": S1, "ip": None}], []),
])
def test_plan_ips(want, current, add, remove):
    assert resolver.plan_ips(want, current) == (add, remove)


def test_creator_request_id_is_deterministic_and_short():
    first = resolver.creator_request_id("corp", "services-inbound")
    assert first == resolver.creator_request_id("corp", "services-inbound")
    assert first != resolver.creator_request_id("other", "services-inbound")
    assert resolver.creator_request_id("corp", "services-inbound", 1) == first + "-1" and len(first) <= 255


@pytest.mark.parametrize("ips,sgs,field", [
    ([{"subnet_id": S1}], [SG], "ip_addresses"),
    ([{"subnet_id": S1}, {"subnet_id": "sub-1"}], [SG], "ip_addresses[1].subnet_id"),
    ([{"subnet_id": S1, "ip": "10.0.0.300"}, {"subnet_id": S2}], [SG], "ip_addresses[0].ip"),
    ([{"subnet_id": S1, "ip": "10.0.0.5"}, {"subnet_id": S2, "ip": "10.0.0.5"}], [SG], "ip_addresses[1].ip"),
    ([{"subnet_id": S1}, {"subnet_id": S2}], [], "security_group_ids"),
    ([{"subnet_id": S1}, {"subnet_id": S2}], ["group-1"], "security_group_ids[0]"),
])
def test_validation(ips, sgs, field):
    with pytest.raises(ValidationError) as err:
        resolver.validate({"state": "present", "ip_addresses": ips, "security_group_ids": sgs})
    assert err.value.field == field


def test_validation_returns_canonical_entries():
    out = resolver.validate({"state": "present", "security_group_ids": [SG],
                             "ip_addresses": [{"subnet_id": S1, "ip": "10.0.0.53"}, {"subnet_id": S2}]})
    assert out == [{"subnet_id": S1, "ip": "10.0.0.53"}, {"subnet_id": S2, "ip": None}]
