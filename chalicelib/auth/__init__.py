"""Identity: RS256 bearer tokens verified against a JWKS, and the principal they carry."""
