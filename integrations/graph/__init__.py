"""Microsoft Graph: the client factory, credentials and error mapping."""
