# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only AWS state for the path trace: one reader per account, every answer cached for the run.

Every method is a describe/list/get call through ``AwsConnection`` (nothing here writes), returning the
API's own shapes so the hop logic in ``_trace/`` reads what AWS returns. Unit tests replace this class with
fakes holding the same shapes.
"""

from __future__ import annotations

import functools

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws import route53 as r53
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ApiError, NotFoundError

_GONE = ("deleted", "deleting", "failed", "rejected")


def _cached(fn):
    @functools.wraps(fn)
    def wrapper(self, *args, **kwargs):
        key = (fn.__name__, repr(args), repr(sorted(kwargs.items())))
        if key not in self._cache:
            self._cache[key] = fn(self, *args, **kwargs)
        return self._cache[key]

    return wrapper


class AwsTraceState:
    def __init__(self, conn):
        self.conn = conn
        self._cache: dict = {}

    @property
    def region(self) -> str:
        return self.conn.region

    # --- VPC ----------------------------------------------------------------------------------------

    @_cached
    def vpcs(self, vpc_ids=None, names=None) -> list:
        kwargs = {}
        if vpc_ids:
            kwargs["VpcIds"] = list(vpc_ids)
        if names:
            kwargs["Filters"] = [{"Name": "tag:Name", "Values": list(names)}]
        return self.conn.paginate("ec2", "describe_vpcs", "Vpcs", not_found=("InvalidVpcID.NotFound",), **kwargs)

    def vpc_containing(self, address):
        from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace.hops import contains

        for vpc in self.vpcs():
            cidrs = [a["CidrBlock"] for a in vpc.get("CidrBlockAssociationSet") or []] or [vpc["CidrBlock"]]
            if any(contains(c, address) for c in cidrs):
                return vpc
        return None

    @_cached
    def subnets(self, vpc_id: str) -> list:
        return self.conn.paginate(
            "ec2", "describe_subnets", "Subnets", Filters=[{"Name": "vpc-id", "Values": [vpc_id]}]
        )

    @_cached
    def route_tables(self, vpc_id: str) -> list:
        return self.conn.paginate(
            "ec2", "describe_route_tables", "RouteTables", Filters=[{"Name": "vpc-id", "Values": [vpc_id]}]
        )

    @_cached
    def network_acls(self, vpc_id: str) -> list:
        return self.conn.paginate(
            "ec2", "describe_network_acls", "NetworkAcls", Filters=[{"Name": "vpc-id", "Values": [vpc_id]}]
        )

    @_cached
    def prefix_list_entries(self, pl_id: str) -> list:
        entries = self.conn.paginate(
            "ec2",
            "get_managed_prefix_list_entries",
            "Entries",
            PrefixListId=pl_id,
            not_found=("InvalidPrefixListID.NotFound", "InvalidPrefixListId.NotFound"),
        )
        return [e["Cidr"] for e in entries]

    def prefix_list_map(self, table: dict | None) -> dict:
        ids = {
            r["DestinationPrefixListId"] for r in (table or {}).get("Routes") or [] if r.get("DestinationPrefixListId")
        }
        return {pl: self.prefix_list_entries(pl) for pl in sorted(ids)}

    def prefix_lists_of_groups(self, groups: list) -> dict:
        ids = {
            p["PrefixListId"]
            for g in groups
            for rule in g.get("IpPermissions") or []
            for p in rule.get("PrefixListIds") or []
        }
        return {pl: self.prefix_list_entries(pl) for pl in sorted(ids)}

    @_cached
    def security_groups(self, group_ids) -> list:
        if not group_ids:
            return []
        return self.conn.paginate(
            "ec2",
            "describe_security_groups",
            "SecurityGroups",
            GroupIds=list(group_ids),
            not_found=("InvalidGroup.NotFound",),
        )

    @_cached
    def network_interfaces(self, eni_ids) -> list:
        if not eni_ids:
            return []
        return self.conn.paginate(
            "ec2",
            "describe_network_interfaces",
            "NetworkInterfaces",
            NetworkInterfaceIds=list(eni_ids),
            not_found=("InvalidNetworkInterfaceID.NotFound",),
        )

    @_cached
    def eni_by_ip(self, address: str):
        found = self.conn.paginate(
            "ec2",
            "describe_network_interfaces",
            "NetworkInterfaces",
            Filters=[{"Name": "addresses.private-ip-address", "Values": [str(address)]}],
        )
        return found[0] if found else None

    # --- endpoints ----------------------------------------------------------------------------------

    @_cached
    def _endpoints(self, vpc_id: str | None = None) -> list:
        kwargs = {"Filters": [{"Name": "vpc-id", "Values": [vpc_id]}]} if vpc_id else {}
        found = self.conn.paginate("ec2", "describe_vpc_endpoints", "VpcEndpoints", **kwargs)
        return [e for e in found if str(e.get("State", "")).lower() not in _GONE]

    def endpoints(self, vpc_id: str | None = None) -> list:
        """Live endpoints of a VPC (of the region without one)."""
        return self._endpoints(vpc_id)

    def interface_endpoints(self, vpc_id: str) -> list:
        return [e for e in self._endpoints(vpc_id) if e.get("VpcEndpointType") == "Interface"]

    def gateway_endpoints(self, vpc_id: str) -> list:
        return [e for e in self._endpoints(vpc_id) if e.get("VpcEndpointType") == "Gateway"]

    def endpoint(self, endpoint_id: str):
        return next((e for e in self._endpoints() if e["VpcEndpointId"] == endpoint_id), None)

    def endpoint_by_dns_name(self, name: str):
        """``(endpoint, zone)`` whose DNS entries hold ``name``; ``zone`` is set for a zonal name."""
        want = r53.dns_name(name).lower()
        for ep in self._endpoints():
            for entry in ep.get("DnsEntries") or []:
                if r53.dns_name(entry.get("DnsName") or "").lower() == want:
                    zonal = next(
                        (z for z in self._zones_of(ep) if want.split(".", maxsplit=1)[0].endswith("-" + z)), None
                    )
                    return ep, zonal
        return None, None

    def _zones_of(self, ep: dict) -> list:
        return sorted(
            {
                s.get("AvailabilityZone")
                for s in self.subnets(ep["VpcId"])
                if s["SubnetId"] in (ep.get("SubnetIds") or [])
            }
            - {None}
        )

    def endpoint_of_eni(self, eni: dict):
        return next(
            (e for e in self._endpoints() if eni.get("NetworkInterfaceId") in (e.get("NetworkInterfaceIds") or [])),
            None,
        )

    @_cached
    def endpoint_private_dns_names(self, service_name: str | None) -> list:
        if not service_name:
            return []
        found = self.conn.call(
            "ec2", "describe_vpc_endpoint_services", ServiceNames=[service_name], not_found=("InvalidServiceName",)
        )
        details = [d for d in (found or {}).get("ServiceDetails", []) if d.get("ServiceName") == service_name]
        if not details:
            return []
        names = [n.get("PrivateDnsName") for n in details[0].get("PrivateDnsNames") or []]
        return [n for n in names or [details[0].get("PrivateDnsName")] if n]

    # --- Route 53 and Resolver ----------------------------------------------------------------------

    @_cached
    def hosted_zones_for_vpc(self, vpc_id: str, region: str) -> list:
        return r53.zones_by_vpc(self.conn, vpc_id, region)

    @_cached
    def records(self, zone_id: str):
        """Record sets of a zone, or None when this account cannot read it (another account owns it)."""
        try:
            return r53.list_records(self.conn, zone_id)
        except (ApiError, NotFoundError):
            return None

    @_cached
    def resolver_rules_for_vpc(self, vpc_id: str) -> list:
        assocs = self.conn.paginate(
            "route53resolver",
            "list_resolver_rule_associations",
            "ResolverRuleAssociations",
            Filters=[{"Name": "VPCId", "Values": [vpc_id]}],
        )
        out = []
        for assoc in assocs:
            if assoc.get("Status") not in (None, "COMPLETE", "CREATING"):
                continue
            rule = (
                self.conn.call(
                    "route53resolver",
                    "get_resolver_rule",
                    ResolverRuleId=assoc["ResolverRuleId"],
                    not_found=("ResourceNotFoundException",),
                )
                or {}
            ).get("ResolverRule")
            if rule:
                out.append(
                    {
                        "rule_id": rule["Id"],
                        "domain": rule.get("DomainName"),
                        "rule_type": rule.get("RuleType"),
                        "targets": [t.get("Ip") for t in rule.get("TargetIps") or []],
                    }
                )
        return out

    @_cached
    def inbound_resolver_endpoints(self) -> list:
        found = self.conn.paginate(
            "route53resolver",
            "list_resolver_endpoints",
            "ResolverEndpoints",
            Filters=[{"Name": "Direction", "Values": ["INBOUND"]}],
        )
        out = []
        for ep in found:
            ips = self.conn.paginate(
                "route53resolver", "list_resolver_endpoint_ip_addresses", "IpAddresses", ResolverEndpointId=ep["Id"]
            )
            out.append(
                {
                    "id": ep["Id"],
                    "name": ep.get("Name"),
                    "status": ep.get("Status"),
                    "vpc_id": ep.get("HostVPCId"),
                    "group_ids": ep.get("SecurityGroupIds") or [],
                    "ips": [{"ip": i.get("Ip"), "subnet_id": i.get("SubnetId")} for i in ips],
                }
            )
        return out

    # --- transit gateway ----------------------------------------------------------------------------

    @_cached
    def transit_gateways(self, names=None) -> list:
        kwargs = {"Filters": [{"Name": "tag:Name", "Values": list(names)}]} if names else {}
        found = self.conn.paginate("ec2", "describe_transit_gateways", "TransitGateways", **kwargs)
        return [t for t in found if t.get("State") not in _GONE]

    @_cached
    def _tgw_attachments(self) -> dict:
        found = self.conn.paginate("ec2", "describe_transit_gateway_attachments", "TransitGatewayAttachments")
        return {a["TransitGatewayAttachmentId"]: a for a in found}

    def tgw_attachment(self, attachment_id: str):
        return self._tgw_attachments().get(attachment_id)

    def tgw_attachments_of(self, resource_type: str) -> list:
        return [
            a
            for a in self._tgw_attachments().values()
            if a.get("ResourceType") == resource_type and a.get("State") not in _GONE
        ]

    @_cached
    def tgw_vpc_attachments(self, vpc_id: str) -> list:
        return self.conn.paginate(
            "ec2",
            "describe_transit_gateway_vpc_attachments",
            "TransitGatewayVpcAttachments",
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}],
        )

    def tgw_vpc_attachment(self, attachment_id: str):
        att = self.tgw_attachment(attachment_id)
        if not att or att.get("ResourceType") != "vpc":
            return None
        return next(
            (
                a
                for a in self.tgw_vpc_attachments(att["ResourceId"])
                if a["TransitGatewayAttachmentId"] == attachment_id
            ),
            None,
        )

    @_cached
    def tgw_route_table(self, table_id: str):
        found = self.conn.paginate(
            "ec2",
            "describe_transit_gateway_route_tables",
            "TransitGatewayRouteTables",
            TransitGatewayRouteTableIds=[table_id],
            not_found=("InvalidRouteTableID.NotFound",),
        )
        if not found:
            return None
        table = found[0]
        name = next((t["Value"] for t in table.get("Tags") or [] if t["Key"] == "Name"), None)
        return dict(table, name=name)

    @_cached
    def tgw_routes(self, table_id: str) -> list:
        return self.conn.paginate(
            "ec2",
            "search_transit_gateway_routes",
            "Routes",
            TransitGatewayRouteTableId=table_id,
            Filters=[{"Name": "state", "Values": ["active", "blackhole"]}],
        )

    @_cached
    def tgw_propagations(self, table_id: str) -> list:
        """Attachment ids propagating into a transit gateway route table."""
        found = self.conn.paginate(
            "ec2",
            "get_transit_gateway_route_table_propagations",
            "TransitGatewayRouteTablePropagations",
            TransitGatewayRouteTableId=table_id,
        )
        return [p["TransitGatewayAttachmentId"] for p in found if p.get("State") in ("enabled", "enabling")]

    def prefix_lists_of_tgw_routes(self, table_id: str) -> dict:
        ids = {r["PrefixListId"] for r in self.tgw_routes(table_id) if r.get("PrefixListId")}
        return {pl: self.prefix_list_entries(pl) for pl in sorted(ids)}

    # --- site-to-site VPN ----------------------------------------------------------------------------

    @_cached
    def vpn_connections(self) -> list:
        found = self.conn.call("ec2", "describe_vpn_connections").get("VpnConnections", [])
        return [v for v in found if v.get("State") not in _GONE]

    @_cached
    def customer_gateways(self) -> dict:
        found = self.conn.call("ec2", "describe_customer_gateways").get("CustomerGateways", [])
        return {c["CustomerGatewayId"]: c for c in found if c.get("State") not in _GONE}


def readers(connection_class, params: dict, hub_params: dict | None) -> dict:
    """``{aws_spoke, aws_hub}``: one reader per account (the same one when no hub connection is given)."""
    spoke = AwsTraceState(connection_class(params))
    hub = AwsTraceState(connection_class(hub_params)) if hub_params else spoke
    return {"aws_spoke": spoke, "aws_hub": hub}
