"""The sample-data simulator: realistic exports of customers, surveys, reviews and tickets with
planted effects (`python -m cx sample`), for the bundled sample, the tests and the benchmarks.
Not part of the product's pipeline: nothing under cx/ imports it but the command line.
"""
