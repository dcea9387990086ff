# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""VPC with its DNS attributes, subnets and one optional managed route table.

Identity: the Name tag plus the ownership tags, or an explicit ``vpc_id`` (adopted: never created,
modified or deleted; only user tags are merged onto it). Subnets are matched by CIDR (their natural key in
a VPC); only subnets tagged as managed for the topology are renamed or purged.
"""

from __future__ import annotations

import hashlib
import ipaddress

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.retry import CreateOnce, DoneIfRetried
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.tags import (
    desired_tags,
    reconcile_ec2_tags,
    tag_specification,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.vpc_plan import (
    describe,
    find_managed_route_table,
    normalize_subnets,
    plan_subnets,
    subnet_item,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
    NotFoundError,
    ValidationError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    MANAGED_BY_KEY,
    MANAGED_BY_VALUE,
    TOPOLOGY_KEY,
    is_managed,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import (
    canonical_cidr,
    check_id,
    tag_list_to_dict,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.waiter import wait_until

_VPC_NOT_FOUND = ("InvalidVpcID.NotFound",)
_SUBNET_NOT_FOUND = ("InvalidSubnetID.NotFound",)
_RTB_NOT_FOUND = ("InvalidRouteTableID.NotFound",)


# --- wrappers: one per SDK call -------------------------------------------------------------------


def describe_vpcs(conn, vpc_ids=None, filters=None) -> list:
    kwargs = {}
    if vpc_ids:
        kwargs["VpcIds"] = list(vpc_ids)
    if filters:
        kwargs["Filters"] = filters
    return conn.paginate("ec2", "describe_vpcs", "Vpcs", not_found=_VPC_NOT_FOUND, **kwargs)


def describe_subnets(conn, vpc_id: str) -> list:
    return conn.paginate(
        "ec2", "describe_subnets", "Subnets", Filters=[{"Name": "vpc-id", "Values": [vpc_id]}]
    )


def describe_route_tables(conn, vpc_id: str) -> list:
    return conn.paginate(
        "ec2", "describe_route_tables", "RouteTables", Filters=[{"Name": "vpc-id", "Values": [vpc_id]}]
    )


def get_dns_attributes(conn, vpc_id: str) -> dict:
    out = {}
    for attr, key in (("enableDnsSupport", "EnableDnsSupport"), ("enableDnsHostnames", "EnableDnsHostnames")):
        resp = conn.call("ec2", "describe_vpc_attribute", VpcId=vpc_id, Attribute=attr)
        out[attr] = bool(resp.get(key, {}).get("Value"))
    return out


def ownership_filters(topology: str, name: str | None = None) -> list:
    filters = [
        {"Name": f"tag:{MANAGED_BY_KEY}", "Values": [MANAGED_BY_VALUE]},
        {"Name": f"tag:{TOPOLOGY_KEY}", "Values": [topology]},
    ]
    if name:
        filters.append({"Name": "tag:Name", "Values": [name]})
    return filters


def info_filters(names=None, tags=None, filters=None) -> list:
    """DescribeX filters from the info modules' names/tags/filters options."""
    out = []
    if names:
        out.append({"Name": "tag:Name", "Values": [str(n) for n in names]})
    for key, value in sorted((tags or {}).items()):
        out.append({"Name": f"tag:{key}", "Values": [str(value)]})
    for key, value in sorted((filters or {}).items()):
        values = value if isinstance(value, list) else [value]
        out.append({"Name": str(key), "Values": [str(v) for v in values]})
    return out


def read_vpc(conn, vpc: dict, topology: str | None = None) -> dict:
    """The result shape for one VPC as the info module returns it."""
    subnets = sorted((subnet_item(s) for s in describe_subnets(conn, vpc["VpcId"])), key=lambda s: s["cidr"])
    rtb = find_managed_route_table(describe_route_tables(conn, vpc["VpcId"]), topology) if topology else None
    return describe(
        vpc, get_dns_attributes(conn, vpc["VpcId"]), subnets, rtb["RouteTableId"] if rtb else None
    )


