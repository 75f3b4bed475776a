"""What instructors use to make exercises: scaffolds, solution regions, notebooks, release, validate."""
