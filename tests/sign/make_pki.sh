#!/bin/sh
# make_pki.sh DIR — builds the test PKI of tests/sign with the openssl command
# line only (never with qonaq's code), so that qonaq is checked against
# signatures made by an independent implementation.
#
# DIR gets: root.pem/.key (trusted), other.pem (an untrusted root), fake.pem
# (same name as root, other key), sub.pem (an intermediate under root), signer certificates NAME.pem/NAME.key, CRLs
# crl.pem (current, lists revoked), crl_expired.pem, crl_fake.pem (bad
# signature), doc.json and detached signatures of it.
set -eu
dir=$1
mkdir -p "$dir"
cd "$dir"
O=/usr/bin/openssl

cat > ca.cnf <<'CNF'
[ ca ]
default_ca = ca_default
[ ca_default ]
dir = .
database = ./index.txt
new_certs_dir = ./newcerts
serial = ./serial
crlnumber = ./crlnumber
default_md = sha256
default_days = 365
default_crl_days = 30
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
countryName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
serialNumber = optional
[ req ]
distinguished_name = req_dn
[ req_dn ]
[ v3_ca ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ ext_sign ]
basicConstraints = CA:false
keyUsage = critical,digitalSignature,nonRepudiation
[ ext_auth ]
basicConstraints = CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
[ ext_enc ]
basicConstraints = CA:false
keyUsage = critical,keyEncipherment
[ ext_nrep ]
basicConstraints = CA:false
keyUsage = critical,nonRepudiation
CNF

mkca() { # name subject
  mkdir -p "$1.d/newcerts"; : > "$1.d/index.txt"; echo 1000 > "$1.d/serial"; echo 1000 > "$1.d/crlnumber"
  $O req -x509 -new -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.pem" -subj "$2" -days 3650 \
     -config ca.cnf -extensions v3_ca 2>/dev/null
}
mkca root "/C=KZ/O=Qonaq Test/CN=Qonaq Test Root"
mkca other "/C=KZ/O=Elsewhere/CN=Other Root"
mkca fake "/C=KZ/O=Qonaq Test/CN=Qonaq Test Root"

# issue CA NAME KEYSPEC SUBJECT EXT [openssl ca date options...]
issue() {
  ca=$1 name=$2 keyspec=$3 subj=$4 ext=$5; shift 5
  case $keyspec in
    ec) $O req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$name.key" \
          -out "$name.csr" -subj "$subj" -config ca.cnf 2>/dev/null ;;
    *) $O req -new -newkey "$keyspec" -nodes -keyout "$name.key" -out "$name.csr" -subj "$subj" \
          -config ca.cnf 2>/dev/null ;;
  esac
  (cd "$ca.d" && $O ca -batch -notext -preserveDN -config ../ca.cnf -cert "../$ca.pem" \
     -keyfile "../$ca.key" -in "../$name.csr" -out "../$name.pem" -extensions "$ext" "$@" 2>/dev/null)
}
issue root alice rsa:2048 "/C=KZ/CN=ALICE TESTOVA/serialNumber=IIN000101300009" ext_sign
issue root alice_auth ec "/C=KZ/CN=ALICE TESTOVA/serialNumber=IIN000101300009" ext_auth
issue root bob ec "/C=KZ/CN=BOB TESTOV/serialNumber=IIN851231412342" ext_sign
issue root clerk rsa:2048 "/C=KZ/O=Hotel Test LLP/OU=BIN940140000385/CN=CLERK TESTOV/serialNumber=IIN010101500013" ext_sign
issue other stranger rsa:2048 "/C=KZ/CN=STRANGER/serialNumber=IIN200229699997" ext_sign
issue root expired rsa:2048 "/C=KZ/CN=OLD TESTOV/serialNumber=IIN900101300811" ext_sign \
  -startdate 200101000000Z -enddate 210101000000Z
issue root future rsa:2048 "/C=KZ/CN=NEW TESTOV/serialNumber=IIN900101300811" ext_sign \
  -startdate 20900101000000Z -enddate 20910101000000Z
