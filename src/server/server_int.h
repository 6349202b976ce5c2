/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The daemon's internal interface (issue 7): main.c reads the
 * settings table and signals; server.c owns the HTTP side (libmicrohttpd),
 * the route table with its authorization column, and the handlers, which
 * are thin layers over libsealed (sealed/registry.h, sealed/policy.h).
 *
 * Lifecycle: seal__srv_start; seal__srv_run on the main thread, which does
 * every piece of work that touches the registry, the ledger or the token
 * store (libmicrohttpd's workers queue it there: the registry is not
 * thread-safe and the ledger's journal has one flock holder) until a stop
 * signal, then stops accepting, lets requests in flight finish and returns;
 * then seal__srv_stop.
 */
#ifndef SEAL_SERVER_INT_H
#define SEAL_SERVER_INT_H

#include <signal.h>
#include <stdint.h>

#include "sealed/status.h"

typedef struct seal_srv_config {
    char listen[256];               /* HOST:PORT or [V6]:PORT; port 0 picks a free one */
    char data[1024];                /* the data directory (sealctl init made it) */
    long max_body;                  /* bytes of a request body; more is 413 */
    long max_header;                /* bytes of a connection's memory pool (headers) */
    long max_connections;           /* open connections at once */
    long per_ip;                    /* open connections per client address */
    long timeout;                   /* seconds: idle connection, and a whole request */
    long threads;                   /* worker threads */
    long grace;                     /* seconds in-flight requests get at shutdown */
    long rate, burst;               /* per principal: requests per second, bucket depth; 0: off */
    long public_rate, public_burst; /* per client address, public or tokenless */
    char tls_cert[1024];            /* PEM certificate (chain); "": plain HTTP */
    char tls_key[1024];             /* PEM private key */
    char tls_client_ca[1024];       /* PEM CA: client certificates required; "": not asked */
    long sweep_interval;            /* seconds between the clock's sweeps (one at start) */
    int64_t now;                    /* test clock (unix seconds); 0: the system clock */
} seal_srv_config;

typedef struct seal_srv seal_srv;

/* Binds and starts serving; *out owned by the caller (seal__srv_stop). */
seal_status seal__srv_start(const seal_srv_config *cfg, seal_srv **out,
                            seal_error *err) SEAL_MUST_USE;
/* The port actually bound (useful with port 0). */
unsigned seal__srv_port(const seal_srv *srv);
/* Stops accepting connections; requests already accepted continue. */
void seal__srv_quiesce(seal_srv *srv);
/* Requests accepted and not yet answered. */
long seal__srv_in_flight(seal_srv *srv);
/* Serves jobs on the calling thread until one of the signals in stop
 * (blocked in every thread) arrives; then quiesces, waits up to cfg.grace
 * seconds for requests in flight, refuses later ones with 503, and returns
 * the signal's number. */
int seal__srv_run(seal_srv *srv, const sigset_t *stop);
/* Closes every connection, joins the workers and frees srv. NULL is a no-op. */
void seal__srv_stop(seal_srv *srv);

#endif
