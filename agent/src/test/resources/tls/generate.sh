#!/usr/bin/env bash
# TEST-ONLY certificates and keys for the mTLS tests (ListenerTlsTest, BmctlTlsTest). They protect nothing; never use
# them outside tests. Regenerate with: ./generate.sh (needs openssl). Valid for 100 years so tests never hit expiry.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
days=36500

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key"; }

ca() {
  key "$1"
  openssl req -x509 -new -key "$1.key" -subj "/CN=$2" -days "$days" -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$1.pem"
}

# leaf NAME CN CA EXTENDED_KEY_USAGE [SAN]
leaf() {
  key "$1"
  openssl req -new -key "$1.key" -subj "/CN=$2" -out "$1.csr"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature"
    echo "extendedKeyUsage=$4"
    if [ -n "${5:-}" ]; then echo "subjectAltName=$5"; fi
  } > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -days "$days" -sha256 \
    -extfile "$1.ext" -out "$1.pem"
  rm -f "$1.csr" "$1.ext"
}

ca ca "bm-agent test CA"
ca rogue-ca "rogue test CA"
leaf server bm-agent ca serverAuth "IP:127.0.0.1,DNS:localhost"
leaf client control-plane ca clientAuth
leaf other-client other-control-plane ca clientAuth
leaf rogue-client control-plane rogue-ca clientAuth
rm -f ./*.srl ca.key rogue-ca.key
