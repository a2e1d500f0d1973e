import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importPKCS8, type CryptoKey, type JWK } from 'jose';

export const TOKEN_ALG = 'ES256';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * A signing key (access tokens, service tokens): from configuration when set, otherwise generated
 * once and kept in the data folder (so tokens survive a restart), or per process when in memory.
 */
export async function loadSigningKey(pem: string | undefined, dataDir: string, fileName = 'jwt-signing-key.pem'): Promise<SigningKey> {
  let privateKey: CryptoKey;
  const file = dataDir === 'memory://' ? undefined : `${dataDir}/${fileName}`;
  if (pem) {
    privateKey = await importPKCS8(pem.replace(/\\n/g, '\n'), TOKEN_ALG, { extractable: true });
  } else if (file && existsSync(file)) {
    privateKey = await importPKCS8(readFileSync(file, 'utf8'), TOKEN_ALG, { extractable: true });
  } else {
    ({ privateKey } = await generateKeyPair(TOKEN_ALG, { extractable: true }));
    if (file) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, await exportPKCS8(privateKey), { mode: 0o600 });
    }
  }
  const jwk = await exportJWK(privateKey);
  const publicJwk: JWK = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, privateKey, publicJwk: { ...publicJwk, kid, alg: TOKEN_ALG, use: 'sig' } };
}
