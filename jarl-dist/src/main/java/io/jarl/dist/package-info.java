/**
 * Jarl's node in an Erlang cluster: node names, the magic cookie, and the errors of EPMD and of the
 * distribution handshake.
 *
 * <p>The Erlang terms and their external format are in {@link io.jarl.dist.term}.
 */
package io.jarl.dist;
