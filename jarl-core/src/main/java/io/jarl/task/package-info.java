/**
 * Tasks: a process that runs one function and, usually, returns its result to the process that
 * started it (Elixir: {@code Task} and {@code Task.Supervisor}).
 */
package io.jarl.task;
