# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hops through the transit gateway (forward and return, inspection) and inside the services VPC.

Shared by every source: an AWS spoke enters the transit through its VPC attachment, an Azure VNet or a GCP
network through a VPN attachment. ``hub`` is a state reader of the transit gateway's account (see
``_aws/trace_state.py``); everything here only reads it.
"""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace import routing
from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace import security as sg
from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace.hops import contains

MAX_TABLES = 4
GONE = ("deleted", "deleting", "failed", "rejected")


def run_site(host: str | None, role: str, why: str) -> str:
    target = f" --limit {host}" if host else ""
    return f"{why}: run site.yml{target} (role {role}), then trace again"


def _attachment_label(att: dict | None) -> str:
    if not att:
        return "?"
    return f"{att.get('TransitGatewayAttachmentId')} ({att.get('ResourceType')} {att.get('ResourceId')})"


def walk(
    trace, hub, entry_id: str, address, arrived, want: str, ctx: dict, direction: str = "forward", expect_ids=()
) -> bool:
    """Follow transit route tables from attachment ``entry_id`` towards ``address``.

    ``arrived(attachment) -> bool`` says whether an attachment is the wanted exit; ``want`` describes it for
    messages. An attachment of the declared inspection VPC is followed through the firewall and on.
    ``expect_ids`` are the attachments whose propagation should have put the route there (a VPN's routes
    only exist while BGP advertises them).
    """
    name = "transit:route" if direction == "forward" else "transit:return"
    current = entry_id
    for _step in range(MAX_TABLES):
        att = hub.tgw_attachment(current)
        assoc = (att or {}).get("Association") or {}
        table_id = assoc.get("TransitGatewayRouteTableId") if assoc.get("State") in ("associated", None) else None
        if not table_id:
            return trace.add(
                name,
                current,
                f"attachment {_attachment_label(att)} is associated with no route table, "
                "so the transit gateway drops what it sends",
                False,
                {"attachment": att},
                _association_fix(att, ctx),
            )
        table = hub.tgw_route_table(table_id) or {}
        label = f"{table_id} ({table.get('name') or 'unnamed'})"
        choice = routing.select_tgw_route(hub.tgw_routes(table_id), address, hub.prefix_lists_of_tgw_routes(table_id))
        if choice is None:
            propagating = sorted(set(expect_ids) & set(hub.tgw_propagations(table_id)))
            if propagating:
                return trace.add(
                    name,
                    label,
                    f"no route to {address} in {label}, although {', '.join(propagating)} propagate into it: "
                    "nothing was learned (a VPN's routes exist only while BGP advertises them)",
                    False,
                    {"route_table_id": table_id, "entered_from": current, "propagating": propagating},
                    "bring the VPN tunnels and their BGP sessions up, and have the remote side advertise its range "
                    "(cross_cloud_cidr); then trace again",
                )
            return trace.add(
                name,
                label,
                f"no route to {address} in {label}",
                False,
                {"route_table_id": table_id, "entered_from": current},
                _missing_tgw_route_fix(direction, want, ctx),
            )
        detail = {"route_table_id": table_id, "entered_from": current, "route": routing.describe_tgw_route(choice)}
        if choice["state"] == "blackhole" or not choice["attachment_ids"]:
            return trace.add(
                name,
                label,
                f"{choice['matched']} is a blackhole in {label}",
                False,
                detail,
                _missing_tgw_route_fix(direction, want, ctx)
                + "; a blackhole route means its attachment was deleted or it was added as one",
            )
        target = hub.tgw_attachment(choice["attachment_ids"][0])
        if target is not None and arrived(target):
            return trace.add(name, label, f"{choice['matched']} -> {_attachment_label(target)} ({want})", True, detail)
        if target is not None and _is_inspection(target, ctx):
            trace.add(
                name, label, f"{choice['matched']} -> inspection attachment {_attachment_label(target)}", True, detail
            )
            if not inspect(trace, hub, target, address, ctx):
                return False
            current = target["TransitGatewayAttachmentId"]
            continue
        return trace.add(
            name,
            label,
            f"{choice['matched']} -> {_attachment_label(target)}, not {want}",
            False,
            detail,
            "the route table sends this destination to the wrong attachment; "
            + _missing_tgw_route_fix(direction, want, ctx),
        )
    return trace.add(
        name,
        current,
        f"more than {MAX_TABLES} transit route tables in a row (a routing loop)",
        False,
        {},
        "check the static routes of the inspection and transit route tables",
    )


def _is_inspection(att: dict, ctx: dict) -> bool:
    return att.get("ResourceType") == "vpc" and att.get("ResourceId") in (ctx.get("inspection_vpc_ids") or [])


def _association_fix(att: dict | None, ctx: dict) -> str:
    if att and att.get("ResourceType") == "vpn":
        fix = run_site(
            ctx.get("services_host"), "cross_cloud_aws", "associate the VPN attachment with <transit>-spokes"
        )
        if ctx.get("inspection_host"):
            fix += (
                f"; a remote network in inspection_remote_networks is associated by the inspection role instead "
                f"(run site.yml --limit {ctx['inspection_host']})"
            )
        return fix
    if att and att.get("ResourceId") == ctx.get("services_vpc_id"):
        return run_site(ctx.get("services_host"), "services_vpc", "associate the services VPC attachment")
    return run_site(ctx.get("source_host"), "spoke", "associate the spoke attachment with <transit>-spokes")


def _missing_tgw_route_fix(direction: str, want: str, ctx: dict) -> str:
    if direction == "forward":
        return run_site(
            ctx.get("services_host"),
            "services_vpc",
            "propagate the services VPC attachment into the table the source is associated with",
        )
    role = "cross_cloud_aws" if ctx.get("source_cloud") in ("azure", "gcp") else "spoke"
    host = ctx.get("services_host") if role == "cross_cloud_aws" else ctx.get("source_host")
    return run_site(host, role, f"propagate {want} into the services route table (the return path)")


def inspect(trace, hub, att: dict, address, ctx: dict) -> bool:
    """Inside the inspection VPC: attachment subnet -> firewall endpoint -> back to the transit gateway."""
    vpc_id = att["ResourceId"]
    tables = hub.route_tables(vpc_id)
    subnet_ids = (hub.tgw_vpc_attachment(att["TransitGatewayAttachmentId"]) or {}).get("SubnetIds") or []
    table = routing.route_table_of_subnet(tables, subnet_ids[0]) if subnet_ids else None
    choice = routing.select_vpc_route((table or {}).get("Routes"), address, hub.prefix_list_map(table))
    target = (choice or {}).get("target") or ""
    if choice is None or choice["state"] == "blackhole" or not target.startswith("vpce-"):
        return trace.add(
            "inspection",
            (table or {}).get("RouteTableId") or vpc_id,
            f"the inspection attachment subnet does not send {address} to a firewall endpoint"
            + (f" ({routing.describe_vpc_route(choice)})" if choice else ""),
            False,
            {"vpc_id": vpc_id},
            run_site(ctx.get("inspection_host"), "inspection", "route the attachment subnets to the firewall"),
        )
    firewall = hub.endpoint(target)
    state = str((firewall or {}).get("State", "")).lower()
    fw_subnet = ((firewall or {}).get("SubnetIds") or [None])[0]
    fw_table = routing.route_table_of_subnet(tables, fw_subnet) if fw_subnet else None
    back = routing.select_vpc_route((fw_table or {}).get("Routes"), address, hub.prefix_list_map(fw_table))
    back_target = (back or {}).get("target") or ""
    ok = state == "available" and back is not None and back["state"] != "blackhole" and back_target.startswith("tgw-")
    decision = (
        f"{routing.describe_vpc_route(choice)}; firewall endpoint {target} is {state or 'missing'}; "
        f"firewall subnet sends {address} " + (f"-> {back_target}" if back else "nowhere")
    )
    return trace.add(
        "inspection",
        f"{vpc_id} via {target}",
        decision,
        ok,
        {"vpc_id": vpc_id, "firewall_endpoint": target},
        run_site(
            ctx.get("inspection_host"),
            "inspection",
            "restore the firewall endpoint and the firewall subnet's route back to the transit",
        ),
    )


def services_return_route(trace, hub, dest: dict, source_ip, tgw_id: str, ctx: dict) -> bool:
    """The endpoint subnet's route table must send the source back to the transit gateway."""
    tables = hub.route_tables(dest["vpc_id"])
    table = routing.route_table_of_subnet(tables, dest["subnet_id"])
    choice = routing.select_vpc_route((table or {}).get("Routes"), source_ip, hub.prefix_list_map(table))
    resource = (table or {}).get("RouteTableId") or dest["subnet_id"]
    fix = run_site(
        ctx.get("services_host"),
        "services_vpc",
        f"declare the source network as a consumer (a spoke's spoke_cidr or cloudnet_consumers) so the "
        f"services VPC routes {source_ip} back to {tgw_id}",
    )
    if choice is None:
        return trace.add(
            "route:services", resource, f"no route back to {source_ip}", False, {"subnet_id": dest["subnet_id"]}, fix
        )
    text = routing.describe_vpc_route(choice)
    ok = choice["target"] == tgw_id and choice["state"] != "blackhole"
    return trace.add(
        "route:services", resource, f"return route {text}", ok, {"subnet_id": dest["subnet_id"], "route": text}, fix
    )


