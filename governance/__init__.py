"""Governance rules of SafeStats as plain logic (no widgets): conditions of use and purpose,
client audit log, cache retention, protective marking, export guard and disclosure control."""
