"""Token verification with one code path for every stage.

In AWS stages the keys are the Cognito user pool's JWKS (fetched once per
container and cached by PyJWT). In the `local` stage and in tests they are an
RSA key pair made at start-up (or read from LOCAL_JWT_KEY_FILE, which the local
runner writes, so tokens survive an app reload); the same verifier reads the
public half as a JWKS.
"""
import json
import os
import time
import uuid
from functools import lru_cache

from chalicelib import settings

ALGORITHM = "RS256"
LOCAL_TOKEN_SECONDS = 12 * 3600


class InvalidToken(Exception):
    pass


@lru_cache(maxsize=1)
def local_private_key():
    """The local stage's signing key: from LOCAL_JWT_KEY_FILE if set, else made now."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    path = os.environ.get("LOCAL_JWT_KEY_FILE")
    if path and os.path.exists(path):
        with open(path, "rb") as f:
            return serialization.load_pem_private_key(f.read(), password=None)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if path:
        with open(path, "wb") as f:
            f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    return key


def local_jwks() -> dict:
    from jwt.algorithms import RSAAlgorithm

    jwk = json.loads(RSAAlgorithm.to_jwk(local_private_key().public_key()))
    jwk.update({"kid": "local", "alg": ALGORITHM, "use": "sig"})
    return {"keys": [jwk]}


@lru_cache(maxsize=1)
def _jwks_client(url: str):
    import jwt

    return jwt.PyJWKClient(url, cache_keys=True, lifespan=3600)


def _signing_key(token: str):
    import jwt

    if settings.is_local():
        header = jwt.get_unverified_header(token)
        for jwk in local_jwks()["keys"]:
            if jwk["kid"] == header.get("kid"):
                return jwt.PyJWK(jwk).key
        raise InvalidToken("unknown key id")
    url = settings.jwks_url()
    if not url:
        raise InvalidToken("no JWKS configured for this stage")
    return _jwks_client(url).get_signing_key_from_jwt(token).key


def verify(token: str) -> dict:
    """The claims of a valid token; InvalidToken otherwise (bad signature,
    expired, wrong issuer or audience, wrong algorithm)."""
    import jwt

    try:
        return jwt.decode(token, _signing_key(token), algorithms=[ALGORITHM], issuer=settings.jwt_issuer(),
                          audience=settings.jwt_audience(), options={"require": ["exp", "iat", "sub"]})
    except (jwt.PyJWTError, ValueError) as error:
        raise InvalidToken(str(error)) from error


def issue_local(user: dict, seconds: int = LOCAL_TOKEN_SECONDS) -> str:
    """A token for a demo user, signed with the local key (local stage and tests only)."""
    import jwt

    if not settings.is_local():
        raise RuntimeError("local tokens exist only in the local stage")
    now = int(time.time())
    claims = {"sub": user["id"], "name": user.get("full_name", ""), "roles": list(user["roles"]),
              "unit_id": user["unit_id"], "iss": settings.jwt_issuer(), "aud": settings.jwt_audience(),
              "iat": now, "exp": now + seconds, "jti": uuid.uuid4().hex}
    return jwt.encode(claims, local_private_key(), algorithm=ALGORITHM, headers={"kid": "local"})