def security_group(trace, hub, dest: dict, source_ip, port: int, protocol: str, ctx: dict) -> bool:
    groups = hub.security_groups(dest.get("group_ids") or [])
    decision = sg.sg_admits(
        groups, source_ip, port, protocol, hub.prefix_lists_of_groups(groups), ctx.get("source_group_ids") or ()
    )
    ids = ", ".join(g.get("GroupId", "?") for g in groups) or "no security group"
    if decision["admitted"]:
        return trace.add(
            "security_group",
            ids,
            f"{decision['group_id']} admits {source_ip} on {protocol}/{port} ({decision['rule']})",
            True,
            decision,
        )
    central = dest.get("vpc_id") == ctx.get("services_vpc_id")
    fix = (
        run_site(
            ctx.get("services_host"),
            "services_vpc",
            f"add the source network to the consumers (spoke_cidr of the spoke host, or cloudnet_consumers) "
            f"so the endpoint security group admits {source_ip} on {port}",
        )
        if central
        else f"this endpoint is not the central one; replace it with the central endpoint (playbooks/audit.yml -e "
        f"governance_mode=remediate) or admit {source_ip} on {protocol}/{port} in {ids}"
    )
    sources = ", ".join(decision["sources"])
    text = (
        f"{ids} admits {protocol}/{port} only from {sources}, not {source_ip}"
        if sources
        else f"{ids} has no rule admitting {protocol}/{port}"
    )
    if any(str(src).startswith("sg-") for src in decision["sources"]):
        text += (
            " (members of the listed groups are admitted: if the source carries one, say so with "
            "-e trace_security_groups or source.security_group_ids)"
        )
    return trace.add("security_group", ids, text, False, decision, fix)