# --- manager ---------------------------------------------------------------------------------------


class VpcManager:
    def __init__(self, conn, params: dict, check_mode: bool):
        self.conn = conn
        self.p = params
        self.changes = Changes(check_mode)
        self.warnings: list = []

    def validate(self) -> tuple:
        p = self.p
        if p.get("vpc_id"):
            check_id(p["vpc_id"], "vpc", "vpc_id")
        cidr = canonical_cidr(p["cidr_block"], "cidr_block") if p.get("cidr_block") else None
        if cidr and not 16 <= ipaddress.ip_network(cidr).prefixlen <= 28:
            raise ValidationError(
                "cidr_block",
                cidr,
                "has a prefix length outside /16../28",
                "use a prefix length between /16 and /28",
            )
        if p["state"] == "present" and not p.get("vpc_id") and not cidr:
            raise ValidationError(
                "cidr_block",
                None,
                "is required to create a VPC by name",
                "set cidr_block, or give vpc_id to use an existing VPC",
            )
        if p.get("enable_dns_hostnames") and p.get("enable_dns_support") is False:
            raise ValidationError(
                "enable_dns_hostnames",
                True,
                "needs enable_dns_support",
                "set enable_dns_support: true or enable_dns_hostnames: false",
            )
        rtb = p.get("route_table") or {}
        if p.get("route_table") is not None and not (rtb.get("name") or "").strip():
            raise ValidationError("route_table.name", rtb.get("name"), "is empty", "name the route table")
        return cidr, normalize_subnets(p.get("subnets"), cidr)

    def _find(self):
        if self.p.get("vpc_id"):
            found = describe_vpcs(self.conn, vpc_ids=[self.p["vpc_id"]])
            if not found:
                raise NotFoundError(
                    f"vpc_id: VPC {self.p['vpc_id']} does not exist. Fix: give an existing VPC id."
                )
            return found[0]
        found = describe_vpcs(self.conn, filters=ownership_filters(self.p["topology"], self.p["name"]))
        found = sorted(found, key=lambda v: v["VpcId"])
        if len(found) > 1:
            raise ConflictError(
                f"name: {len(found)} managed VPCs are named {self.p['name']!r} in topology "
                f"{self.p['topology']!r}: {[v['VpcId'] for v in found]}. Fix: delete the extra ones."
            )
        return found[0] if found else None

    def ensure(self) -> dict:
        cidr, want_subnets = self.validate()
        have = self._find()
        if self.p["state"] == "absent":
            return self._absent(have)
        if have is None:
            vpc_id = self._create(cidr)
            before, have_tags, dns, managed = None, None, {}, True
            have_subnets, have_tables = [], []
        else:
            vpc_id = have["VpcId"]
            if cidr and have.get("CidrBlock") != cidr:
                raise ConflictError(
                    f"cidr_block: VPC {vpc_id} has CIDR {have.get('CidrBlock')}, not {cidr}; the "
                    "primary CIDR cannot change. Fix: set cidr_block to the existing CIDR."
                )
            managed = is_managed(tag_list_to_dict(have.get("Tags")), self.p["topology"])
            dns = get_dns_attributes(self.conn, vpc_id)
            have_subnets = describe_subnets(self.conn, vpc_id)
            have_tables = describe_route_tables(self.conn, vpc_id)
            rtb = find_managed_route_table(
                have_tables, self.p["topology"], (self.p.get("route_table") or {}).get("name")
            )
            before = describe(
                have,
                dns,
                sorted((subnet_item(s) for s in have_subnets), key=lambda s: s["cidr"]),
                rtb["RouteTableId"] if rtb and self.p.get("route_table") else None,
            )
            have_tags = have.get("Tags")
        after_dns = self._dns(vpc_id, dns, managed)
        after_tags = self._tags(vpc_id, have_tags, managed)
        subnets = self._subnets(vpc_id, want_subnets, have_subnets, have_tables)
        rtb_id = self._route_table(vpc_id, have_tables, subnets)
        after = {
            "vpc_id": vpc_id,
            "cidr_block": have["CidrBlock"] if have else cidr,
            "name": after_tags.get("Name"),
            "state": "available",
            "enable_dns_support": after_dns["enableDnsSupport"],
            "enable_dns_hostnames": after_dns["enableDnsHostnames"],
            "tags": after_tags,
            "subnets": subnets,
            "route_table_id": rtb_id,
        }
        extra = {"warnings": self.warnings} if self.warnings else {}
        return self.changes.result("vpc", before, after, **extra)

    def _create(self, cidr: str):
        tags = desired_tags(self.p.get("tags"), self.p["topology"], self.p["name"])

        def find():
            found = describe_vpcs(self.conn, filters=ownership_filters(self.p["topology"], self.p["name"]))
            return {"Vpc": sorted(found, key=lambda v: v["VpcId"])[0]} if found else None

        out = self.changes.do(
            "create",
            f"vpc/{self.p['name']}",
            lambda: CreateOnce(self.conn, find).call(
                "ec2", "create_vpc", CidrBlock=cidr, TagSpecifications=tag_specification("vpc", tags)
            ),
            cidr_block=cidr,
        )
        if out is None:
            return None
        vpc_id = out["Vpc"]["VpcId"]
        # Right after a create the id may not be visible yet (eventual consistency).
        wait_until(
            lambda: (describe_vpcs(self.conn, vpc_ids=[vpc_id]) or [None])[0],
            lambda v: v is not None and (not self.p.get("wait", True) or v.get("State") == "available"),
            f"VPC {vpc_id}",
            self.p.get("wait_timeout", 300),
            state_of=lambda v: v.get("State") if v else "not visible yet",
        )
        return vpc_id

    def _dns(self, vpc_id, have: dict, managed: bool) -> dict:
        want = {
            "enableDnsSupport": self.p.get("enable_dns_support", True),
            "enableDnsHostnames": self.p.get("enable_dns_hostnames", True),
        }
        if vpc_id is None or not have:  # a new VPC: AWS defaults are support on, hostnames off
            have = {"enableDnsSupport": True, "enableDnsHostnames": False}
        if not managed:
            if have != want:
                self.warnings.append(
                    f"VPC {vpc_id} is not managed by this collection; its DNS attributes were "
                    "left as they are"
                )
            return have
        # Hostnames need support: enable support first, disable hostnames first.
        order = (
            ["enableDnsSupport", "enableDnsHostnames"]
            if want["enableDnsSupport"]
            else ["enableDnsHostnames", "enableDnsSupport"]
        )
        for attr in order:
            if have.get(attr) != want[attr]:
                key = attr[0].upper() + attr[1:]
                self.changes.do(
                    "set_attribute",
                    vpc_id or f"vpc/{self.p['name']}",
                    lambda k=key, v=want[attr]: self.conn.call(
                        "ec2", "modify_vpc_attribute", VpcId=vpc_id, **{k: {"Value": v}}
                    ),
                    **{attr: want[attr]},
                )
        return want

    def _tags(self, vpc_id, have_tags, managed: bool) -> dict:
        if vpc_id is None or have_tags is None:  # created just now with its tags
            return desired_tags(self.p.get("tags"), self.p["topology"], self.p["name"])
        if not managed:
            # An adopted VPC: merge the user's tags, never add ownership tags nor purge.
            have = tag_list_to_dict(have_tags)
            want = dict(have)
            want.update({str(k): str(v) for k, v in (self.p.get("tags") or {}).items()})
            return reconcile_ec2_tags(self.conn, self.changes, vpc_id, have, want, purge=False)
        name = self.p.get("name") or tag_list_to_dict(have_tags).get("Name")
        want = desired_tags(self.p.get("tags"), self.p["topology"], name)
        return reconcile_ec2_tags(
            self.conn, self.changes, vpc_id, have_tags, want, self.p.get("purge_tags", True)
        )

    def _subnets(self, vpc_id, want: list, have: list, tables: list) -> list:
        topology = self.p["topology"]
        plan = plan_subnets(want, have, topology, self.p.get("purge_subnets", False))
        target = vpc_id or f"vpc/{self.p['name']}"
        self._disassociate(tables, {s["SubnetId"] for s in plan["delete"]})
        for subnet in plan["delete"]:
            self.changes.do(
                "delete_subnet",
                subnet["SubnetId"],
                lambda s=subnet: self.conn.call(
                    "ec2", "delete_subnet", SubnetId=s["SubnetId"], not_found=_SUBNET_NOT_FOUND
                ),
                cidr=subnet["CidrBlock"],
            )
        for subnet, name in plan["rename"]:
            reconcile_ec2_tags(
                self.conn, self.changes, subnet["SubnetId"], subnet.get("Tags"), {"Name": name}, purge=False
            )
        out = []
        for item in want:
            current = plan["matched"].get(item["cidr"])
            if current is None:
                current = self._create_subnet(target, vpc_id, item)
            out.append(
                {
                    "name": item["name"],
                    "subnet_id": current and current["SubnetId"],
                    "cidr": item["cidr"],
                    "availability_zone": (current or {}).get("AvailabilityZone") or item["availability_zone"],
                }
            )
        deleted = {s["SubnetId"] for s in plan["delete"]}
        wanted = {item["cidr"] for item in want}
        extra = [
            subnet_item(s) for s in have if s["SubnetId"] not in deleted and s["CidrBlock"] not in wanted
        ]
        return out + sorted(extra, key=lambda s: s["cidr"])

    def _create_subnet(self, target, vpc_id, item):
        args = {
            "VpcId": vpc_id,
            "CidrBlock": item["cidr"],
            "TagSpecifications": tag_specification(
                "subnet", desired_tags(None, self.p["topology"], item["name"])
            ),
        }
        if item["availability_zone"]:
            args["AvailabilityZone"] = item["availability_zone"]

        def find():  # the subnet a create whose answer was lost made: its CIDR, tagged for the topology
            found = [s for s in describe_subnets(self.conn, vpc_id) if s["CidrBlock"] == item["cidr"]]
            mine = [s for s in found if is_managed(tag_list_to_dict(s.get("Tags")), self.p["topology"])]
            return {"Subnet": mine[0]} if mine else None

        out = self.changes.do(
            "create_subnet",
            target,
            lambda: CreateOnce(self.conn, find).call("ec2", "create_subnet", **args),
            name=item["name"],
            cidr=item["cidr"],
            availability_zone=item["availability_zone"],
        )
        return out["Subnet"] if out else None

    def _route_table(self, vpc_id, tables: list, subnets: list):
        spec = self.p.get("route_table")
        if not spec:
            return None
        name = spec["name"].strip()
        table = find_managed_route_table(tables, self.p["topology"], name)
        target = vpc_id or f"vpc/{self.p['name']}"
        if table is None:
            token = hashlib.sha256(f"{self.p['topology']}/{vpc_id}/{name}".encode()).hexdigest()[:64]
            out = self.changes.do(
                "create_route_table",
                target,
                lambda: self.conn.call(
                    "ec2",
                    "create_route_table",
                    VpcId=vpc_id,
                    ClientToken=token,
                    TagSpecifications=tag_specification(
                        "route-table", desired_tags(None, self.p["topology"], name)
                    ),
                ),
                name=name,
            )
            table = out["RouteTable"] if out else {"RouteTableId": None, "Associations": []}
        rtb_id = table["RouteTableId"]
        # Where each subnet is explicitly associated now (any route table of the VPC).
        current = {}
        for t in tables:
            for assoc in t.get("Associations", []):
                if assoc.get("SubnetId") and assoc.get("AssociationState", {}).get("State", "associated") in (
                    "associated",
                    "associating",
                ):
                    current[assoc["SubnetId"]] = (t["RouteTableId"], assoc["RouteTableAssociationId"])
        for subnet in subnets[: len(self._listed())]:
            sid = subnet["subnet_id"]
            have = current.get(sid) if sid else None
            if have and have[0] == rtb_id:
                continue
            if have:
                self.changes.do(
                    "replace_route_table_association",
                    have[1],
                    lambda a=have[1]: self.conn.call(
                        "ec2", "replace_route_table_association", AssociationId=a, RouteTableId=rtb_id
                    ),
                    route_table_id=rtb_id,
                    subnet_id=sid,
                    previous_route_table_id=have[0],
                )
            else:
                self.changes.do(
                    "associate_route_table",
                    rtb_id or f"route-table/{name}",
                    lambda s=sid: DoneIfRetried(self.conn, ("Resource.AlreadyAssociated",)).call(
                        "ec2", "associate_route_table", SubnetId=s, RouteTableId=rtb_id
                    ),
                    subnet=sid or subnet["name"],
                )
        return rtb_id

    def _listed(self) -> list:
        return self.p.get("subnets") or []

    def _disassociate(self, tables: list, subnet_ids: set, table_ids=frozenset()):
        """Drop explicit associations of ``subnet_ids`` (or of ``table_ids``) before deleting them."""
        for table in tables:
            for assoc in table.get("Associations", []):
                if assoc.get("SubnetId") and (
                    assoc["SubnetId"] in subnet_ids or table["RouteTableId"] in table_ids
                ):
                    self.changes.do(
                        "disassociate_route_table",
                        assoc["RouteTableAssociationId"],
                        lambda a=assoc: DoneIfRetried(self.conn, ("InvalidAssociationID.NotFound",)).call(
                            "ec2", "disassociate_route_table", AssociationId=a["RouteTableAssociationId"]
                        ),
                        subnet_id=assoc["SubnetId"],
                        route_table_id=table["RouteTableId"],
                    )

    def _absent(self, have) -> dict:
        if have is None:
            return self.changes.result("vpc", None, None)
        vpc_id = have["VpcId"]
        topology = self.p["topology"]
        tags = tag_list_to_dict(have.get("Tags"))
        subnets = describe_subnets(self.conn, vpc_id)
        before = describe(
            have,
            get_dns_attributes(self.conn, vpc_id),
            sorted((subnet_item(s) for s in subnets), key=lambda s: s["cidr"]),
            None,
        )
        if not is_managed(tags, topology):
            return self.changes.result(
                "vpc",
                before,
                before,
                warnings=[
                    f"VPC {vpc_id} is not managed by this collection for topology {topology!r}; left in place"
                ],
            )
        tables = describe_route_tables(self.conn, vpc_id)
        managed_subnets = [s for s in subnets if is_managed(tag_list_to_dict(s.get("Tags")), topology)]
        managed_tables = [
            t
            for t in tables
            if not any(a.get("Main") for a in t.get("Associations", []))
            and is_managed(tag_list_to_dict(t.get("Tags")), topology)
        ]
        self._disassociate(
            tables, {s["SubnetId"] for s in managed_subnets}, {t["RouteTableId"] for t in managed_tables}
        )
        for subnet in managed_subnets:
            self.changes.do(
                "delete_subnet",
                subnet["SubnetId"],
                lambda s=subnet: self.conn.call(
                    "ec2", "delete_subnet", SubnetId=s["SubnetId"], not_found=_SUBNET_NOT_FOUND
                ),
            )
        for table in managed_tables:
            self.changes.do(
                "delete_route_table",
                table["RouteTableId"],
                lambda t=table: self.conn.call(
                    "ec2", "delete_route_table", RouteTableId=t["RouteTableId"], not_found=_RTB_NOT_FOUND
                ),
            )
        self.changes.do(
            "delete",
            vpc_id,
            lambda: self.conn.call("ec2", "delete_vpc", VpcId=vpc_id, not_found=_VPC_NOT_FOUND),
        )
        return self.changes.result("vpc", before, None)
