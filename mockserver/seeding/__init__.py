"""Seeded world generation: reference data plus Faker people, applications and their training histories."""