def network_acls(trace, hub_src, hub, source: dict, dest: dict, port: int, protocol: str) -> bool:
    """Stateless ACLs on both subnets: request out and in, reply out and in (ephemeral port)."""
    if source.get("subnet_id") == dest.get("subnet_id"):
        return True
    src_acl = (
        sg.nacl_of_subnet(hub_src.network_acls(source["vpc_id"]), source["subnet_id"])
        if source.get("subnet_id")
        else None
    )
    dst_acl = sg.nacl_of_subnet(hub.network_acls(dest["vpc_id"]), dest["subnet_id"])
    checks = [
        ("source subnet out", src_acl, True, dest["ip"], port),
        ("endpoint subnet in", dst_acl, False, source["ip"], port),
        ("endpoint subnet reply out", dst_acl, True, source["ip"], sg.EPHEMERAL_PORT),
        ("source subnet reply in", src_acl, False, dest["ip"], sg.EPHEMERAL_PORT),
    ]
    detail = []
    for label, acl, egress, address, p in checks:
        decision = sg.nacl_decision(acl, egress, address, p, protocol)
        detail.append(dict(decision, check=label, network_acl_id=(acl or {}).get("NetworkAclId")))
        if not decision["allowed"]:
            return trace.add(
                "network_acl",
                (acl or {}).get("NetworkAclId"),
                f"{label}: rule {decision['rule_number']} denies {protocol}/{p} for {address}",
                False,
                {"checks": detail},
                "allow the flow in the network ACL (network ACLs are stateless: the reply on ephemeral "
                "ports 1024-65535 needs its own entry)",
            )
    return trace.add(
        "network_acl",
        ", ".join(sorted({d["network_acl_id"] for d in detail if d["network_acl_id"]})),
        "request and reply allowed on both subnets",
        True,
        {"checks": detail},
    )


def endpoint(trace, dest: dict, ctx: dict) -> bool:
    ep = dest.get("endpoint")
    if not ep:
        return trace.add(
            "endpoint",
            dest.get("ip"),
            f"{dest.get('ip')} is not the address of a VPC endpoint",
            False,
            {},
            "point the record at the central endpoint: run site.yml --limit "
            f"{ctx.get('services_host') or '<services host>'} (role endpoint_dns)",
        )
    state = str(ep.get("State", "")).lower()
    central = ep.get("VpcId") == ctx.get("services_vpc_id")
    where = "central" if central else f"not central (VPC {ep.get('VpcId')})"
    ok = state == "available"
    return trace.add(
        "endpoint",
        ep["VpcEndpointId"],
        f"{ep.get('ServiceName')} endpoint is {state}, {where}",
        ok,
        {
            "state": state,
            "vpc_id": ep.get("VpcId"),
            "central": central,
            "private_dns_enabled": ep.get("PrivateDnsEnabled"),
        },
        f"the endpoint is {state}: "
        + (
            "accept the connection at the service provider"
            if state == "pendingacceptance"
            else "re-run site.yml for the services VPC host (role services_vpc)"
        ),
    )


def arrived_at_vpc(vpc_id: str):
    return lambda att: att.get("ResourceType") == "vpc" and att.get("ResourceId") == vpc_id


def arrived_at_any(attachment_ids):
    ids = set(attachment_ids)
    return lambda att: att.get("TransitGatewayAttachmentId") in ids


def live(att: dict | None) -> bool:
    return bool(att) and att.get("State") not in GONE


def in_vpc(address, vpc: dict) -> bool:
    return any(contains(c, address) for c in vpc.get("cidrs") or [])
