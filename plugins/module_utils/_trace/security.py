# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Security group and network ACL evaluation as AWS does it (pure functions).

Security groups are stateful allow lists: a packet is admitted when any ingress rule of any group of the
interface matches its protocol, port and source (CIDR, prefix list entry, or a group the source carries).
Network ACLs are stateless and ordered: the lowest-numbered matching entry decides; the final ``*`` entry
denies. Return traffic therefore needs its own entries (ephemeral ports).
"""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace.hops import contains

PROTOCOLS = {"tcp": "6", "udp": "17", "icmp": "1"}
# A typical client port (Linux picks 32768-60999) for the stateless return check of network ACLs.
EPHEMERAL_PORT = 49152


def _proto_matches(rule_proto, protocol: str) -> bool:
    rule = str(rule_proto).lower()
    return rule in ("-1", "all") or rule == protocol or rule == PROTOCOLS.get(protocol)


def _port_matches(rule: dict, port: int) -> bool:
    if str(rule.get("IpProtocol", "-1")) in ("-1", "all"):
        return True
    low, high = rule.get("FromPort"), rule.get("ToPort")
    if low is None or high is None or low == -1:
        return True
    return int(low) <= port <= int(high)


def sg_admits(
    groups: list, source_ip, port: int, protocol: str = "tcp", prefix_lists: dict | None = None, source_groups=()
) -> dict:
    """``{admitted, rule, group_id, sources}``: a rule admitting the packet, and every source admitted on that
    protocol and port (sorted, so the answer does not depend on the order AWS lists the rules in)."""
    sources, matches = set(), []
    for group in groups or []:
        gid = group.get("GroupId")
        for rule in group.get("IpPermissions") or []:
            if not _proto_matches(rule.get("IpProtocol", "-1"), protocol) or not _port_matches(rule, port):
                continue
            for r in (rule.get("IpRanges") or []) + (rule.get("Ipv6Ranges") or []):
                cidr = r.get("CidrIp") or r.get("CidrIpv6")
                sources.add(cidr)
                if contains(cidr, source_ip):
                    matches.append((gid, cidr))
            for r in rule.get("PrefixListIds") or []:
                pl_id = r.get("PrefixListId")
                sources.add(pl_id)
                entry = next((c for c in (prefix_lists or {}).get(pl_id, []) if contains(c, source_ip)), None)
                if entry:
                    matches.append((gid, f"{pl_id} ({entry})"))
            for r in rule.get("UserIdGroupPairs") or []:
                sources.add(r.get("GroupId"))
                if r.get("GroupId") in source_groups:
                    matches.append((gid, r["GroupId"]))
    listed = sorted(s for s in sources if s)
    if not matches:
        return {"admitted": False, "group_id": None, "rule": None, "sources": listed}
    group_id, rule = sorted(matches)[0]
    return {"admitted": True, "group_id": group_id, "rule": rule, "sources": listed}


def nacl_decision(acl: dict | None, egress: bool, address, port: int, protocol: str = "tcp") -> dict:
    """``{allowed, rule_number, cidr}`` for a packet leaving (``egress``) or entering a subnet through ``acl``."""
    if acl is None:
        return {"allowed": True, "rule_number": None, "cidr": None}
    entries = sorted(
        (e for e in acl.get("Entries") or [] if bool(e.get("Egress")) == egress),
        key=lambda e: e.get("RuleNumber", 32767),
    )
    for entry in entries:
        cidr = entry.get("CidrBlock") or entry.get("Ipv6CidrBlock")
        if not contains(cidr, address) or not _proto_matches(entry.get("Protocol", "-1"), protocol):
            continue
        ports = entry.get("PortRange")
        if (
            ports
            and str(entry.get("Protocol")) not in ("-1",)
            and not (int(ports.get("From", 0)) <= port <= int(ports.get("To", 65535)))
        ):
            continue
        return {"allowed": entry.get("RuleAction") == "allow", "rule_number": entry.get("RuleNumber"), "cidr": cidr}
    return {"allowed": False, "rule_number": "*", "cidr": None}


def nacl_of_subnet(acls: list, subnet_id: str) -> dict | None:
    for acl in acls or []:
        if any(a.get("SubnetId") == subnet_id for a in acl.get("Associations") or []):
            return acl
    return next((a for a in acls or [] if a.get("IsDefault")), None)
