"""The sandbox's routers, one per resource."""
