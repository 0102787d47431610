"""Shared, import-light helpers of the NPQ lead provider kit: where its data files live."""
