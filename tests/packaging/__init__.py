"""The production wheel and what it installs."""
