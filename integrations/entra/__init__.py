"""Entra ID (Azure AD): the signing keys that tokens are checked against."""
