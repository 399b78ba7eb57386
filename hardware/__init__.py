"""Gateway hardware inventory: gateways, SIM slots, numbers and their allocation.

This package never imports the web layer; its functions take a SQLAlchemy session.
"""
