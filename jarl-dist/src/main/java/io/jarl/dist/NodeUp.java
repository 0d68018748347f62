package io.jarl.dist;

/**
 * The message a process subscribed with {@link Node#monitorNodes(boolean)} gets when a visible node
 * connects (OTP: {@code {nodeup, Node}}).
 *
 * @param node the node's name
 */
public record NodeUp(String node) {}
