/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Policy benchmark: decisions per second and p50 latency from a request's
 * JSON text to the decision (parse + evaluate), and the decision-only time
 * on an already-parsed request, under the strict policy. Requests are a
 * fixed synthetic mix (review, refused, cover, emergency, preservation),
 * unsigned: signature checks are excluded, as on the Cedar side.
 *
 *   bench_policy [--emit FILE] [--seconds S]
 * --emit writes the same requests as NDJSON for the peer (bench/cedar).
 * Prints one JSON object on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sealed/policy.h"
#include "sealed/request.h"
#include "sealed/time.h"

#define NREQ 8

static const char *const reqs[NREQ] = {
    /* a subpoena for identity and contact: review */
    "{\"agency\": \"quellford-pd\", \"official\": \"Det. O. Vasquiel, Narcotics\", "
    "\"legal_basis\": {\"type\": \"subpoena\", \"reference\": \"GJ-2026-118\", \"issued_by\": "
    "\"Grand Jury, District of Examplia\", \"issued_at\": \"2026-11-21T00:00:00Z\", "
    "\"expires_at\": \"2027-02-19T00:00:00Z\", \"facts\": \"The subject received 14 parcels at "
    "this address between March and June that were later found to contain fentanyl.\"}, "
    "\"purpose\": {\"activity\": \"criminal_investigation\", \"offense\": \"21 USC 841\"}, "
    "\"subjects\": [{\"type\": \"person\", \"name\": \"Ima Drovenko\", \"address\": \"221 S "
    "Tamber St Apt 2, Quellford MN 55001\"}], \"categories\": [\"identity\", \"contact\"], "
    "\"window\": {\"from\": \"2026-01-01\", \"to\": \"2026-10-31\"}}",
    /* the same asking for tracking: refused (PA-5) */
    "{\"agency\": \"quellford-pd\", \"official\": \"Det. O. Vasquiel, Narcotics\", "
    "\"legal_basis\": {\"type\": \"subpoena\", \"reference\": \"GJ-2026-119\", \"issued_by\": "
    "\"Grand Jury, District of Examplia\", \"issued_at\": \"2026-11-21T00:00:00Z\", "
    "\"expires_at\": \"2027-02-19T00:00:00Z\", \"facts\": \"The subject received 14 parcels at "
    "this address between March and June that were later found to contain fentanyl.\"}, "
    "\"purpose\": {\"activity\": \"criminal_investigation\", \"offense\": \"21 USC 841\"}, "
    "\"subjects\": [{\"type\": \"account\", \"value\": \"AC-1\"}], \"categories\": "
    "[\"identity\", \"tracking\"], \"window\": {\"from\": \"2026-01-01\", \"to\": "
    "\"2026-10-31\"}}",
    /* civil immigration by subpoena: refused under strict (PA-3) */
    "{\"agency\": \"ice-field-7\", \"official\": \"Officer M. Quell\", \"legal_basis\": "
    "{\"type\": \"subpoena\", \"reference\": \"AS-2026-4\", \"issued_by\": \"Field Office 7\", "
    "\"issued_at\": \"2026-11-21T00:00:00Z\", \"expires_at\": \"2027-02-19T00:00:00Z\", "
    "\"facts\": \"An administrative subpoena for the contact data of one account holder whose "
    "status is under review by the field office.\"}, \"purpose\": {\"activity\": "
    "\"civil_immigration\"}, \"subjects\": [{\"type\": \"email\", \"value\": "
    "\"orlen.v@post.example\"}], \"categories\": [\"contact\"], \"window\": {\"from\": "
    "\"2026-06-01\", \"to\": \"2026-10-31\"}}",
    /* a warrant for three subjects (unsigned: refused under strict) */
    "{\"agency\": \"quellford-pd\", \"official\": \"Det. O. Vasquiel\", \"legal_basis\": "
    "{\"type\": \"warrant\", \"reference\": \"W-2026-9\", \"issued_by\": \"District Court\", "
    "\"issued_at\": \"2026-11-21T00:00:00Z\", \"expires_at\": \"2027-02-19T00:00:00Z\", "
    "\"facts\": \"Probable cause: the three accounts bought money orders used to pay for "
    "counterfeit goods shipped from the same facility.\"}, \"purpose\": {\"activity\": "
    "\"criminal_investigation\", \"offense\": \"18 USC 2320\"}, \"subjects\": [{\"type\": "
    "\"account\", \"value\": \"AC-11\"}, {\"type\": \"account\", \"value\": \"AC-12\"}, "
    "{\"type\": \"phone\", \"value\": \"612-555-0142\"}], \"categories\": [\"payment_means\", "
    "\"payment_detail\", \"tracking\"], \"window\": {\"from\": \"2026-03-01\", \"to\": "
    "\"2026-10-31\"}}",
    /* a mail cover (unsigned, strict refuses; MC rules run) */
    "{\"agency\": \"postal-inspection\", \"official\": \"Insp. R. Tamber\", \"legal_basis\": "
    "{\"type\": \"mail_cover\", \"reference\": \"MC-2026-7\", \"issued_by\": \"District Court of "
    "Examplia\", \"issued_at\": \"2026-11-23T00:00:00Z\", \"expires_at\": "
    "\"2027-02-19T00:00:00Z\", \"facts\": \"Parcels mailed from this address to three buyers "
    "held counterfeit notes; the seizures are documented in case file 2026-77.\"}, "
    "\"purpose\": {\"activity\": \"criminal_investigation\", \"offense\": \"18 USC 471\"}, "
    "\"subjects\": [{\"type\": \"person\", \"name\": \"Orlen Vasquiel\", \"address\": \"19 Wexley "
    "Rd, Brantmoor VT 05001\"}], \"categories\": [\"mail_exterior\"], \"window\": {\"from\": "
    "\"2026-11-25\", \"to\": \"2026-12-24\"}, \"cover\": {\"ground\": \"crime\", \"address\": "
    "\"19 Wexley Road, Brantmoor VT 05001\", \"start\": \"2026-11-25\", \"days\": 30, "
    "\"supervisor\": \"Insp. in Charge K. Lune\", \"indicted\": false, \"attorney\": null, "
    "\"subject_is_attorney_or_judicial_officer\": false}}",
    /* an emergency: approved with a follow-up deadline */
    "{\"agency\": \"brantmoor-sheriff\", \"official\": \"Sgt. P. Orlo\", \"legal_basis\": "
    "{\"type\": \"emergency\", \"reference\": \"E-2026-3\", \"issued_by\": \"Brantmoor "
    "Sheriff\", \"issued_at\": \"2026-11-23T00:00:00Z\", \"expires_at\": "
    "\"2026-11-30T00:00:00Z\", \"facts\": \"A missing child was last seen with the account "
    "holder; the account's contact data may locate them tonight.\"}, \"purpose\": "
    "{\"activity\": \"health_safety\"}, \"subjects\": [{\"type\": \"account\", \"value\": "
    "\"AC-1\"}], \"categories\": [\"contact\"], \"window\": {\"from\": \"2026-11-01\", \"to\": "
    "\"2026-11-23\"}, \"emergency\": {\"attestation\": \"A child of six is missing since noon "
    "and is in danger of serious injury; the holder was the last person seen with the "
    "child.\"}}",
    /* preservation: review */
    "{\"agency\": \"quellford-pd\", \"official\": \"Det. O. Vasquiel\", \"legal_basis\": "
    "{\"type\": \"preservation\", \"reference\": \"P-2026-1\", \"issued_by\": \"Quellford PD\", "
    "\"issued_at\": \"2026-11-23T00:00:00Z\", \"expires_at\": \"2027-02-19T00:00:00Z\", "
    "\"facts\": \"An investigation of parcel fraud is opening; records of this email must not "
    "expire under retention while process is sought.\"}, \"purpose\": {\"activity\": "
    "\"criminal_investigation\", \"offense\": \"18 USC 1341\"}, \"subjects\": [{\"type\": "
    "\"email\", \"value\": \"orlen.v@post.example\"}], \"categories\": [], \"window\": "
    "{\"from\": \"2026-01-01\", \"to\": \"2026-11-23\"}}",
    /* consent for everything customer-side: review */
    "{\"agency\": \"examplia-legal-aid\", \"official\": \"Counsel J. Wexley\", \"legal_basis\": "
    "{\"type\": \"consent\", \"reference\": \"C-2026-40\", \"issued_by\": \"the subject\", "
    "\"issued_at\": \"2026-11-20T00:00:00Z\", \"expires_at\": \"2027-01-31T00:00:00Z\", "
    "\"facts\": \"The subject signed a written consent for the release of her own records to "
    "her counsel in a civil dispute over a lost parcel.\"}, \"purpose\": {\"activity\": "
    "\"civil_other\"}, \"subjects\": [{\"type\": \"tracking\", \"value\": "
    "\"9400100000000000000000\"}], \"categories\": [\"identity\", \"contact\", \"tracking\"], "
    "\"window\": {\"from\": \"2026-01-01\", \"to\": \"2026-11-19\"}}",
};

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec * 1e9 + (double) ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    double seconds = 2.0;
    const char *emit = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--emit") == 0 && i + 1 < argc) {
            emit = argv[++i];
        } else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            seconds = strtod(argv[++i], NULL);
        } else {
            fprintf(stderr, "usage: bench_policy [--emit FILE] [--seconds S]\n");
            return 2;
        }
    }
    if (emit != NULL) {
        FILE *f = fopen(emit, "w");
        if (f == NULL) {
            perror(emit);
            return 1;
        }
        for (int i = 0; i < NREQ; i++) {
            fprintf(f, "%s\n", reqs[i]);
        }
        fclose(f);
    }
    seal_error err;
    seal_policy *pol = NULL;
    if (seal_policy_builtin("strict", &pol, &err) != SEAL_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    int64_t now;
    if (seal_time_parse("2026-11-24T00:00:00Z", &now) != SEAL_OK) {
        return 1;
    }
    seal_check_options o;
    seal_check_options_init(&o, now);
    o.skip_signatures = true;
    static seal_decision d;
    size_t lens[NREQ];
    int verdicts[3] = {0, 0, 0};
    for (int i = 0; i < NREQ; i++) {
        lens[i] = strlen(reqs[i]);
        seal_request *r = NULL;
        if (seal_request_parse(reqs[i], lens[i], &r, &err) != SEAL_OK) {
            return 1;
        }
        seal_policy_check(pol, r, &o, &d);
        verdicts[d.verdict]++;
        seal_request_free(r);
    }

    /* 1. from JSON text: parse + evaluate, each timed */
    size_t cap = 1u << 22, n = 0;
    double *lat = malloc(cap * sizeof(double));
    if (lat == NULL) {
        return 1;
    }
    double t0 = now_ns(), end = t0 + seconds * 1e9, t;
    do {
        for (int i = 0; i < NREQ && n < cap; i++) {
            double a = now_ns();
            seal_request *r = NULL;
            if (seal_request_parse(reqs[i], lens[i], &r, &err) != SEAL_OK) {
                return 1;
            }
            seal_policy_check(pol, r, &o, &d);
            seal_request_free(r);
            lat[n++] = now_ns() - a;
        }
        t = now_ns();
    } while (t < end && n < cap);
    double total_s = (t - t0) / 1e9;
    double per_s = (double) n / total_s;
    qsort(lat, n, sizeof(double), cmp_double);
    double p50_text = lat[n / 2], p99_text = lat[(size_t) ((double) n * 0.99)];

    /* 2. decision only: batches of 1000 decisions over pre-parsed requests */
    seal_request *parsed[NREQ];
    for (int i = 0; i < NREQ; i++) {
        if (seal_request_parse(reqs[i], lens[i], &parsed[i], &err) != SEAL_OK) {
            return 1;
        }
    }
    size_t nb = 0;
    t0 = now_ns();
    end = t0 + seconds * 1e9;
    volatile int sink = 0;
    do {
        double a = now_ns();
        for (int k = 0; k < 125; k++) {
            for (int i = 0; i < NREQ; i++) {
                seal_policy_check(pol, parsed[i], &o, &d);
                sink += (int) d.verdict;
            }
        }
        lat[nb++] = (now_ns() - a) / 1000.0;
        t = now_ns();
    } while (t < end && nb < cap);
    qsort(lat, nb, sizeof(double), cmp_double);
    double p50_dec = lat[nb / 2];
    double dec_per_s = (double) nb * 1000.0 / ((t - t0) / 1e9);
    for (int i = 0; i < NREQ; i++) {
        seal_request_free(parsed[i]);
    }
    printf("{\"requests\": %d, \"verdicts\": {\"refused\": %d, \"review\": %d, \"approved\": %d}, "
           "\"from_json\": {\"decisions_per_s\": %.0f, \"p50_us\": %.3f, \"p99_us\": %.3f, "
           "\"samples\": %zu}, \"decision_only\": {\"decisions_per_s\": %.0f, \"p50_us\": %.4f, "
           "\"batches\": %zu}}\n",
           NREQ, verdicts[0], verdicts[1], verdicts[2], per_s, p50_text / 1000.0, p99_text / 1000.0,
           n, dec_per_s, p50_dec / 1000.0, nb);
    free(lat);
    seal_policy_free(pol);
    return sink < 0;
}
