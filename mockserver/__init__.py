"""A stateful mock of DfE's NPQ lead provider API v1."""
