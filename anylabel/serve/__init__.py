"""The inference server: AnyLabel's models behind X-AnyLabeling-Server's HTTP API.

``api`` turns requests into responses (no sockets, no Qt); ``http_runner`` serves it with
the standard library and ``ray_runner`` on Ray Serve. ``anylabel serve`` starts either.
"""
