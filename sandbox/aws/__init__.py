"""AWS side of the sandbox: moto in-process behind counting, fault injection and EC2 paging."""
