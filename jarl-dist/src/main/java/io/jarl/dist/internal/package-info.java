/**
 * The machinery of distribution that is not API: EPMD (client and an embedded server), the
 * distribution handshake, capability flags and the table of pending connections. Not exported; the
 * node and connection layers build on it.
 */
package io.jarl.dist.internal;
