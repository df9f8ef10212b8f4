#!/bin/sh
# issue_cert.sh CA_DIR NAME IIN START END — issues, with the openssl command
# line only, a signing certificate (digitalSignature + nonRepudiation) for
# serialNumber "IIN<IIN>" from the CA in CA_DIR (ca.pem + ca.key, e.g. the
# demo CA that `qonaq serve --demo` writes), valid from START to END
# (openssl ca dates, YYMMDDHHMMSSZ, UTC). Writes CA_DIR/NAME_sign.pem and
# CA_DIR/NAME_sign.key, so tests sign with it like with a demo person.
set -eu
dir=$1 name=$2 iin=$3 start=$4 end=$5
O=/usr/bin/openssl
work="$dir/issue-$name.d"
mkdir -p "$work"
: > "$work/index.txt"
od -An -N8 -tx1 /dev/urandom | tr -d ' \n' > "$work/serial"
cat > "$work/ca.cnf" <<CNF
[ ca ]
default_ca = d
[ d ]
database = $work/index.txt
new_certs_dir = $work
serial = $work/serial
default_md = sha256
policy = p
unique_subject = no
copy_extensions = none
[ p ]
countryName = optional
commonName = supplied
serialNumber = optional
[ req ]
distinguished_name = dn
[ dn ]
[ sign ]
basicConstraints = CA:false
keyUsage = critical,digitalSignature,nonRepudiation
CNF
$O req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/${name}_sign.key" \
   -out "$work/req.csr" -subj "/C=KZ/CN=$name/serialNumber=IIN$iin" -config "$work/ca.cnf" 2>/dev/null
$O ca -batch -notext -preserveDN -config "$work/ca.cnf" -cert "$dir/ca.pem" -keyfile "$dir/ca.key" \
   -in "$work/req.csr" -out "$dir/${name}_sign.pem" -extensions sign -startdate "$start" -enddate "$end" \
   2>/dev/null
