/**
 * Agents: a process that holds one piece of state, read and changed by functions that run inside it
 * (Elixir: {@code Agent}).
 */
package io.jarl.agent;
