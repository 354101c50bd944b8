"""Download handlers: how the bytes of an exchange are fetched."""
