"""EC2 paging in front of moto, which ignores MaxResults and NextToken on EC2 describes.

For every EC2 operation whose botocore model takes ``MaxResults`` and ``NextToken`` and returns
``NextToken``, the middleware strips both parameters before moto sees the request, lets moto answer
with the whole result set, then slices the result element(s) of the XML answer (the paginator's
``result_key``, serialized under its ``locationName`` such as ``vpcSet``) and adds ``nextToken``.

Page size: ``MaxResults`` when given, else the sandbox setting ``page_size`` (0 = no paging unless
the client asks for it). Tokens are opaque to clients; they carry the offset and a hash of the
request parameters (everything but MaxResults/NextToken), so a token replayed with other parameters
or another operation is rejected with ``InvalidPaginationToken`` as EC2 does for tokens it did not
issue. ``MaxResults`` outside the documented bounds gets ``InvalidParameterValue``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urlencode

from sandbox.aws import operations

# Bounds from the EC2 API reference for operations whose model leaves MaxResults unbounded.
# "clamp" means the reference says larger values return at most the maximum instead of failing.
REFERENCE_BOUNDS = {
    "DescribeVpcEndpoints": (5, 1000, True),
    "DescribeVpcEndpointServices": (5, 1000, True),
    "DescribeVpcEndpointConnections": (5, 1000, True),
    "DescribeVpcEndpointServiceConfigurations": (5, 1000, True),
    "DescribeVpcEndpointConnectionNotifications": (5, 1000, True),
    "DescribeInstances": (5, 1000, False),
}
# Operations whose reference forbids MaxResults together with an explicit id list.
IDS_EXCLUDE_MAX_RESULTS = {"DescribeInstances": "InstanceId"}


PAGING_PARAMS = ("MaxResults", "NextToken")


class PagingError(Exception):
    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class PageSpec:
    operation: str
    elements: tuple[str, ...]
    minimum: int | None
    maximum: int | None
    clamp: bool = False


@dataclass
class PagePlan:
    spec: PageSpec
    offset: int
    limit: int | None
    digest: str


@functools.cache
def _specs() -> dict[str, PageSpec]:
    model = operations.service_model("ec2")
    paginators = operations._botocore_session().get_paginator_model("ec2")
    specs = {}
    for name in model.operation_names:
        op = model.operation_model(name)
        inp, out = op.input_shape, op.output_shape
        if not (inp and out and "MaxResults" in inp.members and "NextToken" in inp.members):
            continue
        if "NextToken" not in out.members:
            continue
        try:
            keys = paginators.get_paginator(name).get("result_key")
        except ValueError:
            keys = None
        if keys is None:
            keys = [k for k, v in out.members.items() if v.type_name == "list"]
        keys = [keys] if isinstance(keys, str) else list(keys)
        elements = tuple(
            out.members[k].serialization.get("name", k[:1].lower() + k[1:]) for k in keys if k in out.members
        )
        if not elements:
            continue
        meta = inp.members["MaxResults"].metadata
        minimum, maximum, clamp = meta.get("min"), meta.get("max"), False
        if name in REFERENCE_BOUNDS and minimum is None and maximum is None:
            minimum, maximum, clamp = REFERENCE_BOUNDS[name]
        specs[name] = PageSpec(name, elements, minimum, maximum, clamp)
    return specs


def page_spec(operation: str) -> PageSpec | None:
    return _specs().get(operation)


def _digest(params: dict[str, list[str]]) -> str:
    items = sorted((k, v) for k, vs in params.items() if k not in PAGING_PARAMS for v in vs)
    return hashlib.sha256(json.dumps(items).encode()).hexdigest()[:24]


def encode_token(offset: int, digest: str) -> str:
    raw = json.dumps({"o": offset, "h": digest}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str, digest: str) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        offset = int(data["o"])
    except (ValueError, KeyError, TypeError):
        raise PagingError("InvalidPaginationToken", f"Invalid pagination token: {token}") from None
    if data.get("h") != digest or offset < 0:
        raise PagingError(
            "InvalidPaginationToken",
            "The specified pagination token is not valid for this request or has expired.",
        )
    return offset


def plan(operation: str, params: dict[str, list[str]], default_page_size: int) -> PagePlan | None:
    """Validate paging parameters and decide the page; ``None`` when the request is not paged."""
    spec = page_spec(operation)
    if spec is None:
        return None
    raw_max = (params.get("MaxResults") or [None])[0]
    token = (params.get("NextToken") or [None])[0]
    if raw_max is None and token is None and not default_page_size:
        return None
    limit = None
    if raw_max is not None:
        try:
            limit = int(raw_max)
        except ValueError:
            raise PagingError(
                "InvalidParameterValue", f"Value ({raw_max}) for parameter maxResults is invalid."
            ) from None
        id_param = IDS_EXCLUDE_MAX_RESULTS.get(operation)
        if id_param and any(k.startswith(id_param + ".") for k in params):
            raise PagingError(
                "InvalidParameterCombination",
                f"The parameter {id_param}s cannot be used with the parameter maxResults",
            )
        low, high = spec.minimum, spec.maximum
        if (low is not None and limit < low) or (high is not None and limit > high and not spec.clamp):
            bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise PagingError(
                "InvalidParameterValue",
                f"Value ( {limit} ) for parameter maxResults is invalid. Expecting a value {bounds}.",
            )
        if high is not None and limit > high:
            limit = high
    elif default_page_size:
        limit = int(default_page_size)
    digest = _digest(params)
    offset = decode_token(token, digest) if token else 0
    return PagePlan(spec, offset, limit, digest)


def strip_request(params: dict[str, list[str]]) -> bytes:
    """A form body without MaxResults/NextToken, so moto returns the full result set."""
    return urlencode([(k, v) for k, vs in params.items() if k not in PAGING_PARAMS for v in vs]).encode()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def apply(page: PagePlan, body: bytes) -> bytes:
    """Slice the result element(s) of a successful EC2 XML answer and add ``nextToken``."""
    root = ET.fromstring(body)
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    total = 0
    stop = None if page.limit is None else page.offset + page.limit
    for child in list(root):
        name = _local(child.tag)
        if name == "nextToken":
            root.remove(child)
        elif name in page.spec.elements:
            items = list(child)
            total = max(total, len(items))
            for index, item in enumerate(items):
                if index < page.offset or (stop is not None and index >= stop):
                    child.remove(item)
    end = total if stop is None else stop
    for child in root:
        if _local(child.tag) == "additionalRoutesAvailable":  # SearchTransitGatewayRoutes
            child.text = "true" if end < total else "false"
    if end < total:
        token = ET.SubElement(root, f"{{{namespace}}}nextToken" if namespace else "nextToken")
        token.text = encode_token(end, page.digest)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True, default_namespace=namespace or None)
