/**
 * A local, partitioned key-value process registry with unique or duplicate keys, pub/sub dispatch
 * and {@code via} naming (Elixir: {@code Registry}).
 *
 * <p>Start with {@link io.jarl.registry.Registry}: {@link io.jarl.registry.Registry#startLink} starts a
 * registry from {@link io.jarl.registry.RegistryOptions}, {@link io.jarl.registry.Registry#named} gives
 * a typed handle on it. Reads go to concurrent tables without a message to any process.
 */
package io.jarl.registry;
