"""Fault injection: each protocol's real error format, recognised and retried by botocore."""

from __future__ import annotations

import random
import time

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError
from botocore.retries import standard

from sandbox.aws.client import SandboxControlError


@pytest.fixture
def no_backoff(monkeypatch):
    """Keep botocore's retry decisions but skip its (random, up to seconds) sleeps between attempts."""
    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0.0)


# (client, call, expected HTTP status, expected error code): one per wire protocol.
THROTTLE_CASES = [
    pytest.param("ec2", lambda c: c.describe_vpcs(), "DescribeVpcs", 503, "RequestLimitExceeded", id="ec2"),
    pytest.param(
        "sts", lambda c: c.get_caller_identity(), "GetCallerIdentity", 400, "Throttling", id="query"
    ),
    pytest.param(
        "route53", lambda c: c.list_hosted_zones(), "ListHostedZones", 400, "Throttling", id="rest-xml"
    ),
    pytest.param(
        "route53resolver",
        lambda c: c.list_resolver_endpoints(),
        "ListResolverEndpoints",
        400,
        "ThrottlingException",
        id="json",
    ),
    pytest.param(
        "lambda", lambda c: c.list_functions(), "ListFunctions", 400, "ThrottlingException", id="rest-json"
    ),
]


@pytest.mark.parametrize(("service", "call", "operation", "status", "code"), THROTTLE_CASES)
def test_throttling_uses_the_protocol_error_format(
    make_client, control, service, call, operation, status, code
):
    control.set_faults([{"kind": "throttle", "service": service, "operation": operation}])
    with pytest.raises(ClientError) as excinfo:
        call(make_client(service, max_attempts=1))
    error = excinfo.value.response
    assert error["Error"]["Code"] == code
    assert error["ResponseMetadata"]["HTTPStatusCode"] == status
    assert error["ResponseMetadata"]["RequestId"]
    assert standard.ThrottledRetryableChecker().is_retryable(
        standard.RetryContext(attempt_number=1, parsed_response=error)
    )


@pytest.mark.parametrize(("service", "call", "operation", "status", "code"), THROTTLE_CASES)
def test_standard_retry_mode_retries_throttling_until_success(
    make_client, control, no_backoff, service, call, operation, status, code
):
    control.set_faults([{"kind": "throttle", "service": service, "operation": operation, "max_count": 2}])
    response = call(make_client(service, max_attempts=4))
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    op = control.summary()["by_operation"][f"{service}:{operation}"]
    assert op["count"] == 3
    assert op["statuses"] == {str(status): 2, "200": 1}
    assert control.faults()["rules"][0]["fired"] == 2


def test_cbor_protocol_error_is_parsed_by_the_cbor_parser(control):
    """botocore prefers json for network-firewall; a CBOR request still gets a CBOR error back."""
    from botocore.parsers import RpcV2CBORParser

    from sandbox.aws import middleware, operations

    info = operations.CallInfo(
        service="network-firewall", operation="ListFirewalls", protocol="smithy-rpc-v2-cbor"
    )
    rule = middleware.FaultRule(kind="throttle")
    status, headers, body = middleware.fault_response(info, rule)
    model = operations.service_model("network-firewall").operation_model("ListFirewalls")
    parsed = RpcV2CBORParser().parse(
        {"status_code": status, "headers": dict(headers), "body": body}, model.output_shape
    )
    assert (status, parsed["Error"]["Code"]) == (400, "ThrottlingException")


def test_network_firewall_json_throttling_is_parsed(make_client, control):
    control.set_faults([{"kind": "throttle", "service": "network-firewall"}])
    with pytest.raises(ClientError) as excinfo:
        make_client("network-firewall").list_firewalls()
    assert excinfo.value.response["Error"]["Code"] == "ThrottlingException"
    assert control.calls()[-1]["operation"] == "ListFirewalls"


