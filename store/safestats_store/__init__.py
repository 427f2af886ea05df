"""SafeStats store: organisations, Data Sharing Agreements, users, conditions of use, nine incident
datasets, audit, and an OGC API - Features service."""
__version__ = "0.1.0"
