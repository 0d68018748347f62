/**
 * A local, partitioned key-value process registry with unique or duplicate keys, pub/sub dispatch
 * and {@code via} naming (Elixir: {@code Registry}).
 */
package io.jarl.registry;