@pytest.mark.parametrize(
    ("service", "call", "status", "code"),
    [
        ("ec2", lambda c: c.describe_vpcs(), 500, "InternalError"),
        ("ec2", lambda c: c.describe_vpcs(), 503, "Unavailable"),
        ("sts", lambda c: c.get_caller_identity(), 500, "InternalFailure"),
        ("route53", lambda c: c.list_hosted_zones(), 503, "ServiceUnavailable"),
        ("route53resolver", lambda c: c.list_resolver_endpoints(), 500, "InternalFailure"),
    ],
)
def test_server_errors_are_reported_and_retried(
    make_client, control, no_backoff, service, call, status, code
):
    control.set_faults([{"kind": "error", "service": service, "status": status, "max_count": 1}])
    with pytest.raises(ClientError) as excinfo:
        call(make_client(service, max_attempts=1))
    assert excinfo.value.response["Error"]["Code"] == code
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == status

    control.set_faults([{"kind": "error", "service": service, "status": status, "max_count": 1}])
    response = call(make_client(service, max_attempts=3))
    assert response["ResponseMetadata"]["RetryAttempts"] == 1


def test_error_code_can_be_overridden(make_client, control):
    control.set_faults([{"kind": "error", "service": "ec2", "status": 503, "code": "ServiceUnavailable"}])
    with pytest.raises(ClientError) as excinfo:
        make_client("ec2").describe_vpcs()
    assert excinfo.value.response["Error"]["Code"] == "ServiceUnavailable"


def test_dropped_connection_surfaces_as_connection_error_and_is_retried(make_client, control, no_backoff):
    control.set_faults([{"kind": "drop", "service": "ec2", "operation": "DescribeVpcs", "max_count": 1}])
    with pytest.raises(ConnectionClosedError):
        make_client("ec2", max_attempts=1).describe_vpcs()

    control.set_faults([{"kind": "drop", "service": "ec2", "operation": "DescribeVpcs", "max_count": 2}])
    response = make_client("ec2", max_attempts=3).describe_vpcs()
    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    statuses = control.summary()["by_operation"]["ec2:DescribeVpcs"]["statuses"]
    assert statuses == {"dropped": 3, "200": 1}


def test_latency_delays_only_matching_calls(make_client, control):
    ec2 = make_client("ec2")
    ec2.describe_vpcs()  # warm the backend so timings only show the injected delay
    control.reset_calls()
    control.set_faults([{"kind": "latency", "service": "ec2", "operation": "DescribeVpcs", "delay_ms": 400}])
    started = time.monotonic()
    ec2.describe_vpcs()
    assert time.monotonic() - started >= 0.4
    ec2.describe_subnets()
    calls = {c["operation"]: c for c in control.calls()}
    assert calls["DescribeVpcs"]["duration_ms"] >= 400
    assert calls["DescribeVpcs"]["status"] == 200 and calls["DescribeVpcs"]["fault"] is None
    assert calls["DescribeSubnets"]["duration_ms"] < 400


def test_faults_apply_before_moto_so_nothing_is_half_done(make_client, control):
    ec2 = make_client("ec2")
    before = len(ec2.describe_vpcs()["Vpcs"])
    control.set_faults([{"kind": "throttle", "service": "ec2", "operation": "CreateVpc"}])
    with pytest.raises(ClientError):
        ec2.create_vpc(CidrBlock="10.9.0.0/16")
    control.clear_faults()
    assert len(ec2.describe_vpcs()["Vpcs"]) == before


def test_seeded_probability_is_reproducible(make_client, control):
    sts = make_client("sts")
    rule = {"kind": "throttle", "service": "sts", "operation": "GetCallerIdentity", "probability": 0.5}

    def outcomes() -> list[bool]:
        result = []
        for _ in range(24):
            try:
                sts.get_caller_identity()
                result.append(True)
            except ClientError:
                result.append(False)
        return result

    control.set_faults([rule], seed=1234)
    first = outcomes()
    control.set_faults([rule], seed=1234)
    assert outcomes() == first
    rng = random.Random(1234)
    assert first == [rng.random() >= 0.5 for _ in range(24)]
    assert True in first and False in first


