"""Black-box contract suite for servers of the NPQ lead provider API v1 (speaks HTTP only)."""