issue root revoked rsa:2048 "/C=KZ/CN=LOST TESTOV/serialNumber=IIN851231412342" ext_sign
issue root enc rsa:2048 "/C=KZ/CN=ENC TESTOV/serialNumber=IIN000101300009" ext_enc
issue root nrep ec "/C=KZ/CN=NREP TESTOV/serialNumber=IIN000101300009" ext_nrep
issue root weak rsa:1024 "/C=KZ/CN=WEAK TESTOV/serialNumber=IIN000101300009" ext_sign
issue root noiin ec "/C=KZ/CN=NOBODY" ext_sign
issue root badiin ec "/C=KZ/CN=BAD CHECK/serialNumber=IIN000101300008" ext_sign

# An intermediate CA under root, a signer under it, and its (empty) CRL.
issue root sub rsa:2048 "/C=KZ/O=Qonaq Test/CN=Qonaq Test Sub CA" v3_ca
mkdir -p sub.d/newcerts; : > sub.d/index.txt; echo 2000 > sub.d/serial; echo 2000 > sub.d/crlnumber
issue sub subleaf ec "/C=KZ/CN=SUB LEAF/serialNumber=IIN200229699997" ext_sign
(cd sub.d && $O ca -config ../ca.cnf -cert ../sub.pem -keyfile ../sub.key -gencrl -out ../crl_sub.pem 2>/dev/null)
# A certificate "issued" by alice, who is no CA.
$O req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout byalice.key -out byalice.csr \
  -subj "/C=KZ/CN=BY ALICE/serialNumber=IIN851231412342" -config ca.cnf 2>/dev/null
$O x509 -req -in byalice.csr -CA alice.pem -CAkey alice.key -CAcreateserial -days 30 \
  -extfile ca.cnf -extensions ext_sign -out byalice.pem 2>/dev/null

(cd root.d && $O ca -config ../ca.cnf -cert ../root.pem -keyfile ../root.key -revoke ../revoked.pem 2>/dev/null)
(cd root.d && $O ca -config ../ca.cnf -cert ../root.pem -keyfile ../root.key -gencrl -out ../crl.pem 2>/dev/null)
$O crl -in crl.pem -outform DER -out crl.der
(cd root.d && $O ca -config ../ca.cnf -cert ../root.pem -keyfile ../root.key -gencrl \
   -crl_lastupdate 200101000000Z -crl_nextupdate 200201000000Z -out ../crl_expired.pem 2>/dev/null)
(cd fake.d && $O ca -config ../ca.cnf -cert ../fake.pem -keyfile ../fake.key -gencrl -out ../crl_fake.pem 2>/dev/null)
cat root.pem other.pem > /dev/null
$O x509 -in root.pem -outform DER -out root.der

printf '{"service":"consent","owner_iin":"000101300009","address":"Astana, Mangilik El 1"}' > doc.json

sign() { # NAME OUT [extra cms options]
  n=$1 out=$2; shift 2
  $O cms -sign -binary -in doc.json -signer "$n.pem" -inkey "$n.key" -outform DER -out "$out" "$@"
}
for n in alice alice_auth bob clerk stranger expired future revoked enc nrep weak noiin badiin; do
  sign $n "$n.p7s"
done
sign alice alice_sha1.p7s -md sha1
sign alice alice_noattr.p7s -noattr
sign alice alice_embedded.p7s -nodetach
$O cms -sign -binary -in doc.json -signer alice.pem -inkey alice.key -outform PEM -out alice_p7s.pem
sign subleaf subleaf.p7s -certfile sub.pem
sign subleaf subleaf_nochain.p7s
sign byalice byalice.p7s -certfile alice.pem
$O base64 -in alice.p7s -out alice.b64
sed 's/ CMS-----/ PKCS7-----/' alice_p7s.pem > alice_pkcs7.pem
sign alice alice_bob.p7s -signer bob.pem -inkey bob.key
echo ok > done
