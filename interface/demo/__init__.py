"""A demo clinic: about 25 plausible journeys, seeded through the public use cases only.

``seed_demo_clinic`` (in ``interface.demo.seed``) posts every entry through
``Journeys.open_journey`` and ``Journeys.append``, so the journey rules check the demo
data exactly as they check a clinic's.
"""