def test_max_count_bounds_a_rule_and_filters_select_calls(make_client, control):
    control.set_faults(
        [
            {"kind": "throttle", "service": "ec2", "mutating": True, "max_count": 2},
        ]
    )
    ec2 = make_client("ec2")
    ec2.describe_vpcs()  # a read: not matched
    for _ in range(2):
        with pytest.raises(ClientError):
            ec2.create_vpc(CidrBlock="10.5.0.0/16")
    ec2.create_vpc(CidrBlock="10.5.0.0/16")
    make_client("sts").get_caller_identity()  # another service: not matched
    assert control.faults()["rules"][0]["fired"] == 2
    assert control.summary()["faulted"] == 2


def test_invalid_rules_are_rejected(control):
    for bad in (
        [{"kind": "explode"}],
        [{"kind": "throttle", "probability": 2}],
        [{"kind": "error", "status": 404}],
        [{"kind": "latency"}],
        [{"kind": "throttle", "colour": "red"}],
        {"rules": "nope"},
    ):
        with pytest.raises(SandboxControlError) as excinfo:
            control._request("PUT", "faults", bad)
        assert excinfo.value.status == 400
    assert control.faults()["rules"] == []


@pytest.mark.parametrize("kind", ["drop", "error"])
def test_a_lost_answer_after_the_work_is_done_makes_a_retried_tokenless_create_twice(
    make_client, control, no_backoff, kind
):
    """phase=after: moto creates, the client never sees the answer and retries, as on AWS."""
    ec2 = make_client("ec2", max_attempts=3)
    name = f"lost-{kind}"
    control.set_faults([{"kind": kind, "service": "ec2", "operation": "CreateVpc", "phase": "after", "max_count": 1}])
    ec2.create_vpc(
        CidrBlock="10.77.0.0/16",
        TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}],
    )
    found = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [name]}])["Vpcs"]
    assert len(found) == 2  # CreateVpc takes no ClientToken: the retry made a second VPC
    statuses = control.summary()["by_operation"]["ec2:CreateVpc"]["statuses"]
    assert statuses == ({"dropped": 1, "200": 1} if kind == "drop" else {"500": 1, "200": 1})


def test_a_lost_answer_to_a_create_with_a_client_token_is_answered_by_the_retry(make_client, control, no_backoff):
    ec2 = make_client("ec2", max_attempts=3)
    vpc_id = ec2.create_vpc(CidrBlock="10.78.0.0/16")["Vpc"]["VpcId"]
    control.set_faults([{"kind": "drop", "service": "ec2", "operation": "CreateRouteTable", "phase": "after",
                         "max_count": 1}])
    table = ec2.create_route_table(VpcId=vpc_id, ClientToken="lost-answer-token")["RouteTable"]
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
    assert sorted(t["RouteTableId"] for t in tables if not any(a.get("Main") for a in t.get("Associations", []))) == [
        table["RouteTableId"]
    ]


def test_phase_after_is_only_for_error_and_drop_rules(control):
    with pytest.raises(SandboxControlError) as excinfo:
        control.set_faults([{"kind": "throttle", "phase": "after"}])
    assert excinfo.value.status == 400 and "phase" in str(excinfo.value)
    with pytest.raises(SandboxControlError):
        control.set_faults([{"kind": "drop", "phase": "later"}])


def test_skip_lets_the_first_matching_calls_pass_and_faults_the_next(make_client, control):
    """skip + max_count pick one call: here the third DescribeVpcs, and only it."""
    ec2 = make_client("ec2")
    control.set_faults([{"kind": "error", "service": "ec2", "operation": "DescribeVpcs", "skip": 2, "max_count": 1}])
    ec2.describe_subnets()
    outcomes = []
    for _call in range(4):
        try:
            ec2.describe_vpcs()
            outcomes.append("ok")
        except ClientError as err:
            outcomes.append(err.response["Error"]["Code"])
    assert outcomes == ["ok", "ok", "InternalError", "ok"]
    [rule] = control.faults()["rules"]
    assert (rule["matched"], rule["fired"]) == (4, 1)
    with pytest.raises(SandboxControlError):
        control.set_faults([{"kind": "error", "skip": -1}])
