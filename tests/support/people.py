"""The demo tenant's people, by address (the sandbox seeds them; see sandbox/tenant.py)."""

from __future__ import annotations

DEMO_DOMAIN = "northwind.example"
MANAGER = f"maya.chen@{DEMO_DOMAIN}"
SAM = f"sam.okafor@{DEMO_DOMAIN}"
PRIYA = f"priya.raman@{DEMO_DOMAIN}"
LUKAS = f"lukas.weber@{DEMO_DOMAIN}"
AGENT = f"accord@{DEMO_DOMAIN}"
# A second team (Omar manages Elena and Jun) and an admin, for authorization tests.
OMAR = f"omar.haddad@{DEMO_DOMAIN}"
ELENA = f"elena.rossi@{DEMO_DOMAIN}"
JUN = f"jun.park@{DEMO_DOMAIN}"
ADMIN = f"ines.alvarez@{DEMO_DOMAIN}"
