"""How each API version shows the one world's records: one module per version, the same methods in each."""
