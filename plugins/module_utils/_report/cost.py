# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Monthly cost of reaching the catalog services three ways, from price inputs and topology counts (pure).

* central: one interface endpoint per service in the services VPC (each in ``A`` zones), the spokes reach it
  through the transit gateway (attachment hours, when counted, and data processed), one private zone per name;
* per-VPC: the same endpoints in every consumer VPC, no transit gateway in the path;
* internet egress: no endpoints; every consumer VPC reaches the public service addresses through NAT
  gateways (one per zone, each with its public IPv4 address).

Every scenario prices the same monthly traffic ``G = V x gb_per_vpc``. Gateway endpoints (S3, DynamoDB) are
free and not counted. The formula of each scenario is returned with the numbers filled in, so the report
shows how the total was reached.
"""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ValidationError

PRICE_KEYS = (
    "hours_per_month",
    "interface_endpoint_hour",
    "interface_endpoint_gb",
    "tgw_attachment_hour",
    "tgw_gb",
    "nat_gateway_hour",
    "nat_gateway_gb",
    "public_ipv4_hour",
    "private_hosted_zone_month",
)
COUNT_KEYS = ("services", "zones_per_endpoint", "vpcs", "private_zones", "gb_per_vpc")


def prices_for(prices: dict, overrides: dict | None, region: str) -> dict:
    """The default prices with the region's overrides applied, every value checked."""
    merged = dict(prices or {})
    merged.update((overrides or {}).get(region) or {})
    out = {}
    for key in PRICE_KEYS:
        value = merged.get(key)
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValidationError(
                f"report_prices.{key}",
                value,
                "is not a number",
                f"set report_prices.{key} (or report_price_overrides.{region}.{key})",
            ) from None
        if number < 0:
            raise ValidationError(f"report_prices.{key}", value, "is negative", "use the price from the AWS price list")
        out[key] = number
    unknown = sorted(set(merged) - set(PRICE_KEYS))
    if unknown:
        raise ValidationError(
            f"report_prices.{unknown[0]}",
            merged[unknown[0]],
            "is not a price the estimate uses",
            f"use {', '.join(PRICE_KEYS)}",
        )
    return out


def _money(value: float) -> float:
    return round(value + 0.0, 2)


def estimate(prices: dict, counts: dict, include_attachments: bool = True) -> dict:
    """``{scenarios: [{name, monthly, formula, lines: [{item, formula, monthly}]}], cheapest, inputs}``."""
    for key in COUNT_KEYS:
        value = counts.get(key)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            raise ValidationError(f"counts.{key}", value, "is not a count", "pass a number of zero or more")
    p, c = prices, counts
    h = p["hours_per_month"]
    s, a, v, z = int(c["services"]), int(c["zones_per_endpoint"]), int(c["vpcs"]), int(c["private_zones"])
    gb = float(c["gb_per_vpc"]) * v
    central = [
        (
            "interface endpoints",
            f"{s} services x {a} zones x {h:g} h x ${p['interface_endpoint_hour']}",
            s * a * h * p["interface_endpoint_hour"],
        ),
        ("endpoint data", f"{gb:g} GB x ${p['interface_endpoint_gb']}", gb * p["interface_endpoint_gb"]),
        ("transit data", f"{gb:g} GB x ${p['tgw_gb']}", gb * p["tgw_gb"]),
        ("private zones", f"{z} zones x ${p['private_hosted_zone_month']}", z * p["private_hosted_zone_month"]),
    ]
    if include_attachments:
        central.insert(
            2,
            (
                "transit attachments",
                f"({v} spokes + 1 services VPC) x {h:g} h x ${p['tgw_attachment_hour']}",
                (v + 1) * h * p["tgw_attachment_hour"],
            ),
        )
    per_vpc = [
        (
            "interface endpoints",
            f"{v} VPCs x {s} services x {a} zones x {h:g} h x ${p['interface_endpoint_hour']}",
            v * s * a * h * p["interface_endpoint_hour"],
        ),
        ("endpoint data", f"{gb:g} GB x ${p['interface_endpoint_gb']}", gb * p["interface_endpoint_gb"]),
    ]
    nat = [
        (
            "NAT gateways",
            f"{v} VPCs x {a} zones x {h:g} h x (${p['nat_gateway_hour']} + ${p['public_ipv4_hour']} public IPv4)",
            v * a * h * (p["nat_gateway_hour"] + p["public_ipv4_hour"]),
        ),
        ("NAT data", f"{gb:g} GB x ${p['nat_gateway_gb']}", gb * p["nat_gateway_gb"]),
    ]
    scenarios = []
    for key, title, lines in (
        ("central", "Central endpoints (this design)", central),
        ("per_vpc", "An endpoint per service in every VPC", per_vpc),
        ("internet", "Internet egress through NAT gateways", nat),
    ):
        total = sum(x[2] for x in lines)
        scenarios.append(
            {
                "name": key,
                "title": title,
                "monthly": _money(total),
                "formula": " + ".join(x[1] for x in lines),
                "lines": [{"item": x[0], "formula": x[1], "monthly": _money(x[2])} for x in lines],
            }
        )
    cheapest = min(scenarios, key=lambda x: x["monthly"])["name"]
    return {
        "scenarios": scenarios,
        "cheapest": cheapest,
        "traffic_gb": gb,
        "inputs": {"prices": p, "counts": dict(c), "include_attachments": include_attachments},
    }
