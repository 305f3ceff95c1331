#!/bin/sh
# Regenerates the bzip2 fixtures (Go's standard library reads bzip2 but
# cannot write it). The token is fake, in the real shape; the pk_live_ key
# is its negative twin, a Stripe-like key that must never be reported.
set -eu
cd "$(dirname "$0")"
printf 'CLICKUP_API_TOKEN=pk_7043602_Q8ZK3M1TR7WX9B2NV4HJ6LD0PC5YG8VY\nSTRIPE_KEY=pk_live_51Hc8ZKJ2eZvKYlo2C0aBcDeFg\n' > env.txt
bzip2 -9 -c env.txt > env.txt.bz2
mkdir -p tbz/app
cp env.txt tbz/app/.env
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C tbz -cf - app | bzip2 -9 -c > release.tbz2
rm -r tbz env.txt
head -c 8388608 /dev/zero | bzip2 -9 -c > bomb.bz2
