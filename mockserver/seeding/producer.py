"""`python -m mockserver.seeding.producer`: generate a seeded population and stream it to stdout
(seeding/batches.py starts it and reads it)."""

from mockserver.seeding.batches import produce

if __name__ == "__main__":
    produce()
