"""The default security group of a new VPC holds AWS's default inbound rule.

AWS (Amazon VPC User Guide, "Default security groups for your VPCs"): the default group allows all
inbound traffic from network interfaces assigned to the same group (a rule with the group itself as
source, protocol all) and all outbound IPv4 traffic. moto creates the group with the outbound rule only,
so anything in the default group looks unreachable even from its own members.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.models import EC2Backend

from ._common import wrap


def _create_vpc(original: Any) -> Any:
    def create_vpc(self: Any, *args: Any, **kwargs: Any) -> Any:
        vpc = original(self, *args, **kwargs)
        group = self.get_security_group_from_name("default", vpc_id=vpc.id)
        if group is not None and not group.ingress_rules:
            self.authorize_security_group_ingress(group.id, "-1", None, None, [],
                                                  source_groups=[{"GroupId": group.id, "UserId": self.account_id}],
                                                  vpc_id=vpc.id)
        return vpc

    return create_vpc


def apply(settings: dict[str, Any]) -> None:
    wrap(EC2Backend, "create_vpc", _create_vpc)
