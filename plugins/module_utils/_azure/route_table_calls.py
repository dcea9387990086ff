# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One wrapper per azure-mgmt-network call on route tables and subnets (azure_route_set and its teardown).

Writes are conditional: a route table PUT carries ``If-Match`` with the etag read (``If-None-Match: *`` when
creating), subnet PUTs and the route table DELETE carry ``If-Match``, so a concurrent writer makes the run fail
with PreconditionFailed instead of being overwritten.
"""

from __future__ import annotations


def get_route_table(conn, group, name):
    return conn.call("network", "route_tables", "get", group, name, not_found=True)


def put_route_table(conn, group, name, body, etag, timeout):
    headers = {"If-Match": etag} if etag else {"If-None-Match": "*"}
    return conn.run("network", "route_tables", "begin_create_or_update", group, name, body, headers=headers,
                    what=f"route table {name}", timeout=timeout)


def delete_route_table(conn, group, name, etag, timeout):
    return conn.run("network", "route_tables", "begin_delete", group, name, headers={"If-Match": etag},
                    what=f"deletion of route table {name}", timeout=timeout)


def get_subnet(conn, group, vnet, name):
    return conn.call("network", "subnets", "get", group, vnet, name, not_found=True)


def put_subnet(conn, group, vnet, name, body, etag, timeout):
    return conn.run("network", "subnets", "begin_create_or_update", group, vnet, name, body,
                    headers={"If-Match": etag}, what=f"subnet {vnet}/{name}", timeout=timeout)
