"""Everything that talks to the SafeStats store: HTTP, client, session, load tasks, layers.

No widgets here. Import submodules directly, e.g. ``from .providers.session import SessionManager``.
"""
