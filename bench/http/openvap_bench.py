"""What the HTTP benchmark scripts share (prepare.py, issue_visa.py): TOTP codes and the
verification link of an account's mail in the server's mail folder."""
import base64, glob, hashlib, hmac, re, struct, time


def totp(secret):  # RFC 6238, SHA-1, 30 s, 6 digits
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


def mailed_token(data_dir, email):
    """The token of the verification link mailed to `email` (DATA_DIR/mail/*.eml, base64 parts),
    waiting up to 10 s for the outbox; None if none came."""
    for _ in range(100):
        for name in glob.glob(data_dir + "/mail/*.eml"):
            text = open(name).read()
            if not re.search(r"^To: .*" + re.escape(email), text, re.M):
                continue  # another account's mail
            for block in re.findall(r"base64\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)", text):
                body = base64.b64decode(block).decode("utf-8", "replace")
                m = re.search(r"token=([A-Za-z0-9_-]+)", body)
                if m:
                    return m.group(1)
        time.sleep(0.1)
    return None
