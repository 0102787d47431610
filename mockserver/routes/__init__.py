"""The v1 API's blueprints, one per resource family: parse, call a use case, render."""
