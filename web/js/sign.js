// sign.js — signing in the browser: opens the user's PKCS#12 file with
// its password and makes a detached CMS SignedData over the exact bytes
// of a document, with pkijs + asn1js (npm) on the browser's Web Crypto.
// Nothing leaves the page: the key is decrypted in memory, imported into
// Web Crypto as non-extractable, used once and dropped; only the CMS (which
// holds the certificate, never the key) is sent to the server.
//
// The CMS is what qonaq's verifier expects (docs/signatures.md): one
// signer with its certificate, content type id-data, detached, signed
// attributes contentType, signingTime and messageDigest (SHA-256 of the
// document bytes), signature RSA PKCS#1 v1.5 or ECDSA P-256/P-384 with
// SHA-256. This module is split off by esbuild and loaded only when a page
// signs (dynamic import), so other pages do not carry the library.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  ecPublicKey: '1.2.840.10045.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  basicConstraints: '2.5.29.19',
};
const CURVES = { '1.2.840.10045.3.1.7': 'P-256', '1.3.132.0.34': 'P-384' };

// Errors carry a code the page translates (sign.err.<code>).
export class SignError extends Error {
  constructor(code, detail) { super(detail || code); this.code = code; }
}

function buf(u8) { return u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength); }

function cryptoEngine() {
  if (!globalThis.crypto || !globalThis.crypto.subtle) throw new SignError('no_webcrypto');
  return pkijs.getCrypto(true);
}

// Opens a PKCS#12 file (ArrayBuffer) with password: {key (PrivateKeyInfo),
// cert (the end-entity Certificate), chain (other certificates)}.
async function openP12(der, password) {
  cryptoEngine();
  const pw = buf(new TextEncoder().encode(password));
  let pfx;
  try { pfx = pkijs.PFX.fromBER(der); } catch { throw new SignError('not_p12'); }
  try {
    await pfx.parseInternalValues({ password: pw, checkIntegrity: true });
  } catch (e) {
    throw new SignError('bad_password', String(e && e.message));
  }
  const safe = pfx.parsedValue && pfx.parsedValue.authenticatedSafe;
  if (!safe) throw new SignError('not_p12');
  try {
    await safe.parseInternalValues({ safeContents: safe.safeContents.map(() => ({ password: pw })) });
  } catch (e) {
    throw new SignError('bad_password', String(e && e.message));
  }
  let key = null;
  const certs = [];
  for (const sc of safe.parsedValue.safeContents) {
    for (const bag of sc.value.safeBags) {
      if (bag.bagId === OID.shroudedKeyBag) {
        await bag.bagValue.parseInternalValues({ password: pw });
        key = bag.bagValue.parsedValue;
      } else if (bag.bagId === OID.keyBag) {
        key = bag.bagValue;
      } else if (bag.bagId === OID.certBag && bag.bagValue.parsedValue) {
        certs.push(bag.bagValue.parsedValue);
      }
    }
  }
  if (!key) throw new SignError('no_key');
  const isCa = (c) => (c.extensions || []).some((x) => x.extnID === OID.basicConstraints && x.parsedValue && x.parsedValue.cA);
  const cert = certs.find((c) => !isCa(c));
  if (!cert) throw new SignError('no_cert');
  return { key, cert, chain: certs.filter((c) => c !== cert) };
}

function importParams(key) {
  const alg = key.privateKeyAlgorithm;
  if (alg.algorithmId === OID.rsaEncryption) return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  if (alg.algorithmId === OID.ecPublicKey) {
    const curve = alg.algorithmParams && CURVES[alg.algorithmParams.valueBlock.toString()];
    if (curve) return { name: 'ECDSA', namedCurve: curve };
  }
  throw new SignError('unsupported_key');
}

// What the certificate says about its holder (shown before signing).
function describe(cert) {
  const rdn = {};
  for (const tv of cert.subject.typesAndValues) rdn[tv.type] = tv.value.valueBlock.value;
  const serial = rdn['2.5.4.5'] || '';
  return {
    name: rdn['2.5.4.3'] || '',
    iin: /^IIN\d{12}$/.test(serial) ? serial.slice(3) : '',
    notAfter: cert.notAfter.value.toISOString().slice(0, 10),
  };
}

// Signs the UTF-8 bytes of text with the PKCS#12 file (File or ArrayBuffer)
// and its password. Returns {signature: base64 of the DER CMS, signer:
// {name, iin, notAfter}}. Throws SignError (codes: no_webcrypto, not_p12,
// bad_password, no_key, no_cert, unsupported_key, expired, sign_failed).
export async function signText(p12, password, text) {
  const der = p12 instanceof ArrayBuffer ? p12 : await p12.arrayBuffer();
  const { key, cert } = await openP12(der, password);
  const signer = describe(cert);
  if (cert.notAfter.value < new Date()) throw new SignError('expired');
  const crypto = cryptoEngine();
  const data = new TextEncoder().encode(text);
  try {
    const priv = await crypto.importKey('pkcs8', key.toSchema().toBER(false), importParams(key), false, ['sign']);
    const digest = await crypto.digest({ name: 'SHA-256' }, data);
    const sd = new pkijs.SignedData({
      version: 1,
      encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
      signerInfos: [new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
            new pkijs.Attribute({ type: OID.signingTime, values: [new asn1js.UTCTime({ valueDate: new Date() })] }),
            new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: digest })] }),
          ],
        }),
      })],
      certificates: [cert],
    });
    await sd.sign(priv, 0, 'SHA-256');
    const ci = new pkijs.ContentInfo({ contentType: OID.signedData, content: sd.toSchema(true) });
    const out = new Uint8Array(ci.toSchema().toBER(false));
    let bin = '';
    for (let i = 0; i < out.length; i += 0x8000) bin += String.fromCharCode(...out.subarray(i, i + 0x8000));
    return { signature: btoa(bin), signer };
  } catch (e) {
    if (e instanceof SignError) throw e;
    throw new SignError('sign_failed', String(e && e.message));
  }
}

// Reads who the file belongs to without signing (for the confirmation step).
export async function p12Holder(p12, password) {
  const der = p12 instanceof ArrayBuffer ? p12 : await p12.arrayBuffer();
  return describe((await openP12(der, password)).cert);
}
