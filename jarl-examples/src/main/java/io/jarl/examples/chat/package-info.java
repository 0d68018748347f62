/**
 * The chat server of {@code bin/jarl demo}: an OTP-style application of Jarl processes that people
 * use with {@code nc localhost 4040}. Start with {@link io.jarl.examples.chat.ChatApp} (the application
 * {@code chat}: its spec, configuration and callbacks), {@link io.jarl.examples.chat.ChatServer} (the tree),
 * then {@link io.jarl.examples.chat.Room} (a GenServer per room) and
 * {@link io.jarl.examples.chat.Session} (a GenServer per connection);
 * {@link io.jarl.examples.chat.ChatScript} is the scripted session of {@code bin/jarl demo --script}.
 */
package io.jarl.examples.chat;
