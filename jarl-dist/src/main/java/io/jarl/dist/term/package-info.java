/**
 * Erlang terms in Java and the External Term Format (ETF) codec that reads and writes them.
 */
package io.jarl.dist.term;
