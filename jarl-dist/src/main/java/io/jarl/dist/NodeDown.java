package io.jarl.dist;

/**
 * The message a process gets when a node it watches disconnects (OTP: {@code {nodedown, Node}}),
 * through {@link Node#monitorNodes(boolean)} or {@link Node#monitorNode(String, boolean)}.
 *
 * @param node   the node's name
 * @param reason why: {@code net_tick_timeout}, {@code connection closed by ...}, {@code disconnect},
 *               or why a connection could not be made
 */
public record NodeDown(String node, String reason) {}
