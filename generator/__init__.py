"""jxjy-registry: validate Changzhou continuing-education records and publish them."""

__version__ = "0.1.0"
