/*
 * Native baseline for bench/tickets: secp256k1 recovery and verification rates of Debian's
 * libsecp256k1 on one core. Reads vectors written by the TypeScript bench:
 *   N records of digest(32) | r||s(64) | recid(1) | uncompressed pubkey(65)
 * checks every recovery against the expected key, then times each operation for ~1 s and
 * prints one JSON line: {"recover_per_s":..., "verify_per_s":..., "checked":N}.
 */
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REC 162

/* CPU time of this (single-threaded) process, like the TypeScript side's process.cpuUsage:
 * on a quiet machine it equals wall time, on a shared one preemption does not count. */
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: %s vectors.bin [seconds]\n", argv[0]); return 2; }
  double budget = argc > 2 ? atof(argv[2]) : 1.0;
  FILE *f = fopen(argv[1], "rb");
  if (!f) { perror("open vectors"); return 2; }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  int n = (int)(size / REC);
  unsigned char *buf = malloc(size);
  if (n == 0 || fread(buf, 1, size, f) != (size_t)size) { fprintf(stderr, "bad vectors\n"); return 2; }
  fclose(f);

  secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  secp256k1_ecdsa_recoverable_signature *rsig = malloc(sizeof(*rsig) * n);
  secp256k1_ecdsa_signature *sig = malloc(sizeof(*sig) * n);
  secp256k1_pubkey *pub = malloc(sizeof(*pub) * n);

  for (int i = 0; i < n; i++) {
    unsigned char *r = buf + (size_t)i * REC;
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &rsig[i], r + 32, r[96]) ||
        !secp256k1_ecdsa_signature_parse_compact(ctx, &sig[i], r + 32) ||
        !secp256k1_ec_pubkey_parse(ctx, &pub[i], r + 97, 65)) {
      fprintf(stderr, "parse failed at %d\n", i);
      return 1;
    }
    secp256k1_pubkey got;
    unsigned char ser[65];
    size_t len = 65;
    if (!secp256k1_ecdsa_recover(ctx, &got, &rsig[i], r) ||
        !secp256k1_ec_pubkey_serialize(ctx, ser, &len, &got, SECP256K1_EC_UNCOMPRESSED) ||
        memcmp(ser, r + 97, 65) != 0 || !secp256k1_ecdsa_verify(ctx, &sig[i], r, &pub[i])) {
      fprintf(stderr, "vector %d does not recover/verify\n", i);
      return 1;
    }
  }

  long ops = 0;
  double t0 = now(), t;
  do {
    for (int i = 0; i < n; i++) {
      secp256k1_pubkey got;
      ops += secp256k1_ecdsa_recover(ctx, &got, &rsig[i], buf + (size_t)i * REC);
    }
  } while ((t = now()) - t0 < budget);
  double recover_rate = ops / (t - t0);

  ops = 0;
  t0 = now();
  do {
    for (int i = 0; i < n; i++) ops += secp256k1_ecdsa_verify(ctx, &sig[i], buf + (size_t)i * REC, &pub[i]);
  } while ((t = now()) - t0 < budget);
  double verify_rate = ops / (t - t0);

  printf("{\"recover_per_s\":%.0f,\"verify_per_s\":%.0f,\"checked\":%d}\n", recover_rate, verify_rate, n);
  secp256k1_context_destroy(ctx);
  return 0;
}
