#!/usr/bin/env bash
# Makes a root CA, an RA signing certificate and an RA encryption certificate with openssl, in the shape the
# broker expects when CA files are configured (CertBroker:Ca:...). For development and test set-ups that want to
# load files rather than let the broker generate its own; not a substitute for a CA ceremony.
#
# Usage: make-dev-pki.sh OUTPUT_DIR
#
# Environment (all optional):
#   CERTBROKER_PKI_PASSPHRASE  encrypt the private keys (PKCS#8, AES-256-CBC) and protect ca.p12 with it;
#                              unset: keys are unencrypted PKCS#8 and ca.p12 has an empty password
#   CERTBROKER_PKI_ORG         organisation (O) of all three subjects     (default "CertBroker Dev")
#   CERTBROKER_PKI_KEY_BITS    RSA modulus length: 2048, 3072 or 4096      (default 2048)
#   CERTBROKER_PKI_CA_DAYS     CA certificate lifetime in days             (default 3650)
#   CERTBROKER_PKI_RA_DAYS     RA certificates' lifetime in days           (default 730)
set -euo pipefail

usage() {
    echo "usage: $0 OUTPUT_DIR" >&2
    exit 2
}

[[ $# -eq 1 ]] || usage
out=$1
org=${CERTBROKER_PKI_ORG:-CertBroker Dev}
bits=${CERTBROKER_PKI_KEY_BITS:-2048}
ca_days=${CERTBROKER_PKI_CA_DAYS:-3650}
ra_days=${CERTBROKER_PKI_RA_DAYS:-730}

case $bits in
    2048 | 3072 | 4096) ;;
    *) echo "CERTBROKER_PKI_KEY_BITS must be 2048, 3072 or 4096; got '$bits'" >&2; exit 2 ;;
esac
for v in "$ca_days" "$ra_days"; do
    [[ $v =~ ^[1-9][0-9]*$ ]] || { echo "lifetimes must be whole numbers of days; got '$v'" >&2; exit 2; }
done
if (( ra_days > ca_days )); then
    echo "CERTBROKER_PKI_RA_DAYS ($ra_days) must not exceed CERTBROKER_PKI_CA_DAYS ($ca_days)" >&2
    exit 2
fi

# Never overwrite a CA: certificates it issued would stop chaining.
for f in ca-key.pem ca-cert.pem ca.p12; do
    if [[ -e $out/$f ]]; then
        echo "$out/$f exists; refusing to overwrite CA material" >&2
        exit 1
    fi
done

umask 077
mkdir -p "$out"
chmod 700 "$out"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Key options for openssl: encrypt with the passphrase from the environment, never from the command line.
key_out=()
key_in=()
if [[ -n ${CERTBROKER_PKI_PASSPHRASE:-} ]]; then
    key_out=(-aes-256-cbc -pass env:CERTBROKER_PKI_PASSPHRASE)
    key_in=(-passin env:CERTBROKER_PKI_PASSPHRASE)
fi

# A positive 128-bit serial without a leading zero byte, like the broker's own.
serial() {
    local hex
    hex=$(openssl rand -hex 16)
    printf '0x%x%s' $(( (0x${hex:0:2} & 0x7f) | 0x40 )) "${hex:2}"
}

new_key() {
    openssl genpkey -quiet -algorithm RSA -pkeyopt "rsa_keygen_bits:$bits" "${key_out[@]}" -out "$1"
    chmod 600 "$1"
}

cat >"$work/ext.cnf" <<'EOF'
[req]
distinguished_name     = dn
[dn]

[ca]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ra_signing]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ra_encryption]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, keyEncipherment
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
EOF

# Root CA: self-signed, SHA-256.
new_key "$work/ca-key.pem"
openssl req -new -x509 -sha256 -days "$ca_days" -set_serial "$(serial)" \
    -key "$work/ca-key.pem" "${key_in[@]}" \
    -subj "/O=$org/CN=$org Root CA" \
    -config "$work/ext.cnf" -extensions ca \
    -out "$work/ca-cert.pem"

# RA certificates issued by the CA: one for signing replies, one that requests are encrypted to (as NDES has them).
issue_ra() {
    local name=$1 section=$2 cn=$3
    new_key "$work/$name-key.pem"
    openssl req -new -sha256 -key "$work/$name-key.pem" "${key_in[@]}" \
        -subj "/O=$org/CN=$cn" -out "$work/$name.csr"
    openssl x509 -req -sha256 -days "$ra_days" -set_serial "$(serial)" \
        -in "$work/$name.csr" \
        -CA "$work/ca-cert.pem" -CAkey "$work/ca-key.pem" "${key_in[@]}" \
        -extfile "$work/ext.cnf" -extensions "$section" \
        -out "$work/$name-cert.pem" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
}
issue_ra ra-signing ra_signing "$org RA Signing"
issue_ra ra-encryption ra_encryption "$org RA Encryption"

# PKCS#12 of the CA (certificate and key), for CertBroker:Ca:Pkcs12Path.
p12_pass=${CERTBROKER_PKI_PASSPHRASE:-}
CERTBROKER_PKI_P12_PASS=$p12_pass openssl pkcs12 -export \
    -in "$work/ca-cert.pem" -inkey "$work/ca-key.pem" "${key_in[@]}" \
    -name "$org Root CA" -passout env:CERTBROKER_PKI_P12_PASS \
    -out "$work/ca.p12"
chmod 600 "$work/ca.p12"

chmod 644 "$work"/*-cert.pem

# Check what was made before anyone loads it.
openssl verify -x509_strict -CAfile "$work/ca-cert.pem" \
    "$work/ca-cert.pem" "$work/ra-signing-cert.pem" "$work/ra-encryption-cert.pem" >/dev/null
for name in ca ra-signing ra-encryption; do
    cert_mod=$(openssl x509 -in "$work/$name-cert.pem" -noout -modulus)
    key_mod=$(openssl rsa -in "$work/$name-key.pem" "${key_in[@]}" -noout -modulus 2>/dev/null)
    [[ $cert_mod == "$key_mod" ]] || { echo "key and certificate of $name do not match" >&2; exit 1; }
done

# Only a complete, checked set reaches the output directory; the CA certificate goes last.
for f in ca-key.pem ca.p12 ra-signing-key.pem ra-signing-cert.pem ra-encryption-key.pem ra-encryption-cert.pem ca-cert.pem; do
    mv "$work/$f" "$out/$f"
done

echo "Wrote to $out:"
(cd "$out" && ls -l ca-cert.pem ca-key.pem ca.p12 ra-signing-cert.pem ra-signing-key.pem ra-encryption-cert.pem ra-encryption-key.pem)
for name in ca ra-signing ra-encryption; do
    openssl x509 -in "$out/$name-cert.pem" -noout -subject -enddate -fingerprint -sha256 | paste -sd ' '
done
