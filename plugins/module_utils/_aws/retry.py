# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Mutations whose answer may be lost: never done twice, never failed for having been done.

botocore's standard retry mode retries throttling, 5xx answers and connection errors. A 5xx answer, a
closed connection or a read timeout does not say whether AWS did the work, so a retried mutation can
meet its own earlier effect:

- creates that take a ClientToken (endpoints, route tables, prefix lists) or a CallerReference (hosted
  zones) are answered with the first result, or refused as a duplicate reference;
- creates that take no token (CreateVpc, CreateSubnet, CreateSecurityGroup, CreateTransitGateway,
  CreateTransitGatewayRouteTable, CreateTransitGatewayVpcAttachment, CreateVpnConnection,
  CreateCustomerGateway) would make a second resource or fail as a conflict: ``CreateOnce`` sends them
  without botocore's retries and, after an answer that leaves the outcome unknown, looks the resource up by
  its deterministic identity before sending again;
- relationship calls (authorize a rule, create a route, associate a table or a zone) fail with an
  "already exists" code when retried after their own success: ``DoneIfRetried`` takes those
  codes as done, but only when botocore did retry (on a first attempt they are someone else's object).

boto3/botocore come through ``connection`` (guarded imports live there). Tests that stub a service's client
register it for ``<service>:once`` too (the single-attempt client ``CreateOnce`` uses).
"""

from __future__ import annotations

import time

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws import connection as _connection
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.waiter import delays

# What an error says about a mutation: NOT_DONE (refused before any work: throttling, or the request never
# reached AWS), UNKNOWN (5xx, connection lost, read timeout: it may be done) or FAILED (a real error).
NOT_DONE, UNKNOWN, FAILED = "not_done", "unknown", "failed"
UNKNOWN_STATUS = (500, 502, 503, 504)
UNKNOWN_CODES = ("RequestTimeout", "RequestTimeoutException")
# Lookups after an unknown outcome: reads can lag a create for a moment, so look twice, a back-off apart.
LOOKUPS = 2


def classify_error(err) -> str:
    """NOT_DONE, UNKNOWN or FAILED for an exception raised by a botocore call."""
    botocore = _connection.botocore
    exceptions = botocore.exceptions
    if isinstance(err, exceptions.ClientError):
        # botocore.retries is loaded with every client (botocore.client imports it).
        checker = botocore.retries.standard.ThrottledRetryableChecker()
        context = botocore.retries.standard.RetryContext(attempt_number=1, parsed_response=err.response)
        if checker.is_retryable(context):
            return NOT_DONE
        status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        code = err.response.get("Error", {}).get("Code")
        return UNKNOWN if status in UNKNOWN_STATUS or code in UNKNOWN_CODES else FAILED
    if isinstance(err, (exceptions.EndpointConnectionError, exceptions.ConnectTimeoutError)):
        return NOT_DONE
    if isinstance(err, (exceptions.HTTPClientError, exceptions.ConnectionError)):
        return UNKNOWN
    return FAILED


def attempts(conn) -> int:
    """Attempts per call: the first plus ``retries`` (botocore counts ``max_attempts`` the same way)."""
    return 1 + max(0, int(conn.params.get("retries") or 10))


def _raise(err):
    def fn():
        raise err

    return fn


class CreateOnce:
    """Send a create that takes no idempotency token; never again while it may have succeeded.

    ``CreateOnce(conn, find).call("ec2", "create_vpc", **kwargs)`` (the same call shape as
    ``AwsConnection.call``, so tools reading the calls from the source see it). Throttling and requests
    that never reached AWS are sent again as they are. After an answer that leaves the outcome unknown,
    ``find()`` (the resource by its identity, shaped like the create's response, or None) is asked
    first; only when it finds nothing is the create sent again. At most ``retries`` attempts, each wait
    a jittered exponential back-off. Errors are translated as ``AwsConnection.call`` translates them.
    """

    def __init__(self, conn, find, sleep=time.sleep):
        self.conn = conn
        self.find = find
        self.sleep = sleep

    def call(self, service: str, method: str, hint: str = "", **kwargs):
        client = self.conn.client(service, retries=False)
        op = client.meta.method_to_api_mapping.get(method, method)
        pause, maybe_done = delays(), False
        total = attempts(self.conn)
        for number in range(1, total + 1):
            try:
                return getattr(client, method)(**kwargs)
            except (_connection.ClientError, _connection.BotoCoreError) as err:
                outcome = classify_error(err)
                last = number >= total or outcome == FAILED
                maybe_done = maybe_done or outcome == UNKNOWN
                # A conflict after an unknown outcome is most likely our own earlier create: look first.
                if maybe_done and (outcome == UNKNOWN or last):
                    found = self._look(pause)
                    if found is not None:
                        return found
                if last:
                    return self.conn._translate(service, op, _raise(err), hint)
                if outcome == NOT_DONE:
                    self.sleep(next(pause))
        return None  # pragma: no cover - the loop returns or raises

    def _look(self, pause):
        for _look in range(LOOKUPS):
            self.sleep(next(pause))
            found = self.find()
            if found is not None:
                return found
        return None


class DoneIfRetried:
    """``AwsConnection.call`` for a relationship call whose retry may meet its own earlier effect.

    ``DoneIfRetried(conn, done_codes).call("ec2", "create_route", **kwargs)`` returns None when the
    call failed with one of ``done_codes`` (InvalidPermission.Duplicate, RouteAlreadyExists,
    Resource.AlreadyAssociated...) after botocore retried it: an earlier attempt whose answer was lost
    did it. On a first attempt those codes fail as usual (the object is someone else's).
    """

    def __init__(self, conn, done_codes):
        self.conn = conn
        self.done_codes = tuple(done_codes)

    def call(self, service: str, method: str, not_found=(), hint: str = "", **kwargs):
        client = self.conn.client(service)
        op = client.meta.method_to_api_mapping.get(method, method)

        def attempt():
            try:
                return getattr(client, method)(**kwargs)
            except _connection.ClientError as err:
                code = err.response.get("Error", {}).get("Code")
                retried = err.response.get("ResponseMetadata", {}).get("RetryAttempts", 0) > 0
                if code in self.done_codes and retried:
                    return None
                raise

        return self.conn._translate(service, op, attempt, hint, not_found)
