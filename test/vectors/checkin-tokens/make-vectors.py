# Independent computation of check-in token vectors from the construction in docs/checkin-tokens.md.
import hmac, hashlib, json, os
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

def hkdf(ikm, salt, info, n):
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    out, t, i = b'', b'', 1
    while len(out) < n:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest(); out += t; i += 1
    return out[:n]

def keys(secret, day, salt):
    okm = hkdf(secret.encode(), salt.encode(), f'day {day}'.encode(), 64)
    return okm[:32], okm[32:]

def keys_v2(secret, day):
    okm = hkdf(secret.encode(), b'greenlight/checkin-tokens/v2', f'day {day}'.encode(), 64)
    return okm[:32], okm[32:36]

def aes(key, block, dec=False):
    c = Cipher(algorithms.AES(key), modes.ECB())
    x = c.decryptor() if dec else c.encryptor()
    return x.update(block) + x.finalize()

def mint(secret, holder, day, index):
    ek, check = keys_v2(secret, day)
    return aes(ek, holder.to_bytes(5, 'big') + index.to_bytes(3, 'big') + day.to_bytes(4, 'big') + check)

def mint_v1(secret, holder, day):
    ek, mk = keys(secret, day, 'greenlight/checkin-tokens/v1')
    head = holder.to_bytes(8, 'big') + day.to_bytes(4, 'big')
    return aes(ek, head + hmac.new(mk, head, hashlib.sha256).digest()[:4])

SECRET = 'greenlight check-in token test vectors, not a real secret'
DAY = 20422  # 2025-11-30
cases = []
def opens(name, note, token, day, holder, index):
    cases.append({'name': name, 'note': note, 'token': token.hex(), 'day': day,
                  'expected': {'holder': str(holder), 'index': index}})
def refused(name, note, token, day):
    cases.append({'name': name, 'note': note, 'token': token.hex(), 'day': day, 'expected': None})

opens('first-token', 'holder 1, index 0', mint(SECRET, 1, DAY, 0), DAY, 1, 0)
for i, venue in enumerate(['cafe', 'gym', 'restaurant', 'karaoke']):
    opens(f'one-holder-one-day-{venue}',
          'issue 16: one holder visits four venues on one day; each entry carries its own token, and all four open to the holder',
          mint(SECRET, 4242, DAY, 700 + i), DAY, 4242, 700 + i)
opens('largest-fields', 'holder 2^40 - 1, index 2^24 - 1', mint(SECRET, 2**40 - 1, DAY, 2**24 - 1), DAY, 2**40 - 1, 2**24 - 1)
opens('holder-above-24-bits', 'holder 2^24 + 5: the 5-byte holder field crosses the 2 + 3 byte split', mint(SECRET, 2**24 + 5, DAY, 3), DAY, 2**24 + 5, 3)
opens('epoch-day', 'day 0 (1970-01-01)', mint(SECRET, 77, 0, 1), 0, 77, 1)
refused('other-day', 'a token of one day does not open on the next', mint(SECRET, 4242, DAY, 700), DAY + 1)
t = bytearray(mint(SECRET, 4242, DAY, 700)); t[0] ^= 1
refused('bit-flipped-first', 'the lowest bit of the first byte flipped', bytes(t), DAY)
t = bytearray(mint(SECRET, 4242, DAY, 700)); t[15] ^= 0x80
refused('bit-flipped-last', 'the highest bit of the last byte flipped', bytes(t), DAY)
refused('v1-token', 'the one-token-per-day construction of before (salt .../v1, 8-byte holder): not a v2 token', mint_v1(SECRET, 4242, DAY), DAY)
refused('other-secret', 'minted under another master secret', mint('another secret of more than thirty-two bytes!', 4242, DAY, 700), DAY)
refused('zeros', 'sixteen zero bytes', bytes(16), DAY)
refused('short', 'fifteen bytes', mint(SECRET, 4242, DAY, 700)[:15], DAY)
print(json.dumps({'secret': SECRET, 'cases': cases}, indent=2))
