"""Cost estimate: the three scenarios from price inputs and topology counts, and bad inputs by name."""

from __future__ import annotations

import pytest

from ansible_collections.cloudnet.privatelink.plugins.filter.endpoint_cost_estimate import endpoint_cost_estimate
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ValidationError
from ansible_collections.cloudnet.privatelink.plugins.module_utils._report.cost import estimate, prices_for

PRICES = {
    "hours_per_month": 730,
    "interface_endpoint_hour": 0.01,
    "interface_endpoint_gb": 0.01,
    "tgw_attachment_hour": 0.05,
    "tgw_gb": 0.02,
    "nat_gateway_hour": 0.045,
    "nat_gateway_gb": 0.045,
    "public_ipv4_hour": 0.005,
    "private_hosted_zone_month": 0.5,
}


def by_name(result):
    return {s["name"]: s for s in result["scenarios"]}


def test_each_scenario_by_hand():
    # 9 services in 2 zones, 3 spokes of 100 GB each, 10 private zones.
    result = estimate(
        PRICES, {"services": 9, "zones_per_endpoint": 2, "vpcs": 3, "private_zones": 10, "gb_per_vpc": 100}
    )
    s = by_name(result)
    # central: 9*2*730*0.01 = 131.40; 300*0.01 = 3; 4*730*0.05 = 146; 300*0.02 = 6; 10*0.5 = 5
    assert s["central"]["monthly"] == 291.40
    assert [line["monthly"] for line in s["central"]["lines"]] == [131.40, 3.0, 146.0, 6.0, 5.0]
    # per VPC: 3*9*2*730*0.01 = 394.20; 300*0.01 = 3
    assert s["per_vpc"]["monthly"] == 397.20
    # NAT: 3*2*730*(0.045+0.005) = 219; 300*0.045 = 13.5
    assert s["internet"]["monthly"] == 232.50
    assert result["cheapest"] == "internet" and result["traffic_gb"] == 300


def test_attachments_left_out_when_they_exist_for_other_traffic():
    with_att = by_name(
        estimate(PRICES, {"services": 9, "zones_per_endpoint": 2, "vpcs": 3, "private_zones": 10, "gb_per_vpc": 100})
    )
    without = by_name(
        estimate(
            PRICES,
            {"services": 9, "zones_per_endpoint": 2, "vpcs": 3, "private_zones": 10, "gb_per_vpc": 100},
            include_attachments=False,
        )
    )
    assert round(with_att["central"]["monthly"] - without["central"]["monthly"], 2) == 146.0
    assert "transit attachments" not in [line["item"] for line in without["central"]["lines"]]


def test_central_wins_as_vpcs_grow_and_the_formula_shows_the_numbers():
    counts = {"services": 9, "zones_per_endpoint": 2, "vpcs": 40, "private_zones": 10, "gb_per_vpc": 100}
    result = estimate(PRICES, counts, include_attachments=False)
    s = by_name(result)
    assert result["cheapest"] == "central"
    assert s["central"]["monthly"] < s["internet"]["monthly"] < s["per_vpc"]["monthly"]
    assert "40 VPCs x 9 services x 2 zones x 730 h x $0.01" in s["per_vpc"]["formula"]
    assert "4000 GB x $0.045" in s["internet"]["formula"]


def test_the_per_vpc_cost_grows_linearly_with_vpcs():
    one = by_name(
        estimate(PRICES, {"services": 5, "zones_per_endpoint": 3, "vpcs": 1, "private_zones": 5, "gb_per_vpc": 0})
    )["per_vpc"]["monthly"]
    ten = by_name(
        estimate(PRICES, {"services": 5, "zones_per_endpoint": 3, "vpcs": 10, "private_zones": 5, "gb_per_vpc": 0})
    )["per_vpc"]["monthly"]
    assert ten == pytest.approx(10 * one)


def test_region_overrides_replace_only_what_they_name():
    merged = prices_for(PRICES, {"eu-west-1": {"nat_gateway_hour": 0.048}}, "eu-west-1")
    assert merged["nat_gateway_hour"] == 0.048 and merged["tgw_gb"] == 0.02
    assert prices_for(PRICES, {"eu-west-1": {"nat_gateway_hour": 0.048}}, "us-east-1")["nat_gateway_hour"] == 0.045


@pytest.mark.parametrize(
    "prices, field",
    [
        (dict(PRICES, tgw_gb="cheap"), "report_prices.tgw_gb"),
        (dict(PRICES, nat_gateway_gb=-1), "report_prices.nat_gateway_gb"),
        ({k: v for k, v in PRICES.items() if k != "hours_per_month"}, "report_prices.hours_per_month"),
        (dict(PRICES, lambda_gb=0.2), "report_prices.lambda_gb"),
    ],
)
def test_bad_prices_name_the_field(prices, field):
    with pytest.raises(ValidationError) as err:
        prices_for(prices, {}, "us-east-1")
    assert err.value.field == field and "Fix:" in err.value.message


def test_bad_counts_name_the_field():
    with pytest.raises(ValidationError) as err:
        estimate(PRICES, {"services": 9, "zones_per_endpoint": 2, "vpcs": -1, "private_zones": 0, "gb_per_vpc": 1})
    assert err.value.field == "counts.vpcs"


def test_filter_wraps_errors_for_ansible():
    from ansible.errors import AnsibleFilterError

    out = endpoint_cost_estimate(
        {"services": 1, "zones_per_endpoint": 1, "vpcs": 1, "private_zones": 1, "gb_per_vpc": 1}, PRICES
    )
    assert out["cheapest"] in ("central", "per_vpc", "internet")
    with pytest.raises(AnsibleFilterError):
        endpoint_cost_estimate({"services": 1}, PRICES)
