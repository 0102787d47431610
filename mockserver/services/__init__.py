"""Use cases: load facts through the store, decide with the domain rules, write in one transaction."""
