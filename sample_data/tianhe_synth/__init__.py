"""Pieces of the synthetic Tianhe CBD sample, built in local metres around the centre and moved to UTM at the end.

Every module takes a ``numpy.random.Generator`` made from the seed and a stage number, so any one layer can
be rebuilt on its own and comes out the same (see ``generate_tianhe.py``).
"""
